/**
 * The byte-level request head reader: request line and header fields straight from a Buffer, with Go's
 * textproto rules (SRV-58, REQ-1, REQ-30…REQ-33) and no regular expressions.
 * @module
 * Not part of the public API (its declarations are left out of the published types).
 */

import { Header, canonicalHeaderKey } from '../header';
import { textOf, textOfBytes } from './text';

/**
 * One parsed request head. The method, target and names are binary strings (latin1: the caller decodes the target);
 * field values are text (src/internal/text.ts), decoded here only when a value has a byte ≥ 0x80.
 */
export interface RequestHead {
  method: string;
  target: string;
  proto: string;
  protoMajor: number;
  protoMinor: number;
  /** The fields, canonical keys, without Host (made on first use from {@link RequestHead.fields}). */
  readonly header: Header;
  /** The fields in order, canonical key then value, without Host; null when there are none. */
  readonly fields: string[] | null;
  /**
   * A field the server reads before the handler is present (Pragma, Connection, Transfer-Encoding, Content-Length,
   * Trailer, Expect): when false, none of them is, and the header map can wait until the handler asks for it.
   */
  readonly special: boolean;
  /** A new header map of the fields (what `header` is made from). */
  build(): Header;
  /** The Host field's values, kept out of `header` (a request's Host moves to `r.host`, REQ-21); null when none. */
  readonly hosts: string[] | null;
  /** The first Host value ({@link RequestHead.hosts}[0] without making the list); null when none. */
  readonly host: string | null;
  /** How many Host fields the head has. */
  readonly hostCount: number;
  /** A field name contains a space: accepted by the reader, refused by the server (SRV-67). */
  readonly badName: boolean;
  /**
   * The target is the common one, told from its bytes while the reader looked for its end: origin-form, a path of
   * bytes a path keeps unescaped (no `%`), an optional query of printable ASCII. It is then ASCII (its own text)
   * and the target parser need not check it again (src/request/url.ts, parseRequestTarget).
   */
  readonly plainTarget: boolean;
}

// Buffer#latin1Slice is the fastest byte-to-string path in Node; it is public in practice but untyped.
type Latin1Sliceable = { latin1Slice(start: number, end: number): string };
/** Decodes buf[start,end) as a binary (latin1) string. */
export function latin1(buf: Buffer, start: number, end: number): string {
  return (buf as unknown as Latin1Sliceable).latin1Slice(start, end);
}

const tokenByte = new Uint8Array(256);
for (let c = 0; c < 128; c++) {
  if ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) tokenByte[c] = 1;
}
for (const ch of "!#$%&'*+-.^_`|~") tokenByte[ch.charCodeAt(0)] = 1;

// Bytes a plain target's path may hold: those a path keeps unescaped (REQ-12), without `%` (the same class as
// url.ts's PLAIN_TARGET).
const plainPathByte = new Uint8Array(256);
for (let c = 0; c < 128; c++) {
  if ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) plainPathByte[c] = 1;
}
for (const ch of "-._~$&+,/:;=@") plainPathByte[ch.charCodeAt(0)] = 1;

// Bytes allowed in a field value (textproto's validHeaderValueByte): HTAB, SP…~, obs-text.
function validValueByte(c: number): boolean {
  return c === 0x09 || (c >= 0x20 && c !== 0x7f);
}

/**
 * Finds the end of a head in buf[start,end): the offset just after the empty line, or -1. `from` is where the
 * previous scan stopped (so bytes arriving one at a time keep the scan linear). An empty first line ends the head
 * at once (it is a malformed request line).
 */
