/**
 * The response core: Go's ResponseWriter rules, written once for every carrier (DESIGN.md §2). A carrier
 * supplies a {@link ResponseSink}; everything decided here (implicit 200, header snapshot, 1xx, sniffing, the
 * 2048-byte buffer and the Content-Length/chunked choice, HEAD/204/304, declared lengths, trailers) is
 * identical on the native server, node:http, Express, injection and the recorder.
 * @module
 */

import { callerFrame } from '../internal/caller';
import type { ResponseHead, ResponseSink } from './sink';
import { ErrBodyNotAllowed, ErrContentLength, ErrHijacked, ErrWriteAfterHandler } from '../errors';
import type { Flusher, ResponseWriter } from '../handler';
import { Header, canonicalHeaderKey, firstValue, isToken } from '../header';
import { binaryOf, bytesOf, isWellFormed } from '../internal/text';
import { logf } from '../log';
import { detectContentType, sniffLatin1 } from './sniff';

// The Buffer global, read once: Node defines it as an accessor on globalThis, so every `Buffer.x` in a hot path
// calls a getter (about 150 instructions). Absent where the platform has none, as before.
const Buf = (globalThis as { Buffer?: typeof Buffer }).Buffer as typeof Buffer;

/** The size of the per-response buffer that decides between Content-Length and chunked (RSP-1, RSP-2). */
const BUF_SIZE = 2048;

/** TrailerPrefix marks a header key as a trailer set after the head was written (Go's `http.TrailerPrefix`). */
export const TrailerPrefix = 'Trailer:';

/** @internal bodyAllowedForStatus reports whether a status may carry a body (not 1xx, 204, 304). */
export function bodyAllowedForStatus(status: number): boolean {
  if (status >= 100 && status <= 199) return false;
  return status !== 204 && status !== 304;
}

// The control bytes a value may not carry: node:http refuses them, and a NUL or a lone CR could end a field on
// some peer. HTAB is allowed; CR and LF are not here because Go turns them into spaces (RSP-13).
function isRefusedControl(c: number): boolean {
  return (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f;
}
function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

// The last value found to go on the wire as it is (printable ASCII, no surrounding space): responses repeat theirs
// (Content-Type, Cache-Control), and a string compares with itself at once where the scan costs some 20
// instructions a character. Likewise the last key found to be a token.
let wireSeen = '';
let tokenSeen = '';

/**
 * A header value as it goes on the wire, or the refused control byte: CR and LF become spaces and surrounding
 * whitespace is trimmed (RSP-13), the text is encoded as bytes (UTF-8; a binary string, src/internal/text.ts), and
 * a value with another control byte is refused (a number ≥ 0). Encoding makes only bytes ≥ 0x80 of characters
 * ≥ 0x80, so no character can turn into CR, LF or NUL on the way. Plain ASCII is returned as it is after one scan.
 */
function wireValue(v: string): string | number {
  if (v === wireSeen) return v;
  let nl = false;
  let high = false;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f) continue;
    if (c >= 0x80) high = true;
    else if (c === 0x0a || c === 0x0d) nl = true;
    else if (isRefusedControl(c)) return c;
  }
  if (!nl && !high && v.length <= 256 && (v.length === 0 || (!isSpace(v.charCodeAt(0)) && !isSpace(v.charCodeAt(v.length - 1))))) {
    wireSeen = v;
    return v;
  }
  let s = v;
  if (nl) s = s.replace(/[\r\n]/g, ' ');
  let a = 0;
  let b = s.length;
  while (a < b && isSpace(s.charCodeAt(a))) a++;
  while (b > a && isSpace(s.charCodeAt(b - 1))) b--;
  if (a !== 0 || b !== s.length) s = s.slice(a, b);
  return high ? binaryOf(s) : s;
}

/**
 * @internal Header lines in Go's WriteSubset order (RSP-12, RSP-13), ready for the wire on every carrier: keys sorted
 * by bytes, keys that are not tokens skipped, values cleaned and encoded by {@link wireValue}. A value with a control
 * byte other than HTAB, CR and LF is dropped with one line to the carrier's log (Go would send it; node:http cannot).
 */
