/**
 * serveContent: Go's `http.ServeContent` — conditional requests (If-Match, If-Unmodified-Since, If-None-Match,
 * If-Modified-Since, If-Range) in Go's order, Content-Type by extension then sniffing, single and
 * multipart/byteranges `Range` replies, 416, and a body streamed with backpressure (FS-40…FS-78).
 * @module
 */

import { randomBytes } from 'node:crypto';
import type { File } from './fs';
import type { ResponseWriter } from '../handler';
import { error } from './http-error';
import { bytesOf } from '../internal/text';
import { extOf, typeByExtension } from './mime';
import type { Request } from '../request/request';
import { newResponseController } from '../response/response-controller';
import { Response } from '../response/response';
import { detectContentType } from '../response/sniff';

/**
 * ReadSeeker is content that {@link serveContent} can measure and read at any offset (Go's `io.ReadSeeker`, with
 * positional reads instead of a seek offset). Methods may return promises or plain values.
 */
export interface ReadSeeker {
  /** size returns the length in bytes; throwing makes the reply `500 seeker can't seek`, as a failed Seek in Go. */
  size(): Promise<number> | number;
  /** read copies up to `buf.length` bytes from byte `position` into `buf`; returns the count, 0 at the end. */
  read(buf: Uint8Array, position: number): Promise<number> | number;
}

/** What {@link serveContent} accepts: bytes, a string (sent as UTF-8), a {@link ReadSeeker}, or an open {@link File}. */
export type Content = Uint8Array | string | ReadSeeker | File;

/** TimeFormat is the time layout of HTTP headers (Go's `http.TimeFormat`): `Mon, 02 Jan 2006 15:04:05 GMT`. */
export const TimeFormat = 'Mon, 02 Jan 2006 15:04:05 GMT';

// ---------------------------------------------------------------------------------------------------------------
// Dates (FS-57).

const shortDays = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const longDays = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const shortMonths = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function pad(n: number, width: number): string {
  const s = String(Math.abs(n));
  return (n < 0 ? '-' : '') + (s.length >= width ? s : '0'.repeat(width - s.length) + s);
}

/** @internal Formats ms since the epoch in {@link TimeFormat}, UTC, as Go's `t.UTC().Format(TimeFormat)` does. */
export function formatHTTPTime(ms: number): string {
  const d = new Date(ms);
  return `${shortDays[d.getUTCDay()]}, ${pad(d.getUTCDate(), 2)} ${shortMonths[d.getUTCMonth()]} ${pad(d.getUTCFullYear(), 4)} ` +
    `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)} GMT`;
}

