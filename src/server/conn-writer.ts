/**
 * The native sink: how a response reaches the socket of a native connection — status line, head and framed body,
 * with head and small body in one write, and Go's HTTP/1 `Connection` decisions (SRV-75…SRV-84).
 * @module
 * Not part of the public API (its declarations are left out of the published types).
 */

import { Buffer } from 'node:buffer';
import { Socket } from 'node:net';
import { getSystemErrorName } from 'node:util';
import type { ResponseHead, ResponseSink } from '../response/sink';
import { flat, httpDateLine } from '../internal/date';
import { whenDrained } from '../internal/drain';
import { peerGoneError } from '../errors';
import { hasToken, type Response } from '../response/response';
import { statusText } from '../status';

const statusLines11 = new Map<number, string>();
const statusLines10 = new Map<number, string>();

/** @internal The status line for `code` (RSP-7, RSP-8), cached. */
export function statusLine(is11: boolean, code: number): string {
  const cache = is11 ? statusLines11 : statusLines10;
  let s = cache.get(code);
  if (s === undefined) {
    const text = statusText(code);
    const c = String(code).padStart(3, '0');
    s = (is11 ? 'HTTP/1.1 ' : 'HTTP/1.0 ') + (text !== '' ? `${code} ${text}` : `${c} status code ${code}`) + '\r\n';
    cache.set(code, s);
  }
  return s;
}

/** What the sink needs to know from the connection about the request it answers. @internal */
export interface ConnResponseState {
  is11: boolean;
  isHEAD: boolean;
  wants10KeepAlive: boolean;
  wantsClose: boolean;
  /** The decision to close after this response (Go's closeAfterReply); the sink may set it. */
  closeAfterReply: boolean;
  /** Server-wide keep-alives enabled and not shutting down. */
  keepAlivesEnabled(): boolean;
  /**
   * Settles the unread request body before the head goes out (SRV-86…SRV-89): returns 'close' (close after reply),
   * 'too-big' (close, with `Connection: close`), 'ok', or a promise of one when more bytes must be read first.
   */
  settleBody(): 'ok' | 'close' | 'too-big' | Promise<'ok' | 'close' | 'too-big'>;
  log(message: string): void;
  disableContinue(): void;
  /** Called when a socket write fails. */
  onWriteError(): void;
  /** maxBytesReader hit its limit (SRV-90). */
  requestTooLarge(w: Response): void;
  enableFullDuplex(): void;
  hijack(w: Response): unknown;
  /** ResponseController deadlines (RSP-92); ms since the epoch, 0 for none. */
  setReadDeadline(at: number): void;
  setWriteDeadline(at: number): void;
}

const CRLF = '\r\n';
const LAST_CHUNK = Buffer.from('0\r\n\r\n', 'latin1');
const SMALL = 16 * 1024;

/**
 * @internal The native ResponseSink. The connection's per-request state extends it (one object per request, not a
 * sink and a state pointing at each other): the abstract members are what the connection tells it.
 */
export abstract class NativeSink implements ResponseSink, ConnResponseState {
  abstract is11: boolean;
  abstract isHEAD: boolean;
  abstract wants10KeepAlive: boolean;
  abstract wantsClose: boolean;
  abstract closeAfterReply: boolean;
  abstract keepAlivesEnabled(): boolean;
  abstract settleBody(): 'ok' | 'close' | 'too-big' | Promise<'ok' | 'close' | 'too-big'>;
  abstract log(message: string): void;
  abstract disableContinue(): void;
  abstract onWriteError(): void;
  abstract requestTooLarge(w: Response): void;
  abstract enableFullDuplex(): void;
  abstract hijack(w: Response): unknown;
  abstract setReadDeadline(at: number): void;
  abstract setWriteDeadline(at: number): void;

  // What waits for the socket; the shared empty list until the first piece (most responses never queue one).
  private out: Array<Buffer> = NO_OUT;
  private outLen = 0;
  // A body given as a string (bodyString), while `out` is empty.
  private str: string | null = null;
  // end() is writing the rest of the response.
  private ending = false;
  private headStr: string | null = null;
  private chunked = false;
  private blocked = false;
  private pendingFlush = false;
  private pendingEnd: (() => void) | null = null;
  private unblocked: Array<() => void> | null = null;
  /** Resolves when the response has been handed to the socket in full (after `end`). */
  done: Promise<void> | null = null;
  private doneResolve: (() => void) | null = null;
  /** Bytes of this response handed to the socket. */
  sent = 0;