export function headerLines(h: Header, exclude: ((key: string) => boolean) | null, logger: { log(message: string): void }): string[] {
  const m = h.m;
  if (m.size === 0) return [];
  if (m.size === 1) {
    // One key (a handler that set only Content-Type): no sorted key array, and one value's lines made at their size
    // (an array grown by push holds 17 slots).
    for (const [k, vs] of m) {
      if (vs.length !== 1 || !keySent(k, exclude)) break;
      const v = lineValue(k, vs[0], logger);
      return v === null ? [] : [k, v];
    }
  }
  const out: string[] = [];
  const keys = [...m.keys()].sort(byteOrder);
  for (const k of keys) {
    if (!keySent(k, exclude)) continue;
    const vs = m.get(k)!;
    for (let i = 0; i < vs.length; i++) {
      const v = lineValue(k, vs[i], logger);
      if (v !== null) out.push(k, v);
    }
  }
  return out;
}
function keySent(k: string, exclude: ((key: string) => boolean) | null): boolean {
  if (k !== tokenSeen) {
    if (!isToken(k)) return false;
    tokenSeen = k;
  }
  return exclude === null || !exclude(k);
}
// A value as its line carries it, or null when it is dropped (logged).
function lineValue(k: string, x: unknown, logger: { log(message: string): void }): string | null {
  // A number set from JavaScript is sent as its text, as node:http would.
  const v = wireValue(typeof x === 'string' ? x : String(x));
  if (typeof v === 'string') return v;
  logger.log(`http: dropped header field ${k}: its value holds the control byte 0x${v.toString(16).padStart(2, '0')}`);
  return null;
}
function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** hasToken reports whether a comma-separated header value contains `token` (case-insensitive). */
export function hasToken(v: string, token: string): boolean {
  if (v.length < token.length) return false;
  const lv = v.toLowerCase();
  let from = 0;
  for (;;) {
    const i = lv.indexOf(token, from);
    if (i === -1) return false;
    const before = i === 0 ? 0x2c : lv.charCodeAt(i - 1);
    const after = i + token.length === lv.length ? 0x2c : lv.charCodeAt(i + token.length);
    if ((before === 0x2c || before === 0x20 || before === 0x09) && (after === 0x2c || after === 0x20 || after === 0x09)) {
      return true;
    }
    from = i + 1;
  }
}

/** @internal Calls fn for each comma-separated, trimmed, non-empty element of v (Go's foreachHeaderElement). */
export function forEachHeaderElement(v: string, fn: (s: string) => void): void {
  for (const part of v.split(',')) {
    const t = part.trim();
    if (t !== '') fn(t);
  }
}

/** @internal Whether a canonical key may be declared as a trailer (Go's httpguts.ValidTrailerHeader). */
export function validTrailerHeader(key: string): boolean {
  return !badTrailer.has(key);
}

// Trailer names Go refuses to declare (httpguts.ValidTrailerHeader).
const badTrailer = new Set([
  'Authorization', 'Cache-Control', 'Connection', 'Content-Encoding', 'Content-Length', 'Content-Range',
  'Content-Type', 'Expect', 'Host', 'Keep-Alive', 'Max-Forwards', 'Pragma', 'Proxy-Authenticate',
  'Proxy-Authorization', 'Proxy-Connection', 'Range', 'Realm', 'Te', 'Trailer', 'Transfer-Encoding',
  'Www-Authenticate',
]);

/** @internal Finds the caller outside nethttp for Go's log lines (`from <caller> (<file>:<line>)`). */
export function relevantCaller(): string {
  const line = callerFrame();
  const m = line === null ? null : /at (?:(.+?) \()?(?:.*[\\/])?([^\\/]+?):(\d+):\d+\)?$/.exec(line);
  return m === null ? '<unknown> (<unknown>:0)' : `${m[1] ?? '<anonymous>'} (${m[2]}:${m[3]})`;
}

/**
 * @internal The response core behind `w`, found through `unwrap()` chains (as {@link ResponseController} does), or
 * null for a writer of the user's own.
 */
export function coreOf(w: ResponseWriter): Response | null {
  let x: ResponseWriter | undefined = w;
  for (let depth = 0; x !== undefined && depth < 64; depth++) {
    if (x instanceof Response) return x;
    const u: unknown = (x as { unwrap?: unknown }).unwrap;
    x = typeof u === 'function' ? (u as () => ResponseWriter).call(x) : undefined;
  }
  return null;
}

/**
 * @internal The method by which a writer that is not the core (the recorder) takes the lines a carrier would log about
 * its response.
 */
