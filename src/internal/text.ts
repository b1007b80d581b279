/**
 * Text and bytes: the one rule by which every string crosses between a handler and the wire.
 *
 * Go's strings are bytes; JavaScript's are UTF-16 text. The reader, the router and the framing work on bytes (in
 * "binary" strings, one character per byte, where a string is handier than a Buffer). Every string handed to a
 * handler is those bytes decoded from UTF-8 with a lossless mapping, and every string a handler hands back is
 * encoded by its inverse:
 *
 * - valid UTF-8 decodes as usual;
 * - each byte that is not part of a valid UTF-8 sequence (0x80–0xFF) becomes the lone surrogate U+DC00+byte
 *   (U+DC80–U+DCFF), as Python's `surrogateescape` does (PEP 383);
 * - encoding is UTF-8, except that a lone U+DC80–U+DCFF becomes its one byte again; any other lone surrogate
 *   encodes as U+FFFD (EF BF BD), as `TextEncoder` does.
 *
 * So decoding and encoding again gives back exactly the bytes that came in, whatever they were. ASCII, the common
 * case, is the same string in every form: each conversion first scans for a character ≥ 0x80 and returns its
 * input unchanged when there is none. Only {@link bytesOf} is public; the rest is machinery.
 * @module
 */

type Sliceable = { latin1Slice(start: number, end: number): string; utf8Slice(start: number, end: number): string };
type WellFormed = { isWellFormed(): boolean };

/** @internal Whether every character of `s` is ASCII (< 0x80). */
export function isASCII(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return false;
  return true;
}

/** @internal Whether `s` has no lone surrogate (so that node's UTF-8 encoder gives exactly our bytes). */
export function isWellFormed(s: string): boolean {
  return (s as unknown as WellFormed).isWellFormed();
}

/**
 * bytesOf returns the bytes a string stands for: its UTF-8 encoding, except that each lone surrogate
 * U+DC80–U+DCFF becomes the single byte 0x80–0xFF (other lone surrogates become U+FFFD).
 *
 * Strings nethttp hands to a handler (path values, `url.path`, query and form values, header values, cookie and
 * multipart names) are decoded from the request's bytes with the inverse rule, so `bytesOf` of any of them gives
 * exactly the bytes the client sent — also when they were not valid UTF-8, e.g. `%FF` in a path:
 *
 * ```ts
 * mux.handleFunc('GET /raw/{x}', (w, r) => {
 *   const raw = bytesOf(r.pathValue('x')); // GET /raw/%FF → <Buffer ff>; GET /raw/caf%C3%A9 → <Buffer 63 61 66 c3 a9>
 *   w.write(raw.toString('hex'));
 * });
 * ```
 *
 * Every string a handler gives nethttp (body writes, header values, cookies, `Location`, patterns, file names) is
 * encoded by this same function.
 */
export function bytesOf(s: string): Buffer {
  if (isWellFormed(s)) return Buffer.from(s, 'utf8');
  return encodeEscaped(s);
}

// Up to this length a string is converted in JavaScript, without a Buffer: for the short strings of heads, paths and
// values that is about twice as fast; longer ones go through node's native UTF-8 code.
const SHORT = 64;

const NON_ASCII = /[^\x00-\x7f]/;
// The length of the ASCII prefix of `s`. From 16 characters a regular expression answers "all ASCII" first: V8 reads
// a slice of a longer string (a request's path cut from its target) through a call per charCodeAt, about 50
// instructions a character, where the compiled expression costs a few (callgrind: 2,170 → 860 per 41-character path).
function asciiEnd(s: string): number {
  if (s.length >= 16 && !NON_ASCII.test(s)) return s.length;
  let i = 0;
  while (i < s.length && s.charCodeAt(i) < 0x80) i++;
  return i;
}

/** @internal The bytes of text `s` as a binary string (one character per byte); `s` itself when it is ASCII. */
export function binaryOf(s: string): string {
  const i = asciiEnd(s);
  if (i === s.length) return s;
  if (s.length <= SHORT) return s.slice(0, i) + encodeFrom(s, i);
  const b = bytesOf(s);
  return (b as unknown as Sliceable).latin1Slice(0, b.length);
}

/** @internal The text of a binary string (one character per byte); `b` itself when it is ASCII. */
export function textOf(b: string): string {
  const i = asciiEnd(b);
  if (i === b.length) return b;
  if (b.length <= SHORT) return decodeFrom(b, i);
  const buf = Buffer.from(b, 'latin1');
  return decodeBytes(buf, 0, buf.length);
}