  constructor(protected readonly socket: Socket) {}

  private outList(): Buffer[] {
    return this.out !== NO_OUT ? this.out : (this.out = []);
  }

  private goneErr: Error | null = null;
  peerGone(): Error | null {
    if (this.goneErr === null && this.socket.destroyed) this.goneErr = peerGoneError();
    return this.goneErr;
  }

  informational(status: number, lines: string[]): void {
    let s = statusLine(this.is11, status);
    for (let i = 0; i < lines.length; i += 2) s += lines[i] + ': ' + lines[i + 1] + CRLF;
    s += CRLF;
    this.outList().push(Buffer.from(s, 'latin1'));
    this.outLen += s.length;
    this.flush();
  }

  head(h: ResponseHead): void {
    this.chunked = h.chunked;
    const st = this;
    const keepAlives = st.keepAlivesEnabled();
    let setConnection = '';
    // HTTP/1.0 keep-alive is kept only with a length, for HEAD or a status without body (SRV-77); a request's
    // `Connection: close` closes after the reply (SRV-75); keep-alives off or shutting down close too (SRV-84).
    if (st.wants10KeepAlive && keepAlives) {
      if (h.hasContentLength && h.connection === 'keep-alive') st.closeAfterReply = false;
    }
    if (st.wants10KeepAlive && (h.head || h.hasContentLength || !h.bodyAllowed)) {
      if (!h.connectionKeyPresent) setConnection = 'keep-alive';
    } else if (!st.is11 || st.wantsClose) {
      st.closeAfterReply = true;
    }
    if (h.connection === 'close' || !keepAlives) st.closeAfterReply = true;
    const settled = st.closeAfterReply ? 'ok' : st.settleBody();
    if (typeof settled === 'string') {
      this.buildHead(h, settled, keepAlives, setConnection);
      return;
    }
    // The unread body must be read before the head can say whether the connection stays open (SRV-86).
    this.blocked = true;
    settled
      .then(
        (v) => this.buildHead(h, v, keepAlives, setConnection),
        () => this.buildHead(h, 'close', keepAlives, setConnection),
      )
      .then(() => {
        this.blocked = false;
        const ws = this.unblocked;
        this.unblocked = null;
        if (ws !== null) for (const w of ws) w();
        if (this.pendingEnd !== null) this.pendingEnd();
        else if (this.pendingFlush) this.flush();
      });
  }

  // The head's text, once the unread request body is settled (SRV-75…SRV-84 decide Connection).
  private buildHead(h: ResponseHead, settled: 'ok' | 'close' | 'too-big', keepAlives: boolean, setConnection: string): void {
    const st = this;
    let dropConnection = false;
    if (settled === 'close') st.closeAfterReply = true;
    else if (settled === 'too-big') {
      st.closeAfterReply = true;
      dropConnection = true;
      setConnection = 'close';
    }
    if (h.closeAfterReply) st.closeAfterReply = true;
    // Closing: `Connection: close` replaces the handler's, unless it already says close or this is a protocol
    // switch (SRV-83). On HTTP/1.0 the handler's field goes but an automatic `keep-alive` stays, as in Go, even
    // though the connection then closes (SRV-77).
    if (st.closeAfterReply && (!keepAlives || !hasToken(h.snapshotConnection, 'close')) && !h.protocolSwitch) {
      dropConnection = true;
      if (st.is11) setConnection = 'close';
    }
    const lines = h.lines;
    // Lines that cannot change (none, or a frozen list such as writeJSON's type) go into the kept head's parts.
    if (lines.length === 0 || lines === lastLines || Object.isFrozen(lines)) {
      this.headStr = plainHead(st.is11, h.status, lines.length === 0 ? NO_LINES : lines, dropConnection, h.date, h.autoContentLength, h.contentType, setConnection, h.chunked);
      return;
    }
    let s = statusLine(st.is11, h.status);
    for (let i = 0; i < lines.length; i += 2) {
      if (dropConnection && lines[i] === 'Connection') continue;
      s += lines[i] + ': ' + lines[i + 1] + CRLF;
    }
    // The automatic lines, after the handler's, always in this order (RSP-12).
    if (h.date) s += httpDateLine();
    if (h.autoContentLength >= 0) s += 'Content-Length: ' + h.autoContentLength + CRLF;
    if (h.contentType !== null) s += 'Content-Type: ' + h.contentType + CRLF;
    if (setConnection !== '') s += 'Connection: ' + setConnection + CRLF;
    if (h.chunked) s += 'Transfer-Encoding: chunked\r\n';
    s += CRLF;
    this.headStr = s;
  }