export function findHeadEnd(buf: Buffer, start: number, end: number, from: number): number {
  let i = from < start ? start : from;
  lfBuf = null;
  if (i === start) {
    if (end > start && buf[start] === 0x0a) return start + 1;
    if (end > start + 1 && buf[start] === 0x0d && buf[start + 1] === 0x0a) return start + 2;
  }
  // A scan from the head's start notes its line ends for parseHead (see lfs).
  let n = i === start ? 0 : -1;
  for (;;) {
    const nl = findByte(buf, 0x0a, i, end);
    if (nl === -1) return -1;
    // After a LF: either LF or CRLF ends the head.
    let last = -1;
    if (nl + 1 < end && buf[nl + 1] === 0x0a) last = nl + 1;
    else if (nl + 2 < end && buf[nl + 1] === 0x0d && buf[nl + 2] === 0x0a) last = nl + 2;
    n = noteLF(n, nl, last, buf, start);
    if (last !== -1) return last + 1;
    if (nl + 2 >= end) return -1; // undecided: rescan from this LF next time
    i = nl + 1;
  }
}

// The offsets of every LF in the head findHeadEnd last found by a scan from its start (the empty line's included),
// so that parseHead, called next on the same bytes, takes each line's end from here instead of walking the line's
// bytes a second time. Valid for lfBuf[lfStart, lfEnd) only; heads of more lines than it holds are walked again.
const lfs = new Int32Array(64);
let lfCount = 0;
let lfBuf: Buffer | null = null;
let lfStart = -1;
let lfEnd = -1;
// parseHead's position in lfs, or -1 when it scans.
let lfAt = -1;

/**
 * Notes the LF at `nl` as the `n`th line end of the head at buf[start, …) (n -1: not noting, the head has more lines
 * than lfs holds), and, when the blank line's LF is at `last` (else -1), the head as complete. Returns the next n.
 */
function noteLF(n: number, nl: number, last: number, buf: Buffer, start: number): number {
  if (n < 0) return n;
  if (n + 2 > lfs.length) return -1;
  lfs[n++] = nl;
  if (last !== -1) {
    lfs[n++] = last;
    lfCount = n;
    lfBuf = buf;
    lfStart = start;
    lfEnd = last + 1;
  }
  return n;
}

/**
 * {@link findHeadEnd} from the head's start, on `text`: buf[start, …) already decoded (latin1, one character per
 * byte), `end - start` characters of it at least. A string's indexOf finds each line's LF in a fraction of the
 * instructions a loop over the bytes takes; the line ends are noted for parseHead as findHeadEnd notes them.
 */
export function findHeadEndIn(text: string, buf: Buffer, start: number, end: number): number {
  lfBuf = null;
  const len = end - start;
  if (len > 0 && text.charCodeAt(0) === 0x0a) return start + 1;
  if (len > 1 && text.charCodeAt(0) === 0x0d && text.charCodeAt(1) === 0x0a) return start + 2;
  let n = 0;
  let i = 0;
  for (;;) {
    const nl = text.indexOf('\n', i);
    if (nl === -1 || nl >= len) return -1;
    let last = -1;
    if (nl + 1 < len && text.charCodeAt(nl + 1) === 0x0a) last = nl + 1;
    else if (nl + 2 < len && text.charCodeAt(nl + 1) === 0x0d && text.charCodeAt(nl + 2) === 0x0a) last = nl + 2;
    n = noteLF(n, start + nl, last === -1 ? -1 : start + last, buf, start);
    if (last !== -1) return start + last + 1;
    if (nl + 2 >= len) return -1;
    i = nl + 1;
  }
}

/** A safe resume point for {@link findHeadEnd} after it returned -1 on buf[start,end). */
export function resumePoint(buf: Buffer, start: number, end: number): number {
  const nl = buf.lastIndexOf(0x0a, end - 1);
  return nl < start ? start : nl;
}

/**
 * The first offset of byte `c` in buf[i,end), or -1. Head lines are short: a loop finds the byte in fewer
 * instructions than a call into Buffer#indexOf costs, which takes over for what is left past 64 bytes.
 */