export const kLogLine: unique symbol = Symbol.for('nethttp.logLine');

/**
 * @internal Where a line about the response `w` goes: its carrier's log (found through `unwrap()` chains), else
 * stderr (Go's log.Printf).
 */
export function logOf(w: ResponseWriter): (message: string) => void {
  let x: ResponseWriter | undefined = w;
  for (let depth = 0; x !== undefined && depth < 64; depth++) {
    if (x instanceof Response) {
      const sink = x.sink;
      return (m) => sink.log(m);
    }
    const own: unknown = (x as { [kLogLine]?: unknown })[kLogLine];
    if (typeof own === 'function') return own.bind(x) as (m: string) => void;
    const u: unknown = (x as { unwrap?: unknown }).unwrap;
    x = typeof u === 'function' ? (u as () => ResponseWriter).call(x) : undefined;
  }
  return (m) => logf(null, m);
}

/** Options a carrier gives the core about the request being answered. @internal */
export interface ResponseRequestInfo {
  method: string;
  protoMajor: number;
  protoMinor: number;
}

/**
 * Response is nethttp's {@link ResponseWriter}: the one implementation behind every carrier. Handlers see it only
 * through the ResponseWriter interface and {@link ResponseController}.
 */
export class Response implements ResponseWriter, Flusher {
  /** @internal */ readonly sink: ResponseSink;
  /** @internal */ readonly isHEAD: boolean;
  /** @internal */ readonly is11: boolean;
  /** @internal The status once a final one was set (0 before). */ status = 0;
  /** @internal A final status was (logically) written. */ wroteHeader = false;
  /** @internal The head went to the sink (Go's cw.wroteHeader). */ headSent = false;
  /** @internal */ handlerDone = false;
  /** @internal */ hijacked = false;
  /** @internal Declared Content-Length, or -1. */ contentLength = -1;
  /** @internal Body bytes accepted so far (including refused ones, as Go counts). */ written = 0;
  // The response's own yes/no state, as bits of one number (see the F_ constants): a smaller object per response.
  private flags = 0;
  /** @internal The body is sent chunked (decided with the head). */
  get chunking(): boolean {
    return (this.flags & F_CHUNKING) !== 0;
  }
  set chunking(v: boolean) {
    this.flags = v ? this.flags | F_CHUNKING : this.flags & ~F_CHUNKING;
  }

  // The handler's header map, made when the handler first asks (many never do).
  private hdr: Header | null = null;
  private get handlerHeader(): Header {
    if (this.hdr === null) {
      this.hdr = new Header();
      // writeJSON's Content-Type, noted while the map was not made yet (see writeJSONText).
      if ((this.flags & F_JSON_TYPE) !== 0) this.hdr.m.set('Content-Type', [JSON_TYPE]);
    }
    return this.hdr;
  }
  private snapshot: Header | null = null;
  /**
   * The snapshot as its wire lines, when the header holds only fields the head rules do not look at (see
   * ordinaryKind) and the status allows a body: its strings cannot change, so the lines are the copy, and no map is
   * cloned. Null while no snapshot was taken, or when `snapshot` holds it.
   */
  private snapLines: string[] | null = null;
  private buf: Buffer | null = null;
  private bufLen = 0;
  declare private trailers: string[] | null;

  /** @internal Carriers create one per request. */
  constructor(sink: ResponseSink, req: ResponseRequestInfo) {
    this.sink = sink;
    this.isHEAD = req.method === 'HEAD';
    this.is11 = req.protoMajor > 1 || (req.protoMajor === 1 && req.protoMinor >= 1);
  }

  /** header returns the header map (RSP-24); after writeHeader the sent header is a snapshot (RSP-15, RSP-16). */
  header(): Header {
    if (this.wroteHeader && !this.headSent && this.snapshot === null && this.snapLines === null) this.takeSnapshot();
    this.flags |= F_CALLED_HEADER;
    return this.handlerHeader;
  }