  bodyString(data: string): void {
    if (this.chunked || this.out.length !== 0 || this.str !== null) {
      this.body(Buffer.from(data, 'latin1'));
      return;
    }
    // Kept as a string: with the head it goes out as one latin1 string write, no Buffer made.
    this.str = data;
    this.outLen += data.length;
  }

  body(data: Buffer): void {
    if (this.str !== null) {
      this.outList().push(Buffer.from(this.str, 'latin1'));
      this.str = null;
    }
    if (this.chunked) {
      // Size in lower-case hex, no extensions (RSP-4).
      const size = Buffer.from(data.length.toString(16) + CRLF, 'latin1');
      this.outList().push(size, data, CRLF_BUF);
      this.outLen += size.length + data.length + 2;
    } else {
      this.outList().push(data);
      this.outLen += data.length;
    }
    if (this.outLen >= SMALL && !this.blocked) this.flush();
  }

  flush(): void {
    if (this.blocked) {
      this.pendingFlush = true;
      return;
    }
    this.pendingFlush = false;
    this.writeOut();
  }

  end(trailers: string[] | null): void {
    if (this.blocked) {
      this.done = new Promise((resolve) => (this.doneResolve = resolve));
      this.pendingEnd = () => this.endNow(trailers);
      return;
    }
    this.endNow(trailers);
  }

  private endNow(trailers: string[] | null): void {
    if (this.chunked) {
      if (trailers === null) {
        this.outList().push(LAST_CHUNK);
        this.outLen += 5;
      } else {
        let s = '0\r\n';
        for (let i = 0; i < trailers.length; i += 2) s += trailers[i] + ': ' + trailers[i + 1] + CRLF;
        s += CRLF;
        this.outList().push(Buffer.from(s, 'latin1'));
        this.outLen += s.length;
      }
    }
    this.ending = true;
    this.writeOut();
    const r = this.doneResolve;
    this.doneResolve = null;
    r?.();
  }

  /** Writes everything queued; head and a small body go out as one buffer. */
  writeOut(): void {
    const sock = this.socket;
    if (this.str !== null) {
      const body = this.str;
      this.str = null;
      this.outLen = 0;
      const head = this.headStr;
      this.headStr = null;
      this.write(head !== null ? head + body : body);
      return;
    }
    if (this.headStr !== null) {
      const head = this.headStr;
      this.headStr = null;
      if (this.out.length === 0) {
        this.write(head);
        return;
      }
      if (this.outLen <= SMALL) {
        const hl = Buffer.byteLength(head, 'latin1');
        const b = Buffer.allocUnsafe(hl + this.outLen);
        b.write(head, 0, hl, 'latin1');
        let o = hl;
        for (const p of this.out) o += p.copy(b, o);
        if (this.out !== NO_OUT) this.out.length = 0;
        this.outLen = 0;
        this.write(b);
        return;
      }
      this.out.unshift(Buffer.from(head, 'latin1'));
    }
    if (this.out.length === 0) return;
    if (this.out.length === 1) {
      this.write(this.out[0]);
    } else {
      sock.cork();
      for (const p of this.out) this.write(p);
      sock.uncork();
    }
    if (this.out !== NO_OUT) this.out.length = 0;
    this.outLen = 0;
  }

  // A string is binary (one character per byte).
  private write(b: Buffer | string): void {
    this.sent += b.length;
    if (this.socket.destroyed) {
      this.onWriteError();
      return;
    }
    const sock = this.socket;
    // Writes of one tick leave together, as node:http corks its responses; the write that completes a response
    // has nothing to wait for (a small response is that one write).
    if (sock.writableCorked === 0 && !this.ending) {
      sock.cork();
      process.nextTick(uncork, sock);
    }
    if (typeof b !== 'string') sock.write(b);
    else if (!this.ending || !writeDirect(sock, b)) sock.write(b, 'latin1');
  }

  drained(): Promise<void> {
    const s = this.socket;
    if (s.destroyed) return Promise.resolve();
    if (this.blocked) {
      // The head waits for the unread request body (SRV-86): nothing has reached the socket yet, so a streaming
      // handler must wait here too, or it would queue its whole body in memory.
      return new Promise<void>((resolve) => {
        const done = (): void => {
          s.off('close', done);
          resolve();
        };
        (this.unblocked ??= []).push(done);
        s.once('close', done);
      }).then(() => this.drained());
    }
    return whenDrained(s);
  }