// A small cursor over the value being parsed, with the steps Go's time.Parse takes for the three layouts.
class Scan {
  constructor(public s: string) {}
  digit(i: number): boolean {
    const c = this.s.charCodeAt(i);
    return c >= 0x30 && c <= 0x39;
  }
  // Go's skip: literal bytes; a space in the layout matches a run of spaces (at least one unless at the end).
  lit(prefix: string): boolean {
    let p = prefix;
    while (p.length > 0) {
      if (p[0] === ' ') {
        if (this.s.length > 0 && this.s[0] !== ' ') return false;
        p = p.replace(/^ +/, '');
        this.s = this.s.replace(/^ +/, '');
        continue;
      }
      if (this.s.length === 0 || this.s[0] !== p[0]) return false;
      p = p.slice(1);
      this.s = this.s.slice(1);
    }
    return true;
  }
  // Go's lookup: ASCII-case-insensitive prefix match against a table.
  lookup(tab: readonly string[]): number {
    for (let i = 0; i < tab.length; i++) {
      const v = tab[i];
      if (this.s.length >= v.length && this.s.slice(0, v.length).toLowerCase() === v.toLowerCase()) {
        const head = this.s.slice(0, v.length);
        if (/^[A-Za-z]+$/.test(head)) {
          this.s = this.s.slice(v.length);
          return i;
        }
      }
    }
    return -1;
  }
  // Go's getnum: one or two digits (exactly two when fixed).
  num2(fixed: boolean): number {
    if (!this.digit(0)) return -1;
    if (!this.digit(1)) {
      if (fixed) return -1;
      const v = this.s.charCodeAt(0) - 0x30;
      this.s = this.s.slice(1);
      return v;
    }
    const v = (this.s.charCodeAt(0) - 0x30) * 10 + this.s.charCodeAt(1) - 0x30;
    this.s = this.s.slice(2);
    return v;
  }
  // Go's stdZeroSecond plus the fraction it accepts without a layout element; returns [sec, ms] or null.
  seconds(): [number, number] | null {
    const sec = this.num2(true);
    if (sec < 0 || sec >= 60) return null;
    let ms = 0;
    if (this.s.length >= 2 && (this.s[0] === '.' || this.s[0] === ',') && this.digit(1)) {
      let n = 2;
      while (n < this.s.length && this.digit(n)) n++;
      ms = Number((this.s.slice(1, Math.min(n, 4)) + '00').slice(0, 3));
      this.s = this.s.slice(n);
    }
    return [sec, ms];
  }
  // Go's atoi over exactly `n` bytes: optional sign, then decimal digits only.
  atoiN(n: number): number {
    if (this.s.length < n) return NaN;
    const p = this.s.slice(0, n);
    this.s = this.s.slice(n);
    return /^[+-]?[0-9]+$/.test(p) ? Number(p) : NaN;
  }
  // Go's parseTimeZone, for the length of a zone abbreviation (the offset it names is not applied, FS-57).
  zone(): boolean {
    const v = this.s;
    if (v.startsWith('UTC')) {
      this.s = v.slice(3);
      return true;
    }
    if (v.length < 3) return false;
    let n = 0;
    if (v.startsWith('ChST') || v.startsWith('MeST')) n = 4;
    else if (v.startsWith('GMT')) n = 3 + signedOffset(v.slice(3));
    else if (v[0] === '+' || v[0] === '-') n = signedOffset(v);
    else {
      let up = 0;
      while (up < 6 && up < v.length && v.charCodeAt(up) >= 0x41 && v.charCodeAt(up) <= 0x5a) up++;
      if (up === 3) n = 3;
      else if (up === 4 && (v[3] === 'T' || v.startsWith('WITA'))) n = 4;
      else if (up === 5 && v[4] === 'T') n = 5;
    }
    if (n === 0) return false;
    this.s = v.slice(n);
    return true;
  }
}

function signedOffset(v: string): number {
  if (v.length === 0 || (v[0] !== '+' && v[0] !== '-')) return 0;
  const m = /^[0-9]+/.exec(v.slice(1));
  if (m === null || m[0].length > 18 || Number(m[0]) > 23) return 0;
  return 1 + m[0].length;
}

