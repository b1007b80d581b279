/**
 * detectContentType: Go's content sniffing (the WHATWG MIME-sniffing table as Go 1.23 ships it, SNF-*).
 * @module
 */

// Only the first 512 bytes are looked at (SNF-1).
const SNIFF_LEN = 512;
const TEXT_UTF8 = 'text/plain; charset=utf-8';
const HTML = 'text/html; charset=utf-8';

// Whitespace skipped before the HTML and `<?xml` rows only (SNF-4); VT is not whitespace here.
function isWS(b: number): boolean {
  return b === 0x09 || b === 0x0a || b === 0x0c || b === 0x0d || b === 0x20;
}

// Binary bytes per SNF-55: 0x00–0x08, 0x0B, 0x0E–0x1A, 0x1C–0x1F.
function isBinary(b: number): boolean {
  return b <= 0x08 || b === 0x0b || (b >= 0x0e && b <= 0x1a) || (b >= 0x1c && b <= 0x1f);
}

// The HTML rows, in Go's order (SNF-10); `<svg>`, `<xml>` and the like are none of them (SNF-12).
const htmlSigs: readonly Uint8Array[] = [
  '<!DOCTYPE HTML', '<HTML', '<HEAD', '<SCRIPT', '<IFRAME', '<H1', '<DIV', '<FONT', '<TABLE', '<A', '<STYLE',
  '<TITLE', '<B', '<BODY', '<BR', '<P', '<!--',
].map((s) => Buffer.from(s, 'latin1'));

// A signature test, and the first byte it requires (unset or -1: any first byte).
type Sig = ((d: Uint8Array, n: number) => boolean) & { first?: number };

function exact(bytes: number[] | string): Sig {
  const p = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : Uint8Array.from(bytes);
  const sig: Sig = (d, n) => {
    if (n < p.length) return false;
    for (let i = 0; i < p.length; i++) if (d[i] !== p[i]) return false;
    return true;
  };
  sig.first = p[0];
  return sig;
}

// A pattern where `-1` is a byte ignored by the mask.
function masked(pat: Array<number | string>): Sig {
  const p: number[] = [];
  for (const x of pat) {
    if (typeof x === 'string') for (let i = 0; i < x.length; i++) p.push(x.charCodeAt(i));
    else p.push(x);
  }
  const sig: Sig = (d, n) => {
    if (n < p.length) return false;
    for (let i = 0; i < p.length; i++) if (p[i] !== -1 && d[i] !== p[i]) return false;
    return true;
  };
  sig.first = p[0];
  return sig;
}

const _ = -1;

function mp4(d: Uint8Array, n: number): boolean {
  if (n < 12) return false;
  const box = ((d[0] << 24) | (d[1] << 16) | (d[2] << 8) | d[3]) >>> 0;
  if (box > n || box % 4 !== 0) return false;
  if (d[4] !== 0x66 || d[5] !== 0x74 || d[6] !== 0x79 || d[7] !== 0x70) return false; // "ftyp"
  for (let st = 8; st < box; st += 4) {
    if (st === 12) continue; // major brand version
    if (st + 3 <= n && d[st] === 0x6d && d[st + 1] === 0x70 && d[st + 2] === 0x34) return true; // "mp4"
  }
  return false;
}

