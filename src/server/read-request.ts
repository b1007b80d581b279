/**
 * readRequest: from a parsed head to a {@link Request}, with Go's validation order and framing rules
 * (SRV-59, SRV-61…SRV-66, SRV-73, REQ-5, REQ-14…REQ-21, REQ-34).
 * @module
 * Not part of the public API (its declarations are left out of the published types).
 */

import { firstValue } from '../header';
import type { RequestHead } from '../internal/textproto';
import { parseHead, reply400, reply501, statusErrorReply, validFieldLine } from '../internal/textproto';
import { Request } from '../request/request';
import { hasToken } from '../response/response';
import { textOf } from '../internal/text';
import { parseRequestTarget } from '../request/url';
import { bodyFramingFor, type BodyFraming } from './transfer';

/**
 * @internal What the connection needs to know of a request beyond the Request itself: its body framing and the
 * flags of its Expect and Connection fields. Filled by {@link readRequest}; a connection keeps one and reuses it
 * for each of its requests (it is read right after, before the handler runs, and never handed out).
 */
export class RequestInfo {
  framing: BodyFraming = NO_FRAMING;
  expectContinue = false;
  expectUnsupported = false;
  isH2Preface = false;
  wants10KeepAlive = false;
  wantsClose = false;
}
const NO_FRAMING: BodyFraming = Object.freeze({ kind: 'none' });

// Bytes allowed in a Host value (SRV-66).
const hostByte = new Uint8Array(256);
for (let c = 0; c < 128; c++) {
  if ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) hostByte[c] = 1;
}
for (const ch of "!$%&'()*+,-.:;=[]_~") hostByte[ch.charCodeAt(0)] = 1;

// `h` is text: any character ≥ 0x80 is refused, as every byte ≥ 0x80 is in Go.
function validHost(h: string): boolean {
  for (let i = 0; i < h.length; i++) if (hostByte[h.charCodeAt(i)] !== 1) return false;
  return true;
}

const badRequest = (text: string): Buffer => statusErrorReply(400, 'Bad Request', text);

// Whether any value, split at commas and trimmed of blanks, has `token` (lower case) as an element, in any case.
function valuesContainToken(values: string[], token: string): boolean {
  for (const v of values) {
    for (const part of v.split(',')) {
      let a = 0;
      let b = part.length;
      while (a < b && (part.charCodeAt(a) === 0x20 || part.charCodeAt(a) === 0x09)) a++;
      while (b > a && (part.charCodeAt(b - 1) === 0x20 || part.charCodeAt(b - 1) === 0x09)) b--;
      if (b - a === token.length && part.slice(a, b).toLowerCase() === token) return true;
    }
  }
  return false;
}

const FIELD_PREFIX = Buffer.from('GET / HTTP/1.1\r\n', 'latin1');
const CRLF = Buffer.from('\r\n', 'latin1');

/**
 * @internal Checks the complete lines of an unfinished head buf[start,end) from `from` (a line start, `start` at
 * first) as Go's reader meets them: a bad request line (malformed, a method that is not a token, a bad version
 * or target) is refused as soon as it has ended, a field line without a colon as soon as it has ended, and any
 * other bad field once the first byte of the next line shows that no continuation follows (SRV-111). Returns the
 * line start to resume from, or -1 when the head is to be answered with the 400 now.
 */
export function checkPartialHead(buf: Buffer, start: number, end: number, from: number): number {
  let i = from;
  for (;;) {
    const nl = buf.indexOf(0x0a, i);
    if (nl === -1 || nl >= end) return i;
    if (i === start) {
      const head = parseHead(buf, start, nl + 1);
      if (head === null || parseRequestTarget(head.method, textOf(head.target)) === null) return -1;
      i = nl + 1;
      continue;
    }
    const c = buf[i];
    const blank = c === 0x20 || c === 0x09;
    if (blank) {
      // The first field line may not start with a blank; later ones are continuations, checked with their field
      // at the end of the head.
      if (i === buf.indexOf(0x0a, start) + 1) return -1;
      i = nl + 1;
      continue;
    }
    const ce = nl > i && buf[nl - 1] === 0x0d ? nl - 1 : nl;
    if (ce === i) return i; // the empty line: the caller parses the whole head
    const colon = buf.indexOf(0x3a, i);
    if (colon === -1 || colon >= ce) return -1;
    if (nl + 1 >= end) return i; // a continuation may still come
    const next = buf[nl + 1];
    if (next !== 0x20 && next !== 0x09) {
      if (!validFieldLine(buf, i, ce)) return -1;
      i = nl + 1;
      continue;
    }
    // A folded field: checked whole once the line after its last continuation has begun.
    let j = nl + 1;
    for (;;) {
      const nl2 = buf.indexOf(0x0a, j);
      if (nl2 === -1 || nl2 + 1 >= end) return i;
      j = nl2 + 1;
      if (buf[j] !== 0x20 && buf[j] !== 0x09) break;
    }
    const field = Buffer.concat([FIELD_PREFIX, buf.subarray(i, j), CRLF]);
    if (parseHead(field, 0, field.length) === null) return -1;
    i = j;
  }
}