function daysIn(month: number, year: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

function utcMs(year: number, month: number, day: number, h: number, m: number, s: number, ms: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(h, m, s, ms);
  return d.getTime();
}

// One layout: fields in order, each a step on the cursor; null when the value does not match.
function parseLayout(value: string, layout: 'http' | 'rfc850' | 'ansic'): number | null {
  const sc = new Scan(value);
  let day: number;
  let month: number;
  let year: number;
  if (layout === 'ansic') {
    if (sc.lookup(shortDays) < 0 || !sc.lit(' ')) return null;
    month = sc.lookup(shortMonths) + 1;
    if (month === 0 || !sc.lit(' ')) return null;
    if (sc.s[0] === ' ') sc.s = sc.s.slice(1);
    day = sc.num2(false);
  } else {
    if (sc.lookup(layout === 'http' ? shortDays : longDays) < 0 || !sc.lit(', ')) return null;
    day = sc.num2(true);
    if (day < 0 || !sc.lit(layout === 'http' ? ' ' : '-')) return null;
    month = sc.lookup(shortMonths) + 1;
    if (month === 0 || !sc.lit(layout === 'http' ? ' ' : '-')) return null;
    if (layout === 'http') {
      if (!sc.digit(0)) return null;
      year = sc.atoiN(4);
    } else {
      const yy = sc.atoiN(2);
      year = yy >= 69 ? yy + 1900 : yy + 2000;
    }
    if (Number.isNaN(year)) return null;
  }
  if (day < 0 || !sc.lit(' ')) return null;
  const h = sc.num2(false);
  if (h < 0 || h >= 24 || !sc.lit(':')) return null;
  const m = sc.num2(true);
  if (m < 0 || m >= 60 || !sc.lit(':')) return null;
  const sec = sc.seconds();
  if (sec === null) return null;
  if (layout === 'http') {
    if (!sc.lit(' GMT')) return null;
  } else if (layout === 'rfc850') {
    if (!sc.lit(' ') || !sc.zone()) return null;
  } else {
    if (!sc.lit(' ') || !sc.digit(0)) return null;
    year = sc.atoiN(4);
    if (Number.isNaN(year)) return null;
  }
  if (sc.s.length !== 0) return null;
  if (day < 1 || day > daysIn(month, year!)) return null;
  return utcMs(year!, month, day, h, m, sec[0], sec[1]);
}

/**
 * parseTime parses an HTTP date in any of the three forms HTTP allows — {@link TimeFormat}, RFC 850
 * (`Monday, 02-Jan-06 15:04:05 MST`) and asctime (`Mon Jan  2 15:04:05 2006`) — as Go's `http.ParseTime` does,
 * and returns it as a Date. Throws a TypeError for anything else. A zone abbreviation in the RFC 850 form is
 * accepted and read as UTC.
 */
export function parseTime(text: string): Date {
  const ms = parseTimeMs(text);
  if (ms === null) throw new TypeError(`parsing time ${JSON.stringify(text)}: not an HTTP date`);
  return new Date(ms);
}

/** @internal {@link parseTime} as ms since the epoch, or null. */
export function parseTimeMs(text: string): number | null {
  return parseLayout(text, 'http') ?? parseLayout(text, 'rfc850') ?? parseLayout(text, 'ansic');
}

// ---------------------------------------------------------------------------------------------------------------
// Modification times.

const GO_ZERO_TIME = -62135596800000; // 0001-01-01T00:00:00Z, Go's zero time.

/** @internal ms since the epoch of `t`, or null when it is unknown (null, an invalid Date, or Go's zero time). */
export function modMs(t: Date | null | undefined): number | null {
  if (t === null || t === undefined) return null;
  const ms = t.getTime();
  return Number.isNaN(ms) || ms === GO_ZERO_TIME ? null : ms;
}

// Go's isZeroTime: unknown, or the Unix epoch (FS-44).
function isZeroTime(ms: number | null): boolean {
  return ms === null || ms === 0;
}

/** @internal Sets Last-Modified unless the time is unknown or the epoch (FS-41 step 1). */
export function setLastModified(w: ResponseWriter, ms: number | null): void {
  if (!isZeroTime(ms)) w.header().set('Last-Modified', formatHTTPTime(ms!));
}

// ---------------------------------------------------------------------------------------------------------------
// Conditional requests (FS-50…FS-57).

const enum Cond {
  None,
  True,
  False,
}

function trimOWS(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isASCIISpace(s.charCodeAt(a))) a++;
  while (b > a && isASCIISpace(s.charCodeAt(b - 1))) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}
function isASCIISpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/**
 * @internal Finds a syntactically valid entity tag at the start of `s` (after optional whitespace): returns
 * [etag, rest], or ['', ''] when there is none (FS-51).
 */