  /** @internal Writes queued bytes now (a panicking handler: what left the 2048-byte buffer is sent, SRV-98). */
  flushForAbort(): void {
    if (this.blocked) return;
    this.writeOut();
  }
}

const CRLF_BUF = Buffer.from(CRLF, 'latin1');
// The handler lines of a head without any (frozen: plainHead keeps lists by identity, and only lists that cannot change).
const NO_LINES: readonly string[] = Object.freeze([]);
// Never added to (see NativeSink.outList).
const NO_OUT: Buffer[] = [];

// The last head whose handler lines cannot change, and what it was made of: responses in a row (one route's)
// mostly share it.
let lastIs11 = false;
let lastStatus = 0;
let lastLines: readonly string[] = NO_LINES;
let lastDrop = false;
let lastDate = '';
let lastLength = -2;
let lastType: string | null = null;
let lastConnection = '';
let lastChunked = false;
let lastHead = '';
// Flat parts around the length, kept while they repeat (a JSON API's replies differ mostly in length): prefixes (the
// status line, the handler's lines and the Date line up to `Content-Length: `) and the lines after the length. A
// head of a new length is then three pieces, not a dozen pieces (whose flattened copy the socket write, flattening
// head and body, made again). The last few prefixes are kept (a mix of routes answers with more than one status),
// each with what it was made of; the oldest is replaced.
class Prefix {
  constructor(
    readonly is11: boolean,
    readonly status: number,
    readonly lines: readonly string[],
    readonly drop: boolean,
    readonly date: string,
    readonly text: string,
  ) {}
}
const prefixes: Array<Prefix | null> = [null, null, null, null];
let prefixNext = 0;
let suffixType: string | null = null;
let suffixConnection = '';
let suffixChunked = false;
let suffix = '';

/**
 * A head of handler lines that cannot change (`lines`: none, or a frozen list) and the automatic lines, in their
 * order (RSP-12): the status line, the handler's lines (without Connection when `drop`), Date, Content-Length…
 */
function plainHead(
  is11: boolean, status: number, lines: readonly string[], drop: boolean, date: boolean, length: number, type: string | null,
  connection: string, chunked: boolean,
): string {
  const dateLine = date ? httpDateLine() : '';
  if (status === lastStatus && length === lastLength && dateLine === lastDate && type === lastType && connection === lastConnection &&
      chunked === lastChunked && is11 === lastIs11 && lines === lastLines && drop === lastDrop && lastHead !== '') {
    return lastHead;
  }
  let prefix = '';
  for (let k = 0; k < prefixes.length; k++) {
    const p = prefixes[k];
    if (p !== null && p.status === status && p.date === dateLine && p.lines === lines && p.is11 === is11 && p.drop === drop) {
      prefix = p.text;
      break;
    }
  }
  if (prefix === '') {
    let p = statusLine(is11, status);
    for (let i = 0; i < lines.length; i += 2) {
      if (drop && lines[i] === 'Connection') continue;
      p += lines[i] + ': ' + lines[i + 1] + CRLF;
    }
    prefix = flat(p + dateLine + 'Content-Length: ');
    prefixes[prefixNext] = new Prefix(is11, status, lines, drop, dateLine, prefix);
    prefixNext = (prefixNext + 1) % prefixes.length;
  }
  if (type !== suffixType || connection !== suffixConnection || chunked !== suffixChunked || suffix === '') {
    let t = CRLF;
    if (type !== null) t += 'Content-Type: ' + type + CRLF;
    if (connection !== '') t += 'Connection: ' + connection + CRLF;
    if (chunked) t += 'Transfer-Encoding: chunked\r\n';
    suffixType = type;
    suffixConnection = connection;
    suffixChunked = chunked;
    suffix = flat(t + CRLF);
  }
  // Without a length: the prefix without its `Content-Length: `, the suffix without the length's line end.
  const s = length >= 0 ? prefix + length + suffix : prefix.slice(0, prefix.length - 16) + suffix.slice(2);
  lastIs11 = is11;
  lastStatus = status;
  lastLines = lines;
  lastDrop = drop;
  lastDate = dateLine;
  lastLength = length;
  lastType = type;
  lastConnection = connection;
  lastChunked = chunked;
  lastHead = s;
  return s;
}

function uncork(s: Socket): void {
  s.uncork();
}