export function findByte(buf: Buffer, c: number, i: number, end: number): number {
  const stop = end - i > 64 ? i + 64 : end;
  for (; i < stop; i++) if (buf[i] === c) return i;
  if (i >= end) return -1;
  const k = buf.indexOf(c, i);
  return k === -1 || k >= end ? -1 : k;
}

// lineEnd sets these two: the line's content end (before its LF and a CR right before it), and the next line's
// start. Module state instead of a returned pair: parseHead calls it per line of every request.
let lineCE = 0;
let lineNext = 0;
function lineEnd(buf: Buffer, i: number, end: number): void {
  let nl: number;
  if (lfAt >= 0) {
    while (lfAt < lfCount && lfs[lfAt] < i) lfAt++;
    nl = lfAt < lfCount ? lfs[lfAt] : -1;
  } else {
    nl = findByte(buf, 0x0a, i, end);
  }
  const stop = nl === -1 ? end : nl;
  let ce = stop;
  if (ce > i && buf[ce - 1] === 0x0d) ce--;
  lineCE = ce;
  lineNext = stop === end ? end : stop + 1;
}

function isSP(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

const HTTP11 = 'HTTP/1.1';

// Strings most requests carry, found by their bytes so that the reader neither slices nor canonicalises them
// (Go's reader keeps a table of common header keys for the same reason). Indexed by byte length.
type Interned = Array<Array<[Uint8Array, string]> | undefined>;
function internTable(words: string[], lower: boolean): Interned {
  const t: Interned = [];
  for (const w of words) (t[w.length] ??= []).push([Buffer.from(lower ? w.toLowerCase() : w, 'latin1'), w]);
  return t;
}
const METHODS = internTable(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'], false);
const KEYS = internTable([
  'Host', 'User-Agent', 'Accept', 'Accept-Encoding', 'Accept-Language', 'Connection', 'Content-Length',
  'Content-Type', 'Cookie', 'Referer', 'Origin', 'Authorization', 'Cache-Control', 'Pragma', 'Upgrade',
  'Transfer-Encoding', 'Expect', 'If-None-Match', 'If-Modified-Since', 'X-Forwarded-For', 'X-Request-Id',
  'Sec-Fetch-Mode', 'Sec-Fetch-Site', 'Sec-Fetch-Dest', 'Upgrade-Insecure-Requests', 'Keep-Alive', 'Range',
], true);

// The interned string for buf[a,b): bytes equal (foldCase: equal once A-Z are lowered), or null.
function intern(t: Interned, buf: Buffer, a: number, b: number, foldCase: boolean): string | null {
  const cands = t[b - a];
  if (cands === undefined) return null;
  next: for (let k = 0; k < cands.length; k++) {
    const w = cands[k][0];
    for (let i = 0; i < w.length; i++) {
      let c = buf[a + i];
      if (foldCase && c >= 0x41 && c <= 0x5a) c |= 0x20;
      if (c !== w[i]) continue next;
    }
    return cands[k][1];
  }
  return null;
}

function isHTTP11(buf: Buffer, a: number, b: number): boolean {
  return b - a === 8 && buf[a] === 0x48 && buf[a + 1] === 0x54 && buf[a + 2] === 0x54 && buf[a + 3] === 0x50 &&
    buf[a + 4] === 0x2f && buf[a + 5] === 0x31 && buf[a + 6] === 0x2e && buf[a + 7] === 0x31;
}

/**
 * Parses the request line and parses the fields of a complete head buf[start,end) (end just after the blank line,
 * or the end of what arrived at EOF). Returns the head, or null for any malformed input (the generic 400 of
 * SRV-63). `decoded`, when given, is buf[start, …) as latin1 text covering at least the head (see findHeadEndIn).
 */
export function parseHead(buf: Buffer, start: number, end: number, decoded: string | null = null): RequestHead | null {
  lfAt = buf === lfBuf && start === lfStart && end === lfEnd ? 0 : -1;
  lfBuf = null;
  lineEnd(buf, start, end);
  let ce = lineCE;
  let next = lineNext;
  // Request line: method SP target SP version, split at the first two spaces (REQ-1).
  const sp1 = findByte(buf, 0x20, start, ce);
  if (sp1 === -1) return null;
  // The target's end, and whether it is plain (see RequestHead.plainTarget), in one walk over its bytes.
  let k = sp1 + 1;
  let plain = false;
  if (k < ce && buf[k] === 0x2f) {
    k++;
    while (k < ce && plainPathByte[buf[k]] === 1) k++;
    if (k < ce && buf[k] === 0x3f) {
      k++;
      // (No space can be in it: a space ends the target.)
      while (k < ce && buf[k] > 0x20 && buf[k] < 0x7f) k++;
    }
    plain = k < ce && buf[k] === 0x20;
  }
  const sp2 = plain ? k : findByte(buf, 0x20, k, ce);
  if (sp2 === -1) return null;
  if (sp1 === start) return null;
  for (let i = start; i < sp1; i++) if (tokenByte[buf[i]] === 0) return null;
  // The head as one binary string, decoded by one call: every string below is a slice of it (a call into Buffer per
  // string cost more than the rest of the parse).
  // (Or the text findHeadEndIn was given: buf[start, …) decoded, the head and perhaps what follows it.)
  const text = decoded ?? latin1(buf, start, end);
  // V8 makes a slice of 13 characters or more a view that keeps its whole parent alive: a header value an
  // application keeps (a cache key, a log line) would hold the entire head. Up to SLICE_MAX bytes that is the
  // same order as Node's own pooled buffers; a longer head gets its strings copied out instead.
  const copy = end - start > SLICE_MAX;
  const method = intern(METHODS, buf, start, sp1, false) ?? text.slice(0, sp1 - start);
  const target = cut(buf, text, start, sp1 + 1, sp2, copy);
  const proto = isHTTP11(buf, sp2 + 1, ce) ? HTTP11 : text.slice(sp2 + 1 - start, ce - start);
  let major: number;
  let minor: number;
  if (proto === HTTP11) {
    major = 1;
    minor = 1;
  } else {
    if (proto.length !== 8 || !proto.startsWith('HTTP/') || proto[6] !== '.') return null;
    major = proto.charCodeAt(5) - 0x30;
    minor = proto.charCodeAt(7) - 0x30;
    if (major < 0 || major > 9 || minor < 0 || minor > 9) return null;
  }
  let fields: string[] | null = null;
  let special = false;
  // The Host values: the first on its own, any others in a list (one Host is the rule: no array for it).
  let host: string | null = null;
  let moreHosts: string[] | null = null;
  let badName = false;
  let i = next;
  if (i < end && isSP(buf[i])) return null; // first field line may not start with whitespace
  while (i < end) {
    lineEnd(buf, i, end);
    ce = lineCE;
    next = lineNext;
    if (ce === i) break; // the empty line
    // Obsolete line folding: continuation lines are joined with one space (REQ-31).
    let lineStart = i;
    let lineStop = ce;
    let folded: string | null = null;
    while (next < end && isSP(buf[next])) {
      // The line a continuation folds into must hold the name's colon itself (Go's mustHaveFieldNameColon): `n`
      // then `\t:` is refused, not joined into a field named "n ".
      if (folded === null) {
        const c0 = buf.indexOf(0x3a, lineStart);
        if (c0 === -1 || c0 >= lineStop) return null;
      }
      lineEnd(buf, next, end);
      const ce2 = lineCE;
      const next2 = lineNext;
      if (folded === null) folded = trimmed(buf, text, start, lineStart, lineStop, copy);
      folded += ' ' + trimmed(buf, text, start, next, ce2, copy);
      next = next2;
    }
    let colon: number;
    let keyStr = '';
    let valStr: string;
    // A common field name recognised by its bytes is already canonical and valid.
    let key: string | null = null;
    if (folded !== null) {
      colon = folded.indexOf(':');
      if (colon === -1) return null;
      keyStr = folded.slice(0, colon);
      valStr = folded.slice(colon + 1);
      let high = false;
      for (let k = 0; k < valStr.length; k++) {
        const c = valStr.charCodeAt(k);
        if (!validValueByte(c)) return null;
        if (c >= 0x80) high = true;
      }
      let a = 0;
      while (a < valStr.length && isSP(valStr.charCodeAt(a))) a++;
      valStr = high ? textOf(valStr.slice(a)) : valStr.slice(a);
    } else {
      // Trim the whole line of blanks (textproto trims it before splitting at the colon). Only SP and HTAB: a CR
      // left at either end (`\rHost:`, `chunked\r\r\n`) makes the name or the value invalid (SRV-109).
      while (lineStart < lineStop && isSP(buf[lineStart])) lineStart++;
      while (lineStop > lineStart && isSP(buf[lineStop - 1])) lineStop--;
      colon = findByte(buf, 0x3a, lineStart, lineStop);
      if (colon === -1) return null;
      // The validity walk also notes a byte ≥ 0x80: only such a value needs decoding as text.
      let high = 0;
      for (let k = colon + 1; k < lineStop; k++) {
        const c = buf[k];
        if (!validValueByte(c)) return null;
        high |= c;
      }
      let a = colon + 1;
      while (a < lineStop && isSP(buf[a])) a++;
      valStr = high < 0x80 ? cut(buf, text, start, a, lineStop, copy) : textOfBytes(buf, a, lineStop);
      key = intern(KEYS, buf, lineStart, colon, true);
      if (key === null) keyStr = cut(buf, text, start, lineStart, colon, copy);
    }
    if (key === null) {
      if (keyStr.length === 0) return null;
      // A key with a space is accepted raw here and rejected later as "invalid header name" (SRV-67).
      let hasSpace = false;
      for (let k = 0; k < keyStr.length; k++) {
        const c = keyStr.charCodeAt(k);
        if (c === 0x20) hasSpace = true;
        else if (c > 0xff || tokenByte[c] === 0) return null;
      }
      if (hasSpace) badName = true;
      key = hasSpace ? keyStr : canonicalHeaderKey(keyStr);
    }
    // Stored under the canonical key; repeated fields gather their values in order (REQ-32).
    if (key === 'Host') {
      if (host === null) host = valStr;
      else moreHosts = addTo(moreHosts, valStr);
    } else {
      if (fields === null) fields = [key, valStr];
      else fields.push(key, valStr);
      if (!special) special = isSpecial(key);
    }
    i = next;
  }
  const flags = (special ? SPECIAL : 0) | (badName ? BAD_NAME : 0) | (plain ? PLAIN_TARGET : 0);
  return new ParsedHead(method, target, proto, major, minor, fields, flags, host, moreHosts);
}

/**
 * Whether one unfolded field line buf[a,b) (without its line end) is one parseHead accepts: trimmed of blanks, a
 * non-empty name of token bytes (a space is let through: SRV-67 refuses it later), a colon, a value without
 * control bytes but HTAB. For checking a head line by line as it arrives (SRV-111) without building a Header.
 */
export function validFieldLine(buf: Buffer, a: number, b: number): boolean {
  while (a < b && isSP(buf[a])) a++;
  while (b > a && isSP(buf[b - 1])) b--;
  const colon = buf.indexOf(0x3a, a);
  if (colon === -1 || colon >= b || colon === a) return false;
  for (let k = a; k < colon; k++) if (buf[k] !== 0x20 && tokenByte[buf[k]] === 0) return false;
  for (let k = colon + 1; k < b; k++) if (!validValueByte(buf[k])) return false;
  return true;
}

// `v` appended to `list`, which is made with it (a literal of one element, not an empty array grown by push).
function addTo(list: string[] | null, v: string): string[] {
  if (list === null) return [v];
  list.push(v);
  return list;
}

// The fields the server itself reads before the handler runs (read-request.ts, transfer.ts).
function isSpecial(key: string): boolean {
  return key === 'Content-Length' || key === 'Transfer-Encoding' || key === 'Connection' || key === 'Expect' ||
    key === 'Pragma' || key === 'Trailer';
}

// ParsedHead's flags (one number, not a field each).
const SPECIAL = 1;
const BAD_NAME = 2;
const PLAIN_TARGET = 4;

// A class rather than an object literal, so that V8 never pretenures the allocation site (see conn.ts RequestState).
class ParsedHead implements RequestHead {
  private hdr: Header | null = null;
  constructor(
    readonly method: string,
    readonly target: string,
    readonly proto: string,
    readonly protoMajor: number,
    readonly protoMinor: number,
    readonly fields: string[] | null,
    private readonly flags: number,
    readonly host: string | null,
    private readonly moreHosts: string[] | null,
  ) {}

  get special(): boolean {
    return (this.flags & SPECIAL) !== 0;
  }

  get badName(): boolean {
    return (this.flags & BAD_NAME) !== 0;
  }

  get plainTarget(): boolean {
    return (this.flags & PLAIN_TARGET) !== 0;
  }

  get hosts(): string[] | null {
    if (this.host === null) return null;
    return this.moreHosts === null ? [this.host] : [this.host, ...this.moreHosts];
  }

  get hostCount(): number {
    return this.host === null ? 0 : this.moreHosts === null ? 1 : 1 + this.moreHosts.length;
  }

  get header(): Header {
    return (this.hdr ??= this.build());
  }

  /** A new map of the fields; repeated fields gather their values in order (REQ-32). */
  build(): Header {
    const h = new Header();
    const f = this.fields;
    if (f === null) return h;
    const m = h.m;
    for (let i = 0; i < f.length; i += 2) {
      const vs = m.get(f[i]);
      if (vs === undefined) m.set(f[i], [f[i + 1]]);
      else vs.push(f[i + 1]);
    }
    return h;
  }
}

// buf[a,b) trimmed of blanks, as a slice of `text` (the head from buf[start]).
function trimmed(buf: Buffer, text: string, start: number, a: number, b: number, copy: boolean): string {
  while (a < b && isSP(buf[a])) a++;
  while (b > a && isSP(buf[b - 1])) b--;
  return cut(buf, text, start, a, b, copy);
}

/** Heads longer than this have their strings copied out rather than sliced from the head's text (see parseHead). */
const SLICE_MAX = 4096;

// buf[a,b) as a string: a slice of `text` (the head from buf[start]), or its own copy when `copy` is set.
function cut(buf: Buffer, text: string, start: number, a: number, b: number, copy: boolean): string {
  return copy ? latin1(buf, a, b) : text.slice(a - start, b - start);
}

/** Go's canned reply bodies for request-read errors (SRV-60…SRV-63). */
const ERRHDR = '\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n';
/** The 431 reply (SRV-60). */
export const reply431 = Buffer.from(`HTTP/1.1 431 Request Header Fields Too Large${ERRHDR}431 Request Header Fields Too Large`, 'latin1');
/** The generic 400 reply (SRV-63). */
export const reply400 = Buffer.from(`HTTP/1.1 400 Bad Request${ERRHDR}400 Bad Request`, 'latin1');
/** The 501 reply for an unsupported Transfer-Encoding (SRV-61). */
export const reply501 = Buffer.from(`HTTP/1.1 501 Not Implemented${ERRHDR}Unsupported transfer encoding`, 'latin1');
/** A status-error reply (SRV-62). */
export function statusErrorReply(code: number, reason: string, text: string): Buffer {
  const s = `${code} ${reason}: ${text}`;
  return Buffer.from(`HTTP/1.1 ${s}${ERRHDR}${s}`, 'latin1');
}