/** @internal The text of `buf[start, end)`: UTF-8, each stray byte 0x80–0xFF as U+DC80–U+DCFF. */
export function textOfBytes(buf: Uint8Array, start = 0, end = buf.length): string {
  return decodeBytes(Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength), start, end);
}

/** @internal The length in bytes of text `s` (Go's `len(s)`). */
export function byteLengthOf(s: string): number {
  if (isWellFormed(s)) return Buffer.byteLength(s, 'utf8');
  return encodeEscaped(s).length;
}

/** @internal Orders two texts by their bytes, as Go orders strings (UTF-16 order differs past U+D7FF). */
export function compareBytes(a: string, b: string): number {
  if (isASCII(a) && isASCII(b)) return a < b ? -1 : a > b ? 1 : 0;
  return Buffer.compare(bytesOf(a), bytesOf(b));
}

// The length of the well-formed UTF-8 sequence starting at b[i] (a binary string's byte ≥ 0x80), or 0; sets `seqCP`.
// Unicode Table 3-7: no overlongs, no surrogates, nothing past U+10FFFF; a sequence cut by the end is not one.
let seqCP = 0;
function sequence(b: string, i: number): number {
  const c = b.charCodeAt(i);
  let n = 0;
  let cp = 0;
  let lo = 0x80;
  let hi = 0xbf;
  if (c >= 0xc2 && c <= 0xdf) {
    n = 1;
    cp = c & 0x1f;
  } else if (c >= 0xe0 && c <= 0xef) {
    n = 2;
    cp = c & 0x0f;
    if (c === 0xe0) lo = 0xa0;
    else if (c === 0xed) hi = 0x9f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    n = 3;
    cp = c & 0x07;
    if (c === 0xf0) lo = 0x90;
    else if (c === 0xf4) hi = 0x8f;
  }
  if (n === 0 || i + n >= b.length) return 0;
  for (let k = 1; k <= n; k++) {
    const d = b.charCodeAt(i + k);
    if (d < (k === 1 ? lo : 0x80) || d > (k === 1 ? hi : 0xbf)) return 0;
    cp = (cp << 6) | (d & 0x3f);
  }
  seqCP = cp;
  return n + 1;
}

// The text of binary string `b` from offset i (the rest of `b` is ASCII before i), in JavaScript: ASCII runs are
// copied as slices, each well-formed sequence decoded, each stray byte made U+DC00+byte.
function decodeFrom(b: string, i: number): string {
  let out = '';
  let run = 0;
  while (i < b.length) {
    const c = b.charCodeAt(i);
    if (c < 0x80) {
      i++;
      continue;
    }
    out += b.slice(run, i);
    const n = sequence(b, i);
    if (n > 0) {
      out += seqCP >= 0x10000 ? String.fromCharCode(0xd800 | ((seqCP - 0x10000) >> 10), 0xdc00 | ((seqCP - 0x10000) & 0x3ff)) : String.fromCharCode(seqCP);
      i += n;
    } else {
      out += String.fromCharCode(0xdc00 | c);
      i++;
    }
    run = i;
  }
  return out + b.slice(run);
}

// The bytes of text `s` from offset i as a binary string, in JavaScript: UTF-8, a lone U+DC80–U+DCFF as its byte,
// any other lone surrogate as U+FFFD.
function encodeFrom(s: string, i: number): string {
  let out = '';
  let run = i;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    out += s.slice(run, i);
    if (c < 0x800) out += String.fromCharCode(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    else if (c < 0xd800 || c > 0xdfff) out += String.fromCharCode(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
    else {
      const d = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
        const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        out += String.fromCharCode(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
        i++;
      } else if (c >= 0xdc80 && c <= 0xdcff) {
        out += String.fromCharCode(c & 0xff);
      } else {
        out += '\xef\xbf\xbd';
      }
    }
    run = i + 1;
  }
  return out + s.slice(run);
}

function decodeBytes(buf: Buffer, start: number, end: number): string {
  // Valid UTF-8 (ASCII included) is what node decodes natively; only the rest needs the escaping loop. Node's decoder
  // makes U+FFFD of every invalid sequence, so a result without one came from valid bytes (without importing
  // node:buffer's isUtf8, so that the core loads where there is no node: module); one with U+FFFD is decoded again
  // by the escaping loop, which also decodes a real EF BF BD as U+FFFD.
  const s = (buf as unknown as Sliceable).utf8Slice(start, end);
  if (s.indexOf('\ufffd') === -1) return s;
  return decodeFrom((buf as unknown as Sliceable).latin1Slice(start, end), 0);
}

// The encoder for strings with lone surrogates (well-formed ones go through node's UTF-8 encoder).
function encodeEscaped(s: string): Buffer {
  return Buffer.from(encodeFrom(s, 0), 'latin1');
}