  /** writeHeader sends a 1xx at once or fixes the final status (RSP-14…RSP-23). */
  writeHeader(code: number): void {
    if (this.hijacked) {
      this.sink.log(`http: response.WriteHeader on hijacked connection from ${relevantCaller()}`); // RSP-87
      return;
    }
    if (this.wroteHeader) {
      // A second final status is ignored and logged (RSP-17).
      this.sink.log(`http: superfluous response.WriteHeader call from ${relevantCaller()}`);
      return;
    }
    if (!Number.isInteger(code) || code < 100 || code > 999) throw new Error(`invalid WriteHeader code ${code}`);
    if (code < 101 || code > 199) this.sink.disableContinue?.();
    if (code >= 100 && code <= 199 && code !== 101) {
      // A 1xx goes out now with the map as it is, which stays for the final head (RSP-20).
      this.sink.informational(code, headerLines(this.handlerHeader, isLengthOrTE, this.sink));
      return;
    }
    this.wroteHeader = true;
    this.status = code;
    if ((this.flags & F_CALLED_HEADER) !== 0 && this.snapshot === null && this.snapLines === null) this.takeSnapshot();
    const cl = this.hdr === null ? '' : firstValue(this.hdr, 'Content-Length');
    if (cl !== '') {
      // strconv.ParseInt semantics: optional sign, decimal digits.
      const v = /^[+-]?[0-9]+$/.test(cl) ? Number(cl) : NaN;
      if (Number.isSafeInteger(v) && v >= 0) {
        this.contentLength = v;
      } else {
        this.sink.log(`http: invalid Content-Length of ${JSON.stringify(cl)}`);
        this.handlerHeader.del('Content-Length');
      }
    }
  }

  // The header as writeHeader found it (RSP-15, RSP-16): an ordinary one as its lines, any other as a clone.
  private takeSnapshot(): void {
    if (this.hdr === null && (this.flags & F_JSON_TYPE) === 0) {
      this.snapLines = NO_LINES;
      return;
    }
    const h = this.handlerHeader;
    if (h.m.size === 0) {
      this.snapLines = NO_LINES;
      return;
    }
    const kind = ordinaryKind(h);
    if (kind !== NOT_ORDINARY && bodyAllowedForStatus(this.status)) {
      this.snapLines = headerLines(h, null, this.sink);
      if (kind === WITH_CONTENT_TYPE) this.flags |= F_SNAP_TYPED;
    } else {
      this.snapshot = h.clone();
    }
  }

  /** write buffers body bytes; it never throws (see {@link ResponseWriter.write}). */
  write(data: string | Uint8Array): Error | null {
    if (this.hijacked) {
      // ErrHijacked; logged only when there was something to write (RSP-87).
      const len = typeof data === 'string' ? data.length : data.byteLength;
      if (len > 0) this.sink.log(`http: response.Write on hijacked connection from ${relevantCaller()}`);
      return ErrHijacked;
    }
    if (this.handlerDone) return this.lateWrite();
    if (typeof data !== 'string' && !(data instanceof Uint8Array)) throw notBytes(data);
    // Once bytes went out, a peer that left fails the write, as Go's Write on a dead connection does.
    if (this.headSent && this.sink.peerGone !== undefined) {
      const gone = this.sink.peerGone();
      if (gone !== null) return gone;
    }
    this.sink.disableContinue?.();
    if (!this.wroteHeader) this.writeHeader(200);
    const isString = typeof data === 'string';
    let len = isString ? Buf.byteLength(data) : data.byteLength;
    // Text is written as its bytes (src/internal/text.ts): node's encoder agrees except for lone surrogates, whose
    // U+DC80–U+DCFF are single bytes (a string taken from the request gives back the bytes the client sent).
    let encoded: Buffer | null = null;
    if (isString && len !== data.length && !isWellFormed(data)) {
      encoded = bytesOf(data);
      len = encoded.length;
    }
    return this.accept(data, len, encoded);
  }

  /**
   * @internal writeJSON on a response nothing was asked of yet (no header map, no status, nothing written): the
   * Content-Type is noted instead of put in a map made for it and copied again by writeHeader, and the text goes
   * in with its newline, unflattened. It answers as the three calls writeJSON makes otherwise: the map, made if
   * the handler asks for it later, has the type (and a map asked for before the head went out is the head's
   * snapshot, RSP-15). Returns false, doing nothing, for any other response, and for statuses whose head drops
   * fields (1xx, 204, 304: the general path decides those).
   */
  writeJSONText(status: number, text: string): boolean {
    if (this.hdr !== null || (this.flags & F_CALLED_HEADER) !== 0 || this.wroteHeader || this.hijacked || this.handlerDone) return false;
    if (status < 200 || !bodyAllowedForStatus(status) || status > 999 || !Number.isInteger(status)) return false;
    this.flags |= F_JSON_TYPE;
    this.writeHeader(status);
    // JSON.stringify's text is well-formed (lone surrogates come out escaped): its UTF-8 is its bytes.
    this.accept(text + '\n', Buf.byteLength(text) + 1, null);
    return true;
  }