// ---- the direct write ----
//
// The write that completes a response (most often the whole response: head and a short body as one string) is
// handed to the socket's handle as node:net's own write path would hand it (its Writable's bookkeeping, a request
// object and a callback per write cost about 1.7k instructions and a few hundred bytes a response), reusing one
// request object while the kernel takes each write whole. Only when the stream is idle: nothing buffered or corked
// in the Writable (which must go first), nothing queued in the handle. A write the kernel takes in part leaves
// the rest queued in the handle, in order before anything written later, and the stream's end (a shutdown) waits
// for it as for any write; it keeps its request object, and the next responses of that connection take node:net's
// path until the queue is empty, so at most one direct write (at most SMALL bytes) is ever unsent outside the
// Writable's count that bounds a pipelining client (SRV-112).

/** node:net's request object for a handle write (its internal WriteWrap), with what the completion needs. */
type WriteReq = { oncomplete: (this: WriteReq, status: number) => void; sock: Socket | null };
type StreamHandle = { writeLatin1String(req: WriteReq, s: string): number; writeQueueSize: number };
type WriteReqClass = new () => WriteReq;

// Found on the first response (see captureWriteWrap): undefined until then, null when this Node offers none.
let WriteWrap: WriteReqClass | null | undefined;
// The request object of the next direct write; a write that went asynchronous keeps its own.
let spareReq: WriteReq | null = null;

/** @internal How many responses went out by the direct write: whole at once, or in part (for tests). */
export const directWrites = { whole: 0, partial: 0 };

function handleOf(sock: Socket): StreamHandle | null {
  return (sock as unknown as { _handle: StreamHandle | null })._handle;
}

/**
 * Writes `s` (binary, one byte a character) straight to the socket's handle; false (nothing written) when that is
 * not possible, and node:net's write must be used.
 */
function writeDirect(sock: Socket, s: string): boolean {
  const C = WriteWrap;
  if (C == null) {
    if (C === undefined) captureWriteWrap(sock, s);
    return C === undefined;
  }
  const h = handleOf(sock);
  if (h === null || s.length > SMALL || sock.constructor !== Socket || h.writeQueueSize !== 0 || sock.writableLength !== 0 ||
      sock.writableCorked !== 0 || !sock.writable) {
    return false;
  }
  let req = spareReq;
  if (req === null) {
    req = spareReq = new C();
    req.oncomplete = afterPartialWrite;
    req.sock = null;
  }
  // An error means nothing was written: node:net's write meets it again and reports it as it always does.
  if (h.writeLatin1String(req, s) !== 0) return false;
  if (h.writeQueueSize !== 0) {
    // Taken in part: the handle holds the rest, and this request object until it completes.
    req.sock = sock;
    spareReq = null;
    directWrites.partial++;
  } else {
    directWrites.whole++;
  }
  return true;
}

// A direct write's rest has gone out, or failed: a failure ends the socket, as node:net's write ends it.
function afterPartialWrite(this: WriteReq, status: number): void {
  const sock = this.sock;
  this.sock = null;
  if (status < 0 && sock !== null && !sock.destroyed) {
    const code = getSystemErrorName(status);
    sock.destroy(Object.assign(new Error(`write ${code}`), { errno: status, code, syscall: 'write' }));
  }
}

/**
 * Writes `s` through node:net once, noting the class of the request object node:net hands the handle (its
 * WriteWrap, which only a write can show): the direct write needs one of that class. A socket whose handle cannot
 * show it (not node:net's TCP or pipe handle) leaves the search for a later one; a Node whose write looks
 * different ends it.
 */
function captureWriteWrap(sock: Socket, s: string): void {
  const h = handleOf(sock) as (StreamHandle & { writeLatin1String: StreamHandle['writeLatin1String'] }) | null;
  if (h === null || sock.constructor !== Socket || typeof h.writeLatin1String !== 'function' || Object.hasOwn(h, 'writeLatin1String')) {
    sock.write(s, 'latin1');
    return;
  }
  const write = h.writeLatin1String;
  h.writeLatin1String = function (this: StreamHandle, req: WriteReq, str: string): number {
    delete (h as Partial<StreamHandle>).writeLatin1String;
    const C = (req as { constructor?: unknown } | null)?.constructor;
    WriteWrap = typeof C === 'function' && C.name === 'WriteWrap' && typeof h.writeQueueSize === 'number' ? (C as WriteReqClass) : null;
    return write.call(this, req, str);
  };
  try {
    sock.write(s, 'latin1');
  } finally {
    if (Object.hasOwn(h, 'writeLatin1String')) delete (h as Partial<StreamHandle>).writeLatin1String;
  }
}