export function scanETag(s: string): [string, string] {
  s = trimOWS(s);
  const start = s.startsWith('W/') ? 2 : 0;
  if (s.length - start < 2 || s[start] !== '"') return ['', ''];
  for (let i = start + 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) return [s.slice(0, i + 1), s.slice(i + 1)];
    if (!(c === 0x21 || (c >= 0x23 && c <= 0x7e) || c >= 0x80)) return ['', ''];
  }
  return ['', ''];
}

function strongMatch(a: string, b: string): boolean {
  return a === b && a !== '' && a[0] === '"';
}
function weakMatch(a: string, b: string): boolean {
  return (a.startsWith('W/') ? a.slice(2) : a) === (b.startsWith('W/') ? b.slice(2) : b);
}

// Walks a list of entity tags; `hit` decides on each; the list ends at the first malformed item (FS-51).
function scanList(list: string, etag: string, match: (a: string, b: string) => boolean): 'star' | 'match' | 'none' {
  let buf = list;
  for (;;) {
    buf = trimOWS(buf);
    if (buf.length === 0) return 'none';
    if (buf[0] === ',') {
      buf = buf.slice(1);
      continue;
    }
    if (buf[0] === '*') return 'star';
    const [tag, rest] = scanETag(buf);
    if (tag === '') return 'none';
    if (match(tag, etag)) return 'match';
    buf = rest;
  }
}

function checkIfMatch(w: ResponseWriter, r: Request): Cond {
  const im = r.header.get('If-Match');
  if (im === '') return Cond.None;
  return scanList(im, w.header().get('Etag'), strongMatch) === 'none' ? Cond.False : Cond.True;
}

function checkIfUnmodifiedSince(r: Request, mod: number | null): Cond {
  const ius = r.header.get('If-Unmodified-Since');
  if (ius === '' || isZeroTime(mod)) return Cond.None;
  const t = parseTimeMs(ius);
  if (t === null) return Cond.None;
  return truncSec(mod!) <= t ? Cond.True : Cond.False;
}

function checkIfNoneMatch(w: ResponseWriter, r: Request): Cond {
  const inm = r.header.get('If-None-Match');
  if (inm === '') return Cond.None;
  return scanList(inm, w.header().get('Etag'), weakMatch) === 'none' ? Cond.True : Cond.False;
}

/** @internal Go's checkIfModifiedSince; false means "not modified" (FS-54). */
export function ifModifiedSinceFails(r: Request, mod: number | null): boolean {
  if (r.method !== 'GET' && r.method !== 'HEAD') return false;
  const ims = r.header.get('If-Modified-Since');
  if (ims === '' || isZeroTime(mod)) return false;
  const t = parseTimeMs(ims);
  if (t === null) return false;
  return truncSec(mod!) <= t;
}

function checkIfRange(w: ResponseWriter, r: Request, mod: number | null): Cond {
  if (r.method !== 'GET' && r.method !== 'HEAD') return Cond.None;
  const ir = r.header.get('If-Range');
  if (ir === '') return Cond.None;
  const [etag] = scanETag(ir);
  if (etag !== '') return strongMatch(etag, w.header().get('Etag')) ? Cond.True : Cond.False;
  // Only Go's zero time counts as unknown here; the epoch is compared like any date (FS-77).
  if (mod === null) return Cond.False;
  const t = parseTimeMs(ir);
  if (t === null) return Cond.False;
  return Math.floor(t / 1000) === Math.floor(mod / 1000) ? Cond.True : Cond.False;
}