  // write, from the length on: `data` is the caller's, `encoded` its bytes when they are not node's UTF-8.
  private accept(data: string | Uint8Array, len: number, encoded: Buffer | null): Error | null {
    const isString = typeof data === 'string';
    if (len === 0) return null;
    if (!bodyAllowedForStatus(this.status)) return ErrBodyNotAllowed;
    // Refused bytes still count, so every later write past a declared length fails too (RSP-44).
    this.written += len;
    if (this.contentLength !== -1 && this.written > this.contentLength) return ErrContentLength;
    if (isString && encoded === null && len === data.length && this.bufLen === 0 && this.str === null && len <= BUF_SIZE && this.sink.bodyString !== undefined) {
      // An ASCII string (byte length = length) into an empty buffer: kept as a string, so that a carrier writing
      // strings can send head and body together without converting to bytes and back. Any further write
      // converts it first.
      this.str = data;
      return null;
    }
    if (this.str !== null) this.unstring();
    const bytes = encoded ?? (isString ? Buf.from(data) : Buf.isBuffer(data) ? data : Buf.from(data.buffer, data.byteOffset, data.byteLength));
    // The caller owns its bytes again once write returns (Go's io.Writer contract): a Uint8Array is copied before
    // anything keeps it (the buffer, a sink, a socket's queue). Bytes made here, or handed over, are not.
    this.bufferWrite(bytes, isString, isString || encoded !== null || (this.flags & F_HANDED_OVER) !== 0);
    return null;
  }

  /**
   * @internal write for bytes nethttp made and will not touch again (a file chunk read into a fresh buffer, cached
   * file contents): passed on without the copy `write` makes of a caller's buffer.
   */
  writeOwned(data: Buffer): Error | null {
    this.flags |= F_HANDED_OVER;
    try {
      return this.write(data);
    } finally {
      this.flags &= ~F_HANDED_OVER;
    }
  }

  // A write after the handler finished: lost, so said once per response with the likely cause (RSP-26).
  private lateWrite(): Error {
    if ((this.flags & F_LATE_LOGGED) === 0) {
      this.flags |= F_LATE_LOGGED;
      this.sink.log(
        `http: response.Write after the handler returned, from ${relevantCaller()}: the bytes are dropped. The handler ` +
          'returned before this work finished: a missing await or return (on next.serveHTTP(w, r), on a promise, or work ' +
          'left in a callback or timer)',
      );
    }
    return ErrWriteAfterHandler;
  }

  // The buffered string, when the buffer holds exactly one ASCII string (see write).
  private str: string | null = null;
  private unstring(): void {
    const s = this.str!;
    this.str = null;
    this.bufferWrite(Buf.from(s, 'latin1'), true, true);
  }

  // Go's bufio.Writer in front of the chunkWriter: byte slices larger than the free space go straight through
  // when the buffer is empty; strings are always cut into buffer-sized pieces (RSP-4's observed boundaries).
  private bufferWrite(p: Buffer, isString: boolean, owned: boolean): void {
    let off = 0;
    if ((this.flags & F_BUF_IS_VIEW) !== 0 && p.length > BUF_SIZE - this.bufLen) this.unview();
    while (p.length - off > BUF_SIZE - this.bufLen) {
      if (this.bufLen === 0 && !isString) {
        const rest = off === 0 ? p : p.subarray(off);
        this.chunkWrite(owned ? rest : Buf.from(rest));
        return;
      }
      const buf = (this.buf ??= Buf.allocUnsafe(BUF_SIZE));
      const n = p.copy(buf, this.bufLen, off, off + (BUF_SIZE - this.bufLen));
      this.bufLen += n;
      off += n;
      this.flushBuffer();
    }
    if (off === p.length) return;
    if (owned && this.bufLen === 0 && this.buf === null && p.length - off <= BUF_SIZE) {
      // Common case of one small write: keep a view instead of copying; copied only if a second write comes.
      this.buf = off === 0 ? p : p.subarray(off);
      this.bufLen = this.buf.length;
      this.flags |= F_BUF_IS_VIEW;
      return;
    }
    if ((this.flags & F_BUF_IS_VIEW) !== 0) this.unview();
    const buf = (this.buf ??= Buf.allocUnsafe(BUF_SIZE));
    this.bufLen += p.copy(buf, this.bufLen, off);
  }
  private unview(): void {
    const b = Buf.allocUnsafe(BUF_SIZE);
    this.buf!.copy(b, 0, 0, this.bufLen);
    this.buf = b;
    this.flags &= ~F_BUF_IS_VIEW;
  }