// The rows after the HTML and XML rows, in Go's order: the first match wins (SNF-57). The byte-order-mark rows
// need four bytes, so a lone BOM falls through to the text rule (SNF-56).
const table: ReadonlyArray<[Sig, string]> = [
  [exact('%PDF-'), 'application/pdf'], // SNF-21
  [exact('%!PS-Adobe-'), 'application/postscript'], // SNF-22
  [masked([0xfe, 0xff, _, _]), 'text/plain; charset=utf-16be'], // SNF-23
  [masked([0xff, 0xfe, _, _]), 'text/plain; charset=utf-16le'], // SNF-24
  [masked([0xef, 0xbb, 0xbf, _]), TEXT_UTF8], // SNF-25
  [exact([0, 0, 1, 0]), 'image/x-icon'], // SNF-26
  [exact([0, 0, 2, 0]), 'image/x-icon'], // SNF-27
  [exact('BM'), 'image/bmp'], // SNF-28
  [exact('GIF87a'), 'image/gif'], // SNF-29
  [exact('GIF89a'), 'image/gif'], // SNF-30
  [masked(['RIFF', _, _, _, _, 'WEBPVP']), 'image/webp'], // SNF-31
  [exact([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), 'image/png'], // SNF-32
  [exact([0xff, 0xd8, 0xff]), 'image/jpeg'], // SNF-33
  [masked(['FORM', _, _, _, _, 'AIFF']), 'audio/aiff'], // SNF-34
  [masked(['ID3']), 'audio/mpeg'], // SNF-35
  [masked(['OggS', 0]), 'application/ogg'], // SNF-36
  [masked(['MThd', 0, 0, 0, 6]), 'audio/midi'], // SNF-37
  [masked(['RIFF', _, _, _, _, 'AVI ']), 'video/avi'], // SNF-38
  [masked(['RIFF', _, _, _, _, 'WAVE']), 'audio/wave'], // SNF-39
  [mp4, 'video/mp4'], // SNF-50
  [exact([0x1a, 0x45, 0xdf, 0xa3]), 'video/webm'], // SNF-41
  [masked([...new Array<number>(34).fill(_), 'LP']), 'application/vnd.ms-fontobject'], // SNF-42
  [exact([0, 1, 0, 0]), 'font/ttf'], // SNF-43
  [exact('OTTO'), 'font/otf'], // SNF-44
  [exact('ttcf'), 'font/collection'], // SNF-45
  [exact('wOFF'), 'font/woff'], // SNF-46
  [exact('wOF2'), 'font/woff2'], // SNF-47
  [exact([0x1f, 0x8b, 0x08]), 'application/x-gzip'], // SNF-48
  [exact([0x50, 0x4b, 0x03, 0x04]), 'application/zip'], // SNF-49
  [exact([0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x00]), 'application/x-rar-compressed'], // SNF-51
  [exact([0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x01, 0x00]), 'application/x-rar-compressed'], // SNF-52
  [exact([0x00, 0x61, 0x73, 0x6d]), 'application/wasm'], // SNF-53
];

// The table's rows that can match data starting with a given byte, in the table's order: the response core sniffs
// every body without a Content-Type, and most rows fail on their first byte.
const rowsByFirstByte: ReadonlyArray<ReadonlyArray<[Sig, string]>> = Array.from({ length: 256 }, (_unused, b) =>
  table.filter(([sig]) => sig.first === undefined || sig.first === -1 || sig.first === b),
);
// Empty data: no row can match (every signature needs at least one byte).
const EMPTY_ROWS: ReadonlyArray<[Sig, string]> = [];

function htmlAt(d: Uint8Array, ws: number, n: number): boolean {
  for (const p of htmlSigs) {
    if (n - ws < p.length + 1) continue;
    let ok = true;
    for (let i = 0; i < p.length; i++) {
      let b = d[ws + i];
      const c = p[i];
      if (c >= 0x41 && c <= 0x5a) b &= 0xdf; // letters compare case-insensitively (SNF-11)
      if (b !== c) {
        ok = false;
        break;
      }
    }
    if (!ok) continue;
    const t = d[ws + p.length];
    if (t === 0x20 || t === 0x3e) return true;
  }
  return false;
}

/**
 * detectContentType implements Go's content sniffing: it looks at no more than the first 512 bytes of `data`
 * and returns a valid MIME type, `application/octet-stream` when nothing more specific fits (Go's
 * `http.DetectContentType`). The server uses it for responses without a Content-Type (RSP-32).
 */
export function detectContentType(data: Uint8Array): string {
  return sniff(data, data.length < SNIFF_LEN ? data.length : SNIFF_LEN);
}

const scratch = Buffer.allocUnsafe(SNIFF_LEN);

// First bytes whose only candidate rows are the two that look past the start (the EOT row's `LP` at 34, mp4's
// `ftyp` at 4): text starting with any of them, not blank and not `<`, is decided without the table.
const genericRows = table.filter(([sig]) => sig.first === undefined || sig.first === -1);
const plainFirst: Uint8Array = Uint8Array.from({ length: 256 }, (_unused, b) =>
  !isWS(b) && b !== 0x3c && rowsByFirstByte[b].every((r) => genericRows.includes(r)) ? 1 : 0,
);

// The last short body sniffed and its type: a handler that writes a literal sends the same string every time, and a
// string compares with itself at once (with an equal one in about a cycle a character) where the scan below costs
// some 20 instructions a character.
let lastSniffed = '';
let lastType = TEXT_UTF8;

/** @internal detectContentType of a binary string (one character per byte), without allocating its bytes. */
export function sniffLatin1(s: string): string {
  if (s === lastSniffed) return lastType;
  const t = sniffString(s);
  if (s.length <= 256) {
    lastSniffed = s;
    lastType = t;
  }
  return t;
}

function sniffString(s: string): string {
  const n = s.length < SNIFF_LEN ? s.length : SNIFF_LEN;
  // The common body (JSON, plain text): no HTML or XML row (no blank or `<` first), no row for its first byte, and
  // neither generic row's bytes in place; then only the text rule is left (SNF-55), read off the string itself.
  if (n > 0 && plainFirst[s.charCodeAt(0) & 0xff] === 1 && s.charCodeAt(0) < 0x100 &&
      !(n >= 36 && s.charCodeAt(34) === 0x4c && s.charCodeAt(35) === 0x50) &&
      !(n >= 12 && s.charCodeAt(4) === 0x66 && s.charCodeAt(5) === 0x74 && s.charCodeAt(6) === 0x79 && s.charCodeAt(7) === 0x70)) {
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x20 && isBinary(c)) return 'application/octet-stream';
    }
    return TEXT_UTF8;
  }
  if (s.length > 64) return sniff(scratch, scratch.write(s, 0, SNIFF_LEN, 'latin1'));
  // Short bodies: a loop costs less than Buffer#write's argument handling.
  for (let i = 0; i < s.length; i++) scratch[i] = s.charCodeAt(i);
  return sniff(scratch, s.length);
}

// Sniffs the first `n` bytes of `data` (n <= SNIFF_LEN, n <= data.length).
function sniff(data: Uint8Array, n: number): string {
  let ws = 0;
  while (ws < n && isWS(data[ws])) ws++;
  // Every HTML signature starts with `<` (SNF-10).
  if (ws < n && data[ws] === 0x3c && htmlAt(data, ws, n)) return HTML;
  // `<?xml` at ws, case-sensitive (SNF-20).
  if (n - ws >= 5 && data[ws] === 0x3c && data[ws + 1] === 0x3f && data[ws + 2] === 0x78 && data[ws + 3] === 0x6d &&
      data[ws + 4] === 0x6c) {
    return 'text/xml; charset=utf-8';
  }
  const rows = n > 0 ? rowsByFirstByte[data[0]] : EMPTY_ROWS;
  for (let i = 0; i < rows.length; i++) if (rows[i][0](data, n)) return rows[i][1];
  // The text rule: empty or all-whitespace input is text too (SNF-5, SNF-55).
  for (let i = ws; i < n; i++) if (isBinary(data[i])) return 'application/octet-stream';
  return TEXT_UTF8;
}