/**
 * @internal Builds the Request for a parsed head and fills `info`, or returns the exact reply Go writes for it.
 */
export function readRequest(head: RequestHead, info: RequestInfo): Request | Buffer {
  const { method, host: firstHost } = head;
  // The request line's bytes as text (src/internal/text.ts); ASCII, the common case, is the same string.
  // A plain target (the reader's flag) is ASCII, its own text, and already known to be of the common form.
  const plain = head.plainTarget;
  const target = plain ? head.target : textOf(head.target);
  const url = parseRequestTarget(method, target, plain);
  if (url === null) return reply400;
  if (firstHost !== null && head.hostCount > 1) return reply400; // "too many Host headers"
  // The header map is made now only when the server must read or change one of its fields (head.special);
  // otherwise it waits for the handler's first use, as many handlers never look (the Request builds it from the head).
  const header = head.special ? head.header : null;
  const req = new Request(method, url, header ?? undefined);
  if (header === null && head.fields !== null) req.rawFields = head;
  req.proto = head.proto;
  req.protoMajor = head.protoMajor;
  req.protoMinor = head.protoMinor;
  req.requestURI = target;
  // The target's host, else the Host field, port and case as sent (REQ-20).
  req.host = url.host !== '' ? url.host : firstHost !== null ? firstHost : '';
  // Pragma: no-cache implies Cache-Control: no-cache (REQ-34).
  const pragma = header?.getRaw('Pragma');
  if (pragma !== undefined && pragma.length > 0 && pragma[0] === 'no-cache' && !header!.hasRaw('Cache-Control')) {
    header!.setRaw('Cache-Control', ['no-cache']);
  }
  // `close` as a comma-separated element of any Connection field, in any case, sets r.close (SRV-75); an element
  // must be the token alone, so a folded `close\r\n\t1` ("close 1") does not, though the reply still closes
  // (wantsClose below reads the first field more loosely, as Go does: REQ-56).
  const conn = header?.getRaw('Connection');
  const closeTok = conn !== undefined && valuesContainToken(conn, 'close');
  if (head.protoMajor < 1) req.close = true;
  else if (head.protoMajor === 1 && head.protoMinor === 0) req.close = closeTok || !(conn !== undefined && valuesContainToken(conn, 'keep-alive'));
  else req.close = closeTok;
  // Framing: Transfer-Encoding, Content-Length, trailers (transfer.ts).
  const framing = bodyFramingFor(req, header);
  if (framing === 'unsupported-te') return reply501;
  if (framing === null) return reply400;
  // (A map made now may have lost fields to the framing rules; one not made yet has every field it was given.)
  const noFields = header !== null ? header.size === 0 : head.fields === null;
  const isH2Preface = method === 'PRI' && noFields && firstHost === null && url.path === '*' && head.proto === 'HTTP/2.0';
  if (isH2Preface) {
    req.contentLength = -1;
    req.close = true;
  }
  // Server-level checks, in Go's order (SRV-59); the failures with a reason get Go's status-error reply (SRV-62).
  const supported = head.protoMajor === 1 || (head.protoMajor === 2 && head.protoMinor === 0 && method === 'PRI' && target === '*');
  if (!supported) return statusErrorReply(505, 'HTTP Version Not Supported', 'unsupported protocol version');
  const is11 = req.protoAtLeast(1, 1);
  if (is11 && firstHost === null && !isH2Preface && method !== 'CONNECT') {
    return badRequest('missing required Host header');
  }
  if (firstHost !== null && !validHost(firstHost)) return badRequest('malformed Host header');
  // The reader refused every other bad name byte and every control byte in values (textproto): a name with a
  // space is the one left for the server to refuse.
  if (head.badName) return badRequest('invalid header name');
  const expect = header !== null ? firstValue(header, 'Expect') : '';
  let expectContinue = false;
  let expectUnsupported = false;
  if (expect !== '') {
    if (is11 && hasToken(expect, '100-continue') && req.contentLength !== 0) expectContinue = true;
    else if (!hasToken(expect, '100-continue')) expectUnsupported = true;
  }
  const connFirst = conn !== undefined ? conn[0] : '';
  info.framing = framing;
  info.expectContinue = expectContinue;
  info.expectUnsupported = expectUnsupported;
  info.isH2Preface = isH2Preface;
  info.wants10KeepAlive = head.protoMajor === 1 && head.protoMinor === 0 && connFirst !== '' && hasToken(connFirst, 'keep-alive');
  info.wantsClose = req.close || (connFirst !== '' && hasToken(connFirst, 'close'));
  return req;
}