  private flushBuffer(): void {
    if (this.str !== null) {
      const s = this.str;
      this.str = null;
      if (!this.headSent) this.sendHead(null, s);
      if (this.isHEAD || !bodyAllowedForStatus(this.status)) return;
      this.sink.bodyString!(s);
      return;
    }
    if (this.bufLen === 0) return;
    const p = (this.flags & F_BUF_IS_VIEW) !== 0 ? this.buf!.subarray(0, this.bufLen) : Buf.from(this.buf!.subarray(0, this.bufLen));
    this.bufLen = 0;
    if ((this.flags & F_BUF_IS_VIEW) !== 0) {
      this.buf = null;
      this.flags &= ~F_BUF_IS_VIEW;
    }
    this.chunkWrite(p);
  }

  // Go's chunkWriter.Write: the head is decided on the first bytes passed on.
  private chunkWrite(p: Buffer): void {
    if (!this.headSent) this.sendHead(p);
    // HEAD: counted, then dropped (RSP-63).
    if (this.isHEAD || !bodyAllowedForStatus(this.status)) return;
    this.sink.body(p);
  }

  /** flush sends everything written so far, producing the head first if needed (RSP-80…RSP-82). */
  flush(): void {
    if (this.hijacked) return;
    if (!this.wroteHeader) this.writeHeader(200);
    this.flushBuffer();
    if (!this.headSent) this.sendHead(null);
    this.sink.flush();
  }

  /**
   * drained resolves when the bytes written so far have left for the client, so that a handler streaming a large
   * body can keep memory bounded: `w.write(chunk); await w.drained()`.
   */
  drained(): Promise<void> {
    return this.sink.drained();
  }

  /** @internal Finishes the response after the handler returned (Go's finishRequest up to the final chunk). */
  finish(): void {
    if (this.hijacked) return;
    this.handlerDone = true;
    if (!this.wroteHeader) this.writeHeader(200);
    this.flushBuffer();
    if (!this.headSent) this.sendHead(null);
    this.sink.end(this.chunking ? this.finalTrailers() : null);
  }

  /** @internal Drops buffered output without writing (a panicking handler, SRV-97). */
  discardBuffered(): void {
    this.str = null;
    this.bufLen = 0;
    this.buf = null;
    this.flags &= ~F_BUF_IS_VIEW;
  }

  /** @internal Sends the head now if a final status is set (Hijack, RSP-86); buffered body bytes are dropped. */
  sendHeadForHijack(): void {
    this.discardBuffered();
    if (this.wroteHeader && !this.headSent) {
      this.sendHead(null);
    }
  }

  /** @internal Whether the connection may be reused as far as the response is concerned (Go's shouldReuseConnection, response part). */
  lengthSatisfied(): boolean {
    return !(!this.isHEAD && this.contentLength !== -1 && bodyAllowedForStatus(this.status) && this.contentLength !== this.written);
  }

  private declareTrailer(k: string): void {
    const key = canonicalHeaderKey(k);
    if (badTrailer.has(key)) return;
    (this.trailers ??= []).push(key);
  }

  private finalTrailers(): string[] | null {
    const t = new Header();
    let any = false;
    for (const [k, vv] of this.handlerHeader.m) {
      if (k.startsWith(TrailerPrefix)) {
        t.setRaw(k.slice(TrailerPrefix.length), vv);
        any = true;
      }
    }
    if (this.trailers !== null) {
      for (const k of this.trailers) {
        for (const v of this.handlerHeader.getRaw(k) ?? []) {
          t.add(k, v);
          any = true;
        }
      }
    }
    return any ? headerLines(t, null, this.sink) : null;
  }