function truncSec(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

/** @internal Replies 304 without representation metadata (FS-55). */
export function writeNotModified(w: ResponseWriter): void {
  const h = w.header();
  h.deleteRaw('Content-Type');
  h.deleteRaw('Content-Length');
  h.deleteRaw('Content-Encoding');
  if (h.get('Etag') !== '') h.deleteRaw('Last-Modified');
  w.writeHeader(304);
}

// Go's checkPreconditions: [done, range header to honour] (FS-50).
function checkPreconditions(w: ResponseWriter, r: Request, mod: number | null): [boolean, string] {
  let ch = checkIfMatch(w, r);
  if (ch === Cond.None) ch = checkIfUnmodifiedSince(r, mod);
  if (ch === Cond.False) {
    w.writeHeader(412);
    return [true, ''];
  }
  switch (checkIfNoneMatch(w, r)) {
    case Cond.False:
      if (r.method === 'GET' || r.method === 'HEAD') writeNotModified(w);
      else w.writeHeader(412);
      return [true, ''];
    case Cond.None:
      if (ifModifiedSinceFails(r, mod)) {
        writeNotModified(w);
        return [true, ''];
      }
  }
  let rangeHeader = r.header.get('Range');
  if (rangeHeader !== '' && checkIfRange(w, r, mod) === Cond.False) rangeHeader = '';
  return [false, rangeHeader];
}

// ---------------------------------------------------------------------------------------------------------------
// Errors (FS-4).

/**
 * @internal Go's serveError: drops the headers a caller set for a successful reply (Cache-Control,
 * Content-Encoding, Etag, Last-Modified), then {@link error}.
 */
export function serveError(w: ResponseWriter, text: string, code: number): void {
  const h = w.header();
  h.del('Cache-Control');
  h.del('Content-Encoding');
  h.del('Etag');
  h.del('Last-Modified');
  error(w, text, code);
}

// ---------------------------------------------------------------------------------------------------------------
// Ranges (FS-70…FS-76).

/** @internal One byte range: `length` bytes from `start`. */
export interface HTTPRange {
  start: number;
  length: number;
}

/** @internal parseRange's outcome: the ranges, or Go's error text. */
export type RangeResult = { ranges: HTTPRange[] } | { error: 'invalid range' | 'invalid range: failed to overlap' };

const INT64_MAX = 9223372036854775807n;

// strconv.ParseInt(s, 10, 64): optional sign, decimal digits, within int64; NaN otherwise. Values past 2^53 lose
// precision, which cannot change an outcome: they are far beyond any size and only compared with it.
function parseInt64(s: string): number {
  if (!/^[+-]?[0-9]+$/.test(s)) return NaN;
  const neg = s[0] === '-';
  const digits = s[0] === '+' || s[0] === '-' ? s.slice(1) : s;
  const big = BigInt(digits);
  if (big > (neg ? INT64_MAX + 1n : INT64_MAX)) return NaN;
  return neg ? -Number(big) : Number(big);
}

/** @internal Parses a Range header against a representation of `size` bytes (Go's parseRange, FS-70). */
export function parseRange(s: string, size: number): RangeResult {
  if (s === '') return { ranges: [] };
  if (!s.startsWith('bytes=')) return { error: 'invalid range' };
  const ranges: HTTPRange[] = [];
  let noOverlap = false;
  for (let ra of s.slice(6).split(',')) {
    ra = trimOWS(ra);
    if (ra === '') continue;
    const dash = ra.indexOf('-');
    if (dash === -1) return { error: 'invalid range' };
    const start = trimOWS(ra.slice(0, dash));
    const end = trimOWS(ra.slice(dash + 1));
    if (start === '') {
      // A suffix: the last N bytes; N must be a non-negative number.
      if (end === '' || end[0] === '-') return { error: 'invalid range' };
      let n = parseInt64(end);
      if (Number.isNaN(n) || n < 0) return { error: 'invalid range' };
      if (n > size) n = size;
      ranges.push({ start: size - n, length: n });
      continue;
    }
    const i = parseInt64(start);
    if (Number.isNaN(i) || i < 0) return { error: 'invalid range' };
    if (i >= size) {
      noOverlap = true;
      continue;
    }
    if (end === '') {
      ranges.push({ start: i, length: size - i });
      continue;
    }
    let e = parseInt64(end);
    if (Number.isNaN(e) || i > e) return { error: 'invalid range' };
    if (e >= size) e = size - 1;
    ranges.push({ start: i, length: e - i + 1 });
  }
  if (noOverlap && ranges.length === 0) return { error: 'invalid range: failed to overlap' };
  return { ranges };
}

function contentRange(ra: HTTPRange, size: number): string {
  return `bytes ${ra.start}-${ra.start + ra.length - 1}/${size}`;
}

// The part head mime/multipart writes for a range: keys sorted, first part without the leading CRLF (FS-75). The
// type is the handler's text, written as its bytes.
function partHead(boundary: string, first: boolean, ra: HTTPRange, ctype: string, size: number): Buffer {
  return bytesOf(`${first ? '' : '\r\n'}--${boundary}\r\nContent-Range: ${contentRange(ra, size)}\r\nContent-Type: ${ctype}\r\n\r\n`);
}

// ---------------------------------------------------------------------------------------------------------------
// Reading and sending.

/** @internal The positional reader serveContent streams from. */
export interface Source {
  read(buf: Uint8Array, position: number): Promise<number> | number;
}

const SNIFF_LEN = 512;
/** Bytes per read while streaming. */
const CHUNK = 64 * 1024;
/** Bytes per read of a long stretch (past four chunks): fewer thread-pool round trips and larger socket writes. */
const BIG_CHUNK = 512 * 1024;

// io.ReadFull up to n bytes from 0; a read error ends it with what was read (Go ignores the error there).
async function readHead(src: Source, n: number): Promise<Uint8Array> {
  const buf = Buffer.allocUnsafe(n);
  let got = 0;
  try {
    while (got < n) {
      const k = await src.read(buf.subarray(got), got);
      if (!(k > 0)) break;
      got += k;
    }
  } catch {
    // As Go: the bytes read so far decide the type.
  }
  return buf.subarray(0, got);
}

/**
 * Copies `length` bytes from `pos` to the response. Content held in memory (a cached small file: its `contents()`)
 * is written as one view of its bytes, without a copy. Otherwise chunks are read into fresh buffers (the core and the socket may
 * still hold a written one) and written as they come; the next read starts before waiting for the last write to
 * drain, so that the disk and the socket work at once, with at most two chunks in flight. Stops early — as
 * io.CopyN on an error — when the content ends or fails, when a write is refused, or when the client left.
 */
async function copyRange(w: ResponseWriter, r: Request, src: Source, pos: number, length: number): Promise<boolean> {
  const mem = src as Source & { contents?(): Buffer | null };
  const whole = typeof mem.contents === 'function' ? mem.contents() : null;
  if (whole !== null && pos + length <= whole.length) {
    return writeOwned(w, pos === 0 && length === whole.length ? whole : whole.subarray(pos, pos + length)) === null;
  }
  const rc = newResponseController(w);
  const ctx = r.context();
  const chunk = length > 4 * CHUNK ? BIG_CHUNK : CHUNK;
  let left = length;
  let next: Promise<[Buffer, number]> | null = readChunk(src, pos, Math.min(chunk, left));
  while (next !== null) {
    let buf: Buffer;
    let n: number;
    try {
      [buf, n] = await next;
    } catch {
      return false;
    }
    next = null;
    if (ctx.err() !== null) return false;
    if (!(n > 0)) return false;
    n = Math.min(n, buf.length);
    if (writeOwned(w, n === buf.length ? buf : buf.subarray(0, n)) !== null) return false;
    pos += n;
    left -= n;
    if (left > 0) {
      next = readChunk(src, pos, Math.min(chunk, left));
      // Settled later; an early return must not leave it unhandled.
      next.catch(() => undefined);
    }
    await rc.drained();
  }
  return true;
}

// The chunks here are fresh buffers (or cached contents nobody writes to): no copy needed when w is the core.
function writeOwned(w: ResponseWriter, b: Buffer): Error | null {
  return w instanceof Response ? w.writeOwned(b) : w.write(b);
}

async function readChunk(src: Source, pos: number, len: number): Promise<[Buffer, number]> {
  const buf = Buffer.allocUnsafe(len);
  return [buf, await src.read(buf, pos)];
}

function writeBytes(w: ResponseWriter, b: Buffer): boolean {
  return w.write(b) === null;
}

/**
 * @internal Go's serveContent: `sizeFunc` is called at most once, after the preconditions, so that a 304 or 412
 * never touches the content. `name` only chooses the type by extension.
 */
export async function serveContentWith(
  w: ResponseWriter,
  r: Request,
  name: string,
  mod: number | null,
  sizeFunc: () => Promise<number>,
  src: Source,
): Promise<void> {
  setLastModified(w, mod);
  const [done, rangeReq] = checkPreconditions(w, r, mod);
  if (done) return;

  let code = 200;
  const h = w.header();
  // A Content-Type key already present — even with no value — is used as it is: nothing is sniffed (FS-60).
  const ctypes = h.getRaw('Content-Type');
  let ctype = '';
  if (ctypes === undefined) {
    ctype = typeByExtension(extOf(name));
    if (ctype === '') ctype = detectContentType(await readHead(src, SNIFF_LEN));
    h.set('Content-Type', ctype);
  } else if (ctypes.length > 0) {
    ctype = ctypes[0];
  }

  let size: number;
  try {
    size = await sizeFunc();
  } catch {
    // Go's sizeFunc reports every failure as this text, so that no detail of the error reaches the client.
    serveError(w, "seeker can't seek", 500);
    return;
  }
  if (!(size >= 0)) {
    serveError(w, 'negative content size computed', 500);
    return;
  }

  let sendSize = size;
  const parsed = parseRange(rangeReq, size);
  let ranges: HTTPRange[];
  if ('error' in parsed) {
    if (parsed.error === 'invalid range: failed to overlap' && size === 0) {
      // An empty representation ignores the Range a client sends with every request (FS-71).
      ranges = [];
    } else {
      if (parsed.error === 'invalid range: failed to overlap') h.set('Content-Range', `bytes */${size}`);
      // The error reply drops the success headers, Content-Range stays (FS-72).
      serveError(w, parsed.error, 416);
      return;
    }
  } else {
    ranges = parsed.ranges;
  }
  // More bytes asked for than the representation has: a wasteful or hostile request, served whole (FS-73).
  if (ranges.reduce((n, ra) => n + ra.length, 0) > size) ranges = [];

  let boundary = '';
  if (ranges.length === 1) {
    sendSize = ranges[0].length;
    code = 206;
    h.set('Content-Range', contentRange(ranges[0], size));
  } else if (ranges.length > 1) {
    boundary = randomBytes(30).toString('hex');
    sendSize = 0;
    ranges.forEach((ra, i) => (sendSize += partHead(boundary, i === 0, ra, ctype, size).length + ra.length));
    sendSize += Buffer.byteLength(`\r\n--${boundary}--\r\n`);
    code = 206;
    h.set('Content-Type', 'multipart/byteranges; boundary=' + boundary);
  }

  h.set('Accept-Ranges', 'bytes');
  // A caller that compresses on the fly sets Content-Encoding; then the length is only known for ranges (FS-41).
  if (ranges.length > 0 || h.get('Content-Encoding') === '') h.set('Content-Length', String(sendSize));
  w.writeHeader(code);
  if (r.method === 'HEAD') return;

  if (ranges.length === 0) {
    await copyRange(w, r, src, 0, size);
  } else if (ranges.length === 1) {
    await copyRange(w, r, src, ranges[0].start, ranges[0].length);
  } else {
    const win = new RangeWindow(src, size);
    for (let i = 0; i < ranges.length; i++) {
      const ra = ranges[i];
      if (!writeBytes(w, partHead(boundary, i === 0, ra, ctype, size))) return;
      const bytes = await win.get(ra.start, ra.length);
      if (bytes !== null) {
        if (writeOwned(w, bytes) !== null || r.context().err() !== null) return;
      } else if (!(await copyRange(w, r, src, ra.start, ra.length))) return;
    }
    writeBytes(w, Buffer.from(`\r\n--${boundary}--\r\n`, 'latin1'));
  }
}

/**
 * Small ranges of a file read through one window of CHUNK bytes: 20,000 one-byte ranges cost a few dozen reads
 * instead of 20,000 thread-pool round trips (issue #14: 3 s of CPU against Go's 0.6 s).
 */
class RangeWindow {
  private buf: Buffer | null = null;
  private start = 0;
  private readonly inMemory: boolean;
  constructor(
    private readonly src: Source,
    private readonly size: number,
  ) {
    const mem = src as Source & { contents?(): Buffer | null };
    this.inMemory = typeof mem.contents === 'function' && mem.contents() !== null;
  }

  /** The bytes of a small range, or null when copyRange should send it (large, in memory, or a short read). */
  async get(pos: number, length: number): Promise<Buffer | null> {
    if (this.inMemory || length > SMALL_RANGE) return null;
    let b = this.buf;
    if (b === null || pos < this.start || pos + length > this.start + b.length) {
      let n: number;
      let fresh: Buffer;
      try {
        [fresh, n] = await readChunk(this.src, pos, Math.max(length, Math.min(CHUNK, this.size - pos)));
      } catch {
        return null;
      }
      if (!(n >= length)) return null;
      b = this.buf = fresh.subarray(0, Math.min(n, fresh.length));
      this.start = pos;
    }
    // Views of a buffer nobody writes to again: sent without a copy.
    return b.subarray(pos - this.start, pos - this.start + length);
  }
}
const SMALL_RANGE = 4096;

function isFile(c: object): c is File {
  return typeof (c as File).stat === 'function' && typeof (c as File).read === 'function';
}

/**
 * serveContent replies to `r` with `content` (Go's `http.ServeContent`), handling `Range` (one range, or several as
 * multipart/byteranges), and the conditional headers If-Match, If-Unmodified-Since, If-None-Match,
 * If-Modified-Since and If-Range in Go's order of precedence.
 *
 * - `name` is used only to choose the Content-Type by extension when the header map has no `Content-Type` key;
 *   when the extension is unknown, the first 512 bytes are sniffed ({@link detectContentType}). A key present with
 *   no value suppresses both.
 * - `modtime` (null when unknown) gives `Last-Modified` and drives the date conditions; the Unix epoch counts as
 *   unknown, as in Go.
 * - An `Etag` set in the header map before the call drives If-Match, If-None-Match and If-Range.
 * - Error replies drop `Cache-Control`, `Content-Encoding`, `Etag` and `Last-Modified` (Go 1.23).
 *
 * The body is read and written in chunks with backpressure, never whole; await the returned promise (return it from
 * the handler). The content is not closed.
 */
export async function serveContent(w: ResponseWriter, r: Request, name: string, modtime: Date | null, content: Content): Promise<void> {
  let src: Source;
  let sizeFunc: () => Promise<number>;
  if (typeof content === 'string' || content instanceof Uint8Array) {
    const bytes = typeof content === 'string' ? bytesOf(content) : content;
    src = {
      read(buf, position) {
        if (position >= bytes.length) return 0;
        const n = Math.min(buf.length, bytes.length - position);
        buf.set(bytes.subarray(position, position + n));
        return n;
      },
    };
    sizeFunc = () => Promise.resolve(bytes.length);
  } else if (isFile(content)) {
    src = content;
    sizeFunc = async () => (await content.stat()).size;
  } else {
    src = content;
    sizeFunc = async () => content.size();
  }
  await serveContentWith(w, r, name, modMs(modtime), sizeFunc, src);
}