  /**
   * sendHead when no field of the header bears on the head: the handler never asked for the header (no snapshot,
   * `lines` empty), or it holds only ordinary fields and perhaps Content-Type (see {@link ordinaryKind}). Then only
   * the status and the first bytes decide (RSP-30, RSP-32, RSP-40, RSP-41) — what the general path decides for such
   * a header, without its dozen map look-ups.
   */
  private sendSimpleHead(lines: string[], hasContentType: boolean, p: Buffer | null, str: string | null): void {
    const status = this.status;
    const bodyAllowed = bodyAllowedForStatus(status);
    const plen = firstBytesLength(p, str);
    let autoCL = -1;
    if (this.handlerDone && bodyAllowed && (!this.isHEAD || plen > 0)) {
      this.contentLength = plen;
      autoCL = plen;
    }
    const hasCL = this.contentLength !== -1;
    const contentType = hasContentType || !bodyAllowed || plen === 0 ? null : sniffFirstBytes(p, str);
    let closeAfterReply = false;
    if (!this.isHEAD && bodyAllowed && status !== 204 && !hasCL) {
      if (this.is11) this.chunking = true;
      else closeAfterReply = true;
    }
    this.sink.head({
      status,
      lines,
      date: true,
      autoContentLength: autoCL,
      contentType,
      chunked: this.chunking,
      hasContentLength: hasCL,
      closeAfterReply,
      connection: '',
      connectionKeyPresent: false,
      snapshotConnection: '',
      protocolSwitch: false,
      head: this.isHEAD,
      bodyAllowed,
    });
  }

  // Go's chunkWriter.writeHeader, less the Connection decision (the sink's, see carrier.ts).
  private sendHead(p: Buffer | null, str: string | null = null): void {
    this.headSent = true;
    if (this.snapshot === null) {
      // The handler never asked for the map before the status was fixed: empty, or just writeJSON's type (for a
      // status with a body), or asked for afterwards (its lines as writeHeader found it).
      if (this.snapLines !== null) this.sendSimpleHead(this.snapLines, (this.flags & F_SNAP_TYPED) !== 0, p, str);
      else if ((this.flags & F_JSON_TYPE) !== 0) this.sendSimpleHead(JSON_LINES, true, p, str);
      else this.sendSimpleHead(NO_LINES, false, p, str);
      return;
    }
    const header = this.snapshot;
    // The snapshot is this response's own copy: fields the head must not carry are deleted from it.
    const delHeader = (key: string): void => header.deleteRaw(key);
    // Trailer-prefixed keys to leave out of the lines; allocated only when there is one.
    let exclude: Set<string> | null = null;
    let trailers = false;
    for (const k of header.keys()) {
      if (k.startsWith(TrailerPrefix)) {
        (exclude ??= new Set()).add(k);
        trailers = true;
      }
    }
    for (const v of header.getRaw('Trailer') ?? []) {
      trailers = true;
      forEachHeaderElement(v, (k) => this.declareTrailer(k));
    }
    const te = firstValue(header, 'Transfer-Encoding');
    const hasTE = te !== '';
    const plen = firstBytesLength(p, str);
    const status = this.status;
    const bodyAllowed = bodyAllowedForStatus(status);
    let autoCL = -1;
    if (this.handlerDone && !trailers && !hasTE && bodyAllowed && !header.hasRaw('Content-Length') && (!this.isHEAD || plen > 0)) {
      this.contentLength = plen;
      autoCL = plen;
    }
    let hasCL = this.contentLength !== -1;
    let contentType: string | null = null;
    if (bodyAllowed) {
      // Any Content-Type key, even one without values, stops sniffing (RSP-35).
      if (!header.hasRaw('Content-Type') && firstValue(header, 'Content-Encoding') === '' && !hasTE && plen > 0) {
        contentType = sniffFirstBytes(p, str);
      }
    } else {
      // No body: no length or framing, and a 304 no type either (RSP-62).
      if (status === 304) delHeader('Content-Type');
      delHeader('Content-Length');
      delHeader('Transfer-Encoding');
    }
    // A Date key, even without values, means no automatic Date (RSP-31).
    const date = !header.hasRaw('Date');
    if (hasCL && hasTE && te !== 'identity') {
      this.sink.log(`http: WriteHeader called with both Transfer-Encoding of ${JSON.stringify(te)} and a Content-Length of ${this.contentLength}`);
      delHeader('Content-Length');
      autoCL = -1;
      hasCL = false;
    }
    let closeAfterReply = false;
    if (this.isHEAD || !bodyAllowed || status === 204) {
      delHeader('Transfer-Encoding');
    } else if (hasCL) {
      delHeader('Transfer-Encoding');
    } else if (this.is11) {
      if (hasTE && te === 'identity') {
        // Neither chunked nor measured: the body ends when the connection closes (RSP-50).
        this.chunking = false;
        closeAfterReply = true;
        delHeader('Transfer-Encoding');
      } else {
        this.chunking = true;
        if (hasTE && te === 'chunked') delHeader('Transfer-Encoding');
      }
    } else {
      closeAfterReply = true;
      delHeader('Transfer-Encoding');
    }
    if (this.chunking) delHeader('Content-Length'); // RSP-52
    const connection = firstValue(header, 'Connection');
    const head: ResponseHead = {
      status,
      lines: headerLines(header, exclude === null ? null : (k) => exclude!.has(k), this.sink),
      date,
      autoContentLength: autoCL,
      contentType,
      chunked: this.chunking,
      hasContentLength: hasCL,
      closeAfterReply,
      connection,
      connectionKeyPresent: header.hasRaw('Connection'),
      snapshotConnection: connection,
      protocolSwitch: status === 101 && firstValue(header, 'Upgrade') !== '' && hasToken(connection, 'upgrade'),
      head: this.isHEAD,
      bodyAllowed,
    };
    this.sink.head(head);
  }
}

// write(42), write({}): JavaScript lets them through the types; say what was wrong instead of failing deep inside.
/** @internal */
export function notBytes(data: unknown): TypeError {
  const what = data === null ? 'null' : Array.isArray(data) ? 'an array' : typeof data === 'object' ? 'an object' : `a ${typeof data}`;
  return new TypeError(
    `http: ResponseWriter.write takes a string or a Uint8Array (a Buffer), not ${what}: ` +
      (typeof data === 'number' || typeof data === 'boolean' ? 'write String(value)' : 'write JSON.stringify(value) or use writeJSON'),
  );
}

const NO_LINES = Object.freeze([]) as unknown as string[];

// Response.flags: the body is chunked; the handler asked for the header map; writeJSON's type is noted (no map yet);
// writeOwned's bytes are handed over; a late write was logged; the buffer is a view of one write's bytes; the
// snapshot's lines have a Content-Type.
const F_CHUNKING = 1;
const F_CALLED_HEADER = 2;
const F_JSON_TYPE = 4;
const F_HANDED_OVER = 8;
const F_LATE_LOGGED = 16;
const F_BUF_IS_VIEW = 32;
const F_SNAP_TYPED = 64;
const JSON_TYPE = 'application/json';
const JSON_LINES = Object.freeze(['Content-Type', JSON_TYPE]) as unknown as string[];

const NOT_ORDINARY = 0;
const ORDINARY = 1;
const WITH_CONTENT_TYPE = 2;
/**
 * Whether a handler header holds only fields the head rules do not look at (RSP-30…RSP-44: Date, Content-Length,
 * Transfer-Encoding, Content-Encoding, Connection, Upgrade, Trailer and `Trailer:` keys), and whether it has
 * Content-Type; one pass over the keys.
 */
function ordinaryKind(h: Header): number {
  let kind = ORDINARY;
  for (const k of h.m.keys()) {
    switch (k) {
      case 'Content-Type':
        kind = WITH_CONTENT_TYPE;
        continue;
      case 'Date': case 'Content-Length': case 'Transfer-Encoding': case 'Content-Encoding': case 'Connection':
      case 'Upgrade': case 'Trailer':
        return NOT_ORDINARY;
    }
    if (k.startsWith(TrailerPrefix)) return NOT_ORDINARY;
  }
  return kind;
}

// The head is decided on the first bytes passed on: a Buffer, or a binary string (see Response.write), or none.
function firstBytesLength(p: Buffer | null, str: string | null): number {
  return p !== null ? p.length : str !== null ? str.length : 0;
}
function sniffFirstBytes(p: Buffer | null, str: string | null): string {
  return p !== null ? detectContentType(p) : sniffLatin1(str!);
}

// Declared trailer names, rarely any: on the prototype until the first is declared.
Object.assign(Response.prototype, { trailers: null });

function isLengthOrTE(k: string): boolean {
  return k === 'Content-Length' || k === 'Transfer-Encoding';
}

