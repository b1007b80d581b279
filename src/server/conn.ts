/**
 * conn: one native connection and its serve loop — Go's `conn.serve`, one async flow per socket: read a request
 * head, answer `Expect`, run the handler through serverHandler, finish the response, keep alive or close
 * (SRV-41…SRV-99).
 * @module
 * Not part of the public API (its declarations are left out of the published types).
 */

// Node's Buffer by import: the global is an accessor on globalThis, a getter call (about 150 instructions) per use.
import { Buffer } from 'node:buffer';
import { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { NoBody, PullBody, copyChunk, recycleChunk, type Body, type BodySource } from '../request/body';
import { NativeSink } from './conn-writer';
import { StateActive, StateClosed, StateHijacked, StateIdle, type ConnState } from './conn-state';
import { withCancel, withValue, type CancelFunc, type Context } from '../context';
import { ErrAbortHandler, ErrUnexpectedEOF, NetHTTPError, fresh } from '../errors';
import { answerEscaped } from '../request/json';
import { isAbortError, panicLine } from '../log';
import { handlerPromise, type Handler } from '../handler';
import { ChunkedDecoder } from '../internal/chunked';
import { joinHostPort } from './listener';
import { findHeadEnd, findHeadEndIn, latin1, parseHead, reply400, reply431, resumePoint, type RequestHead } from '../internal/textproto';
import { checkPartialHead, readRequest, RequestInfo } from './read-request';
import { tlsInfoOf, type Request, type TLSInfo } from '../request/request';
import { Response } from '../response/response';
import type { BodyFraming } from './transfer';

/** Go's maxPostHandlerReadBytes: how much unread body the server reads to keep a connection (SRV-87). */
const MAX_POST_HANDLER_READ = 256 << 10;
/** Unread input above which the socket is paused while a handler runs (backpressure on request bodies). */
const HIGH_WATER = 64 << 10;
/** Unsent reply bytes past which the next pipelined request waits (SRV-112). */
const UNSENT_BOUND = 64 << 10;
/** Input up to this length is decoded before its head's end is found (see Conn.bufferedHead). */
const TEXT_FIRST = 512;
const CONTINUE = Buffer.from('HTTP/1.1 100 Continue\r\n\r\n', 'latin1');

export { ErrUnexpectedEOF } from '../errors';
/** The error of a read that passed its deadline (Go's os.ErrDeadlineExceeded as net reports it). */
export const ErrReadTimeout = Object.freeze(new NetHTTPError('ErrReadTimeout', 'i/o timeout')) as NetHTTPError;

/** What a conn needs from its server; the Server implements it (not part of the public API). */
export interface ConnServer {
  readonly handler: Handler;
  readonly maxHeaderBytes: number;
  readonly readTimeout: number;
  readonly readHeaderTimeout: number;
  readonly writeTimeout: number;
  readonly idleTimeout: number;
  keepAlivesEnabled(): boolean;
  setState(c: Conn, s: ConnState): void;
  untrack(c: Conn): void;
  logf(message: string): void;
}

/** One accepted connection (not part of the public API). */
export class Conn {
  state: ConnState = 0;
  /** Unix seconds when the connection entered StateNew, the one state whose age shutdown reads (SRV-48). */
  stateTime = 0;
  readonly remoteAddr: string;
  hijacked = false;
  private pending: Buffer = EMPTY;
  private queue: Buffer[] = [];
  private queued = 0;
  private pos = 0;
  private eof = false;
  private readErr: Error | null = null;
  private waiter: (() => void) | null = null;
  private paused = false;
  private lastMethod = '';
  private closed = false;
  private connCtx: Context | null = null;
  private connCancel: CancelFunc | null = null;
  private connDone = false;
  // The request in flight: its context cancel, and whether its body was read to the end.
  private reqCancel: CancelFunc | null = null;
  private reqCancelled = false;
  private bodyDone = true;
  private watchGone = false;
  private writeFailed = false;
  private readDeadline = 0;
  private deadlineTimer: NodeJS.Timeout | null = null;
  private writeTimer: NodeJS.Timeout | null = null;
  private writeExpired = false;
  private readonly tlsInfo: TLSInfo | undefined;
  // What readRequest tells of the request being read (read at once, before the next one: one per connection).
  private readonly info = new RequestInfo();
  // The body of every request without one (see serveRequest).
  private noBody: ConnBody | null = null;

  constructor(
    private readonly server: ConnServer,
    readonly socket: Socket,
    private readonly parentCtx: Context,
  ) {
    this.remoteAddr = joinHostPort(socket.remoteAddress ?? '', socket.remotePort ?? 0);
    this.tlsInfo = tlsInfoOf(socket);
    if (!readIntoShared(socket, (n: number) => this.onRead(n))) socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => this.onEnd(null));
    socket.on('error', (err) => this.onEnd(err));
    socket.on('close', () => this.onEnd(null));
    socket.setNoDelay(true);
  }

  // ---- input ----

  // Input is the current chunk (`pending` from `pos`) and whole chunks queued behind it: a slow body reader
  // never makes each arriving chunk copy the unread rest (which, at 1 GiB, is memory churn the allocator keeps).
  private onData(chunk: Buffer): void {
    if (this.pos >= this.pending.length && this.queue.length === 0) {
      this.pending = chunk;
      this.pos = 0;
    } else {
      this.queue.push(chunk);
      this.queued += chunk.length;
      // Backpressure while a handler reads slowly: stop reading the socket past the high-water mark.
      this.consumed();
    }
    this.wake();
  }

  /**
   * Input read into the shared read buffer ({@link readIntoShared}): served from there, and what is left unread when
   * this returns is copied out, since the next read of any connection overwrites it. Nothing outside the conn sees
   * a view of the shared buffer: body reads and hijacking copy (see {@link Conn.bufView}, {@link Conn.hijack}).
   */
  private onRead(n: number): boolean | undefined {
    if (this.hijacked) {
      // The handler owns the socket now: its input goes to the stream, as node:net would deliver it.
      return this.socket.push(Buffer.from(SHARED.subarray(0, n)));
    }
    if (this.pos >= this.pending.length && this.queue.length === 0) {
      let v = n <= SMALL_READ ? smallViews[n] : sharedView;
      if (v === undefined) v = smallViews[n] = SHARED.subarray(0, n);
      else if (v.length !== n) v = sharedView = SHARED.subarray(0, n);
      this.pending = v;
      this.pos = 0;
      readView = v;
      try {
        this.wake();
      } finally {
        readView = null;
      }
      if (this.pending === v) {
        // Served what it could; the rest (the start of the next request, a body the handler has yet to read) is kept.
        this.pending = this.pos < v.length ? copyChunk(v.subarray(this.pos)) : EMPTY;
        this.pos = 0;
      }
      return undefined;
    }
    this.onData(copyChunk(SHARED.subarray(0, n)));
    return undefined;
  }

  private onEnd(err: Error | null): void {
    if (err !== null && this.readErr === null) this.readErr = err;
    if (this.eof && err === null) return;
    this.eof = true;
    // Client gone while no body remains to be read: cancel the request (SRV-95, SRV-96).
    if (this.watchGone && this.bodyDone) this.cancelRequest();
    this.cancelConnIfGone();
    this.wake();
  }

  private cancelConnIfGone(): void {
    if (this.connDone) return;
    this.connDone = true;
    this.connCancel?.();
  }

  private wake(): void {
    const w = this.waiter;
    if (w !== null) {
      this.waiter = null;
      w();
    }
  }

  private avail(): number {
    return this.pending.length - this.pos + this.queued;
  }

  /** Makes everything received contiguous in `pending` (heads are parsed from one buffer). */
  private coalesce(): void {
    if (this.queue.length === 0) return;
    this.pending = Buffer.concat([this.pending.subarray(this.pos), ...this.queue]);
    this.pos = 0;
    this.queue = [];
    this.queued = 0;
  }

  // The buffer a head arriving in pieces is gathered in: it doubles when full, so each byte is copied a bounded
  // number of times (a copy of everything per piece made a 1 MiB head in 512-byte pieces cost seconds: issue #14).
  private headBuf: Buffer | null = null;

  /** Like {@link Conn.coalesce}, appending to {@link Conn.headBuf} in place while it has room. */
  private gather(): void {
    if (this.queue.length === 0) return;
    const have = this.pending.length - this.pos;
    const need = have + this.queued;
    let buf = this.headBuf;
    let off: number;
    if (buf !== null && this.pos === 0 && this.pending.buffer === buf.buffer && this.pending.byteOffset === buf.byteOffset && buf.length >= need) {
      off = have;
    } else {
      buf = this.headBuf = Buffer.allocUnsafe(Math.max(need * 2, 16 << 10));
      this.pending.copy(buf, 0, this.pos);
      this.pos = 0;
      off = have;
    }
    for (const c of this.queue) off += c.copy(buf, off);
    this.pending = buf.subarray(0, need);
    this.queue = [];
    this.queued = 0;
  }

  private more(): Promise<void> {
    this.resumeSocket();
    return new Promise<void>((resolve) => {
      if (this.armReadDeadline()) this.waiter = resolve;
      else resolve();
    });
  }

  private resumeSocket(): void {
    if (this.paused) {
      this.paused = false;
      this.socket.resume();
    }
  }

  /**
   * Arms the timer of the current read deadline before a wait. A deadline already passed is recorded at once, as
   * its timer would have recorded it, and false returned: the caller must not wait (a waiting reader that kept
   * finding the deadline passed would otherwise loop without ever yielding).
   */
  private armReadDeadline(): boolean {
    if (this.readDeadline <= 0) return true;
    const ms = this.readDeadline - Date.now();
    if (ms <= 0) {
      this.readErr ??= ErrReadTimeout;
      this.timedOut = true;
      return false;
    }
    this.armDeadline(ms);
    return true;
  }
  private timedOut = false;

  // A new read deadline replaces the old one (as SetReadDeadline does): a timer armed for the old one must not
  // fire into a later phase (the header deadline into a body read, the idle deadline into a header).
  private setReadDeadline(at: number): void {
    this.readDeadline = at;
    if (this.deadlineTimer !== null) {
      clearTimeout(this.deadlineTimer);
      this.deadlineTimer = null;
    }
  }

  private armDeadline(ms: number): void {
    if (this.deadlineTimer !== null) clearTimeout(this.deadlineTimer);
    this.deadlineTimer = setTimeout(() => {
      this.deadlineTimer = null;
      this.timedOut = true;
      this.wake();
    }, ms);
  }

  private consumed(): void {
    if (!this.paused && this.avail() > HIGH_WATER && !this.eof) {
      this.paused = true;
      this.socket.pause();
    }
  }

  /** @internal The request's context, made when the handler first asks (see Request.context). */
  requestContext(): Context {
    if (this.connCtx === null) {
      [this.connCtx, this.connCancel] = withCancel(withValue(this.parentCtx, LocalAddrContextKey, this.localAddr()));
      if (this.connDone) this.connCancel();
    }
    const [ctx, cancel] = withCancel(this.connCtx);
    this.reqCancel = cancel;
    if (this.reqCancelled) cancel();
    return ctx;
  }

  private localAddr(): string {
    return joinHostPort(this.socket.localAddress ?? '', this.socket.localPort ?? 0);
  }

  /** @internal For RequestState. */
  keepAlivesEnabled(): boolean {
    return this.server.keepAlivesEnabled();
  }

  /** @internal For RequestState. */
  logf(m: string): void {
    this.server.logf(m);
  }

  /** @internal A socket write failed: the request is over (its context is cancelled). */
  onWriteError(): void {
    this.writeFailed = true;
    this.cancelRequest();
  }

  private cancelRequest(): void {
    this.reqCancelled = true;
    this.reqCancel?.();
  }

  // ---- the loop ----

  /**
   * Serves the connection until it closes or is hijacked. Between requests the run does not wait on a promise:
   * it parks (returns), and the next bytes, the end of input or the idle deadline start it again, synchronously
   * from that event (`resume`), as node:http's parser runs from its socket's data event. A request whose head is
   * buffered and whose handler returns synchronously is served without any promise; only a step that must wait
   * (a head in pieces, an async handler, a slow body, a full socket) hands the loop to an async continuation.
   */
  serve(): void {
    this.run(true, false);
  }

  private run(first: boolean, resumed: boolean): void {
    let parked = false;
    // An awaited step owns the connection from there: it goes on with the loop, or ends it.
    let handedOver = false;
    try {
      const srv = this.server;
      for (; ; first = false) {
        if (!first) {
          // Wait for the next request's first bytes under the idle timeout (SRV-53 steps 14–16, SRV-54); a run
          // resumed after parking keeps the deadline it parked with.
          if (!resumed) {
            // idleTimeout, or readTimeout when it is 0 (SRV-10).
            const idle = srv.idleTimeout > 0 ? srv.idleTimeout : srv.readTimeout;
            this.setReadDeadline(idle > 0 ? Date.now() + idle : 0);
          }
          resumed = false;
          if (this.avail() < 4 && !this.eof && !this.timedOut && this.park()) {
            parked = true;
            return;
          }
          if (this.avail() < 4) return;
          this.setReadDeadline(0);
        }
        // SRV-7, SRV-8: the header deadline, then the whole-request deadline.
        const hdrTO = srv.readHeaderTimeout > 0 ? srv.readHeaderTimeout : srv.readHeaderTimeout === 0 ? srv.readTimeout : 0;
        const start = hdrTO > 0 || srv.readTimeout > 0 ? Date.now() : 0;
        this.setReadDeadline(hdrTO > 0 ? start + hdrTO : 0);
        const headStart = this.pos;
        const got = this.bufferedHead();
        // (The wait for a head in pieces is its own method: a closure here would make every run allocate its scope.)
        const next = got !== undefined ? this.afterHead(got, headStart, start) : this.headInPieces(headStart, start);
        if (next === false) return;
        if (next !== true) {
          handedOver = true;
          next.then(this.stepDone, this.stepFailed);
          return;
        }
      }
    } catch (err) {
      this.internalError(err);
    } finally {
      if (!parked && !handedOver) this.finishConn();
    }
  }

  private async headInPieces(headStart: number, start: number): Promise<boolean> {
    return this.afterHead(await this.readHead(), headStart, start);
  }

  // The loop after a step that had to wait: the next request, or the end of the connection. (Functions made once
  // per connection, so that a request whose handler returns a promise makes no closures or async frame for this.)
  private readonly stepDone = (go: boolean): void => {
    if (go) this.run(false, false);
    else this.finishConn();
  };
  private readonly stepFailed = (err: unknown): void => {
    this.internalError(err);
    this.finishConn();
  };
  private readonly servedThen = (keep: boolean): boolean | Promise<boolean> => this.afterServed(keep);
  // The same for the promise of a handler: the request it answers is held here only until it settles (the conn
  // starts nothing else meanwhile).
  private serving: RequestState | null = null;
  private readonly handlerDone = (): boolean | Promise<boolean> => this.handlerReturned(this.takeServing(), false, undefined);
  private readonly handlerFailed = (err: unknown): boolean | Promise<boolean> => this.handlerReturned(this.takeServing(), true, err);
  private readonly logLine = (m: string): void => this.server.logf(m);
  private takeServing(): RequestState {
    const st = this.serving!;
    this.serving = null;
    return st;
  }

  /**
   * One request from its head on: whether the connection goes on to the next request, or a promise of it when a
   * step had to wait.
   */
  private afterHead(got: RequestHead | Buffer | null, headStart: number, start: number): boolean | Promise<boolean> {
    const srv = this.server;
    const readAny = this.pos > headStart || got !== null;
    if (srv.writeTimeout > 0) this.armWriteTimeout(srv.writeTimeout); // once a head was read, good or bad (SRV-9)
    if (got === null) return false; // silent close (SRV-69)
    if (readAny) this.setState(StateActive); // even for a request that turns out malformed (SRV-42)
    if (Buffer.isBuffer(got)) {
      this.socket.write(got);
      if (got === reply431) return this.closeWriteAndWait().then(() => false); // half-close, linger, close (SRV-60)
      return false;
    }
    const info = this.info;
    const req = readRequest(got, info);
    if (Buffer.isBuffer(req)) {
      this.socket.write(req);
      return false;
    }
    this.lastMethod = req.method;
    this.setReadDeadline(srv.readTimeout > 0 ? start + srv.readTimeout : 0);
    const served = this.serveRequest(req, info);
    return typeof served === 'boolean' ? this.afterServed(served) : served.then(this.servedThen);
  }

  private afterServed(keepGoing: boolean): boolean | Promise<boolean> {
    if (!keepGoing) return false;
    // A client that pipelines without reading: no next request while more than UNSENT_BOUND of replies is
    // unsent, as Go's blocked write holds its connection (SRV-112).
    if (this.socket.writableLength > UNSENT_BOUND && this.socket.writableNeedDrain) {
      return this.drained().then((ok) => ok && this.idleAgain());
    }
    return this.idleAgain();
  }

  private idleAgain(): boolean {
    this.setState(StateIdle); // the response is out and the connection will be reused (SRV-43)
    return this.server.keepAlivesEnabled();
  }

  private internalError(err: unknown): void {
    this.server.logf(`http: internal error serving ${this.remoteAddr}: ${String((err as Error)?.stack ?? err)}`);
  }

  private finishConn(): void {
    this.clearTimers();
    if (this.hijacked) return;
    // Closed, forgotten, then reported: the sequences of SRV-45, SRV-46.
    this.closeSocket();
    this.cancelConnIfGone();
    this.server.untrack(this);
    this.server.setState(this, StateClosed);
  }

  private readonly resume = (): void => this.run(false, true);

  /**
   * Arranges for {@link Conn.resume} to run when input arrives, the input ends or the read deadline passes;
   * false (with the timeout recorded) when the deadline has already passed.
   */
  private park(): boolean {
    this.resumeSocket();
    if (!this.armReadDeadline()) return false;
    this.waiter = this.resume;
    return true;
  }

  private setState(s: ConnState): void {
    this.server.setState(this, s);
  }

  /**
   * The common case without a promise: a whole head already in the buffer. Returns undefined, having consumed
   * nothing, when {@link Conn.readHead} must run.
   */
  private bufferedHead(): RequestHead | Buffer | undefined {
    let skip = 0;
    if (this.lastMethod === 'POST') {
      // The tolerance after a POST (SRV-56), decided as readHead decides it once 4 bytes are in.
      if (this.avail() < 4) return undefined;
      this.coalesce();
      const b = this.pending;
      const p = this.pos;
      while (skip < 4 && (b[p + skip] === 0x0d || b[p + skip] === 0x0a)) skip++;
    } else {
      this.coalesce();
    }
    const buf = this.pending;
    const start = this.pos + skip;
    const avail = buf.length - start;
    // maxHeaderBytes plus Go's 4096 bytes of read-buffer slack (SRV-3).
    const limit = this.server.maxHeaderBytes + 4096;
    const scanEnd = start + Math.min(avail, limit);
    // Input that starts here and is short (one request, perhaps with a small body) is decoded once up front: its
    // LFs are then found by the string's indexOf, and parseHead slices that text. Longer input (a large body behind
    // the head) and pipelined requests after the first are scanned by bytes, and only the head is decoded.
    let text: string | null = null;
    let end: number;
    if (start === 0 && scanEnd <= TEXT_FIRST) {
      text = latin1(buf, start, scanEnd);
      end = findHeadEndIn(text, buf, start, scanEnd);
    } else {
      end = findHeadEnd(buf, start, scanEnd, start);
    }
    if (end === -1) return undefined;
    const head = parseHead(buf, start, end, text);
    this.pos = end;
    return head === null ? reply400 : head;
  }

  /** Reads one head: the parsed head, a canned reply, or null for a silent close. */
  private async readHead(): Promise<RequestHead | Buffer | null> {
    const limit = this.server.maxHeaderBytes + 4096;
    if (this.lastMethod === 'POST') {
      // Tolerance for old clients: up to 4 CR/LF after a POST body (SRV-56).
      while (this.avail() < 4 && !this.eof && !this.timedOut) await this.more();
      this.coalesce();
      let k = 0;
      while (k < 4 && k < this.avail() && (this.pending[this.pos + k] === 0x0d || this.pending[this.pos + k] === 0x0a)) k++;
      this.pos += k;
    }
    try {
      return await this.readHeadPieces(limit);
    } finally {
      this.headBuf = null;
    }
  }

  private async readHeadPieces(limit: number): Promise<RequestHead | Buffer | null> {
    // Where to resume scanning and checking lines, relative to the head's start (gathering moves it to offset 0).
    let scanFrom = 0;
    let checkedTo = 0;
    for (;;) {
      this.gather();
      const buf = this.pending;
      const start = this.pos;
      const avail = buf.length - start;
      const end = findHeadEnd(buf, start, start + Math.min(avail, limit), start + scanFrom);
      if (end !== -1) {
        const head = parseHead(buf, start, end);
        this.pos = end;
        return head === null ? reply400 : head;
      }
      if (checkedTo >= 0) {
        // A bad request line or field is answered once Go's reader would have met it, without waiting for the
        // rest of the head (SRV-111); the lines already checked are not checked again.
        checkedTo = checkPartialHead(buf, start, start + Math.min(avail, limit), start + checkedTo);
        if (checkedTo === -1) return reply400;
        checkedTo -= start;
      }
      if (avail >= limit) return reply431;
      if (this.timedOut) return avail > 0 ? this.partialOnTimeout(buf, start, avail) : null;
      if (this.eof) {
        if (this.readErr !== null && this.readErr !== ErrReadTimeout) return null;
        return avail > 0 ? reply400 : null; // SRV-71
      }
      scanFrom = resumePoint(buf, start, buf.length) - start;
      await this.more();
    }
  }

  // SRV-70: at a timeout the line cut short is read as if it had ended, the request line as a header line (Go's
  // line reader hands back the partial line): a bad line gets the 400, a good one a silent close.
  private partialOnTimeout(buf: Buffer, start: number, avail: number): Buffer | null {
    const cut = buf[start + avail - 1] === 0x0a ? ENDED : CUT_SHORT;
    const got = Buffer.concat([buf.subarray(start, start + avail), cut]);
    return checkPartialHead(got, 0, got.length, 0) === -1 ? reply400 : null;
  }

  /**
   * Waits until the socket has sent what it holds: true then, false when it closed, or when the write deadline
   * passed first (the socket is then destroyed, as Go's write fails at its deadline).
   */
  private drained(): Promise<boolean> {
    const s = this.socket;
    return new Promise<boolean>((resolve) => {
      let timer: NodeJS.Timeout | null = null;
      const done = (ok: boolean): void => {
        s.off('drain', onDrain);
        s.off('close', onClose);
        if (timer !== null) clearTimeout(timer);
        resolve(ok);
      };
      const onDrain = (): void => done(true);
      const onClose = (): void => done(false);
      s.on('drain', onDrain);
      s.on('close', onClose);
      if (this.writeDeadlineAt > 0) {
        timer = setTimeout(() => {
          this.writeFailed = true;
          s.destroy();
          done(false);
        }, Math.max(0, this.writeDeadlineAt - Date.now()));
      }
    });
  }
  private writeDeadlineAt = 0;

  private armWriteTimeout(ms: number): void {
    this.writeDeadlineAt = Date.now() + ms;
    this.writeExpired = false;
    if (this.writeTimer !== null) clearTimeout(this.writeTimer);
    this.writeTimer = setTimeout(() => {
      this.writeTimer = null;
      this.writeExpired = true;
    }, ms);
  }

  /**
   * @internal ResponseController.setReadDeadline (RSP-92, RSP-93): replaces the deadline of this request's reads,
   * the server's ReadTimeout included; a new deadline lets reads go on after a timeout, as a socket's does.
   */
  handlerReadDeadline(at: number): void {
    this.setReadDeadline(at);
    this.timedOut = false;
    if (this.readErr === ErrReadTimeout) this.readErr = null;
    // A body read already waiting: the new deadline applies to it now.
    if (this.waiter !== null && !this.armReadDeadline()) this.wake();
  }

  /**
   * @internal ResponseController.setWriteDeadline (RSP-92, RSP-93): replaces the server's WriteTimeout for this
   * response. Past it, the connection is closed when the handler returns, without what was not yet sent.
   */
  handlerWriteDeadline(at: number): void {
    if (this.writeTimer !== null) {
      clearTimeout(this.writeTimer);
      this.writeTimer = null;
    }
    this.writeExpired = false;
    if (at === 0) return;
    const ms = at - Date.now();
    if (ms <= 0) this.writeExpired = true;
    else this.armWriteTimeout(ms);
  }

  private clearTimers(): void {
    if (this.deadlineTimer !== null) clearTimeout(this.deadlineTimer);
    if (this.writeTimer !== null) clearTimeout(this.writeTimer);
    this.deadlineTimer = this.writeTimer = null;
  }

  /**
   * Runs one request; returns whether the connection may serve another. A plain boolean when nothing had to be
   * awaited (a synchronous handler whose response left at once), so the loop pays no promise for it.
   */
  private serveRequest(req: Request, info: RequestInfo): boolean | Promise<boolean> {
    const framing = info.framing;
    req.remoteAddr = this.remoteAddr;
    if (this.tlsInfo !== undefined) req.tls = this.tlsInfo;
    this.reqCancel = null;
    this.reqCancelled = false;
    this.timedOut = false;
    req.ctxSource = this;
    // A request without a body shares the connection's one body of that kind: nothing changes it (it is at its end
    // from the start, and never handed to the handler, whose r.body is NoBody).
    const body = framing.kind === 'none' ? (this.noBody ??= new ConnBody(this, framing, null)) : new ConnBody(this, framing, req);
    this.bodyDone = framing.kind === 'none';
    this.watchGone = false;
    // A class, not an object literal: V8 pretenures a literal's allocation site once its objects outlive a
    // scavenge, after which every request's state was allocated in old space and the GC cost tripled.
    const st = new RequestState(this, req, body, info);
    if (info.expectContinue && framing.kind !== 'none') {
      // 100 Continue on the first body read, unless a response was written first (SRV-92).
      body.beforeFirstRead = () => st.writeContinue();
    }
    const w = (st.w = new Response(st, req));
    req.body = body.asBody();
    if (this.bodyDone) this.watchGone = true;
    if (info.expectUnsupported) return this.refuseExpectation(st);
    // Run the handler; a throw or rejection is Go's panic (SRV-97).
    let ret;
    try {
      ret = this.server.handler.serveHTTP(w, req);
    } catch (err) {
      return this.handlerReturned(st, true, err);
    }
    // Only undefined is common; anything else goes through handlerPromise (null from `(w) => w.write('x')`).
    if (ret !== undefined) {
      const p = handlerPromise(ret, this.logLine, req);
      if (p !== null) {
        this.serving = st;
        return Promise.resolve(p).then(this.handlerDone, this.handlerFailed);
      }
    }
    return this.handlerReturned(st, false, undefined);
  }

  // SRV-93: any Expect other than 100-continue.
  private async refuseExpectation(st: RequestState): Promise<boolean> {
    const w = st.w;
    w.header().set('Connection', 'close');
    w.writeHeader(417);
    w.finish();
    if (st.done !== null) await st.done;
    return false;
  }

  // After the handler: finish the response (Go's finishRequest) and decide on reuse.
  private handlerReturned(st: RequestState, panicked: boolean, panicValue: unknown): boolean | Promise<boolean> {
    const gone = this.reqCancelled;
    this.cancelRequest();
    st.reqBody.closeForHandler();
    if (this.hijacked) return false;
    if (panicked && !answerEscaped(st.w, panicValue)) {
      // An abort of the request's own cancelled context (the client left) ends the handler quietly (SRV-95).
      this.handlePanic(gone && isAbortError(panicValue) ? ErrAbortHandler : panicValue, st.w, st);
      return false;
    }
    if (this.writeExpired) {
      this.writeFailed = true;
      this.socket.destroy();
      return false;
    }
    st.w.finish();
    const mf = st.req.multipartForm;
    if (st.done !== null || (mf !== null && typeof mf.removeAll === 'function')) return this.finishSlowly(st);
    const closing = st.reqBody.closeForReuse(st.req.close);
    if (closing !== undefined) return closing.then(() => this.reusable(st));
    return this.reusable(st);
  }

  // The same, when the response waits for the request body (SRV-86) or a multipart form must be removed.
  private async finishSlowly(st: RequestState): Promise<boolean> {
    if (st.done !== null) await st.done;
    const closing = st.reqBody.closeForReuse(st.req.close);
    if (closing !== undefined) await closing;
    // Temporary files of a parsed multipart form go when the handler is done, as in Go's finishRequest.
    const mf = st.req.multipartForm;
    if (mf !== null && typeof mf.removeAll === 'function') await mf.removeAll().catch(() => undefined);
    return this.reusable(st);
  }

  private reusable(st: RequestState): boolean | Promise<boolean> {
    if (this.writeTimer !== null) {
      clearTimeout(this.writeTimer);
      this.writeTimer = null;
    }
    const body = st.reqBody;
    const reuse = !st.closeAfterReply && st.w.lengthSatisfied() && !this.writeFailed && !body.earlyClose && !body.failed;
    if (!reuse) {
      if (st.limitHit || body.earlyClose) return this.closeWriteAndWait().then(() => false);
      return false;
    }
    return !this.closed && !this.socket.destroyed;
  }

  private handlePanic(v: unknown, w: Response, sink: NativeSink): void {
    const line = panicLine(this.remoteAddr, v);
    if (line !== null) this.server.logf(line);
    w.discardBuffered();
    sink.flushForAbort();
  }

  /**
   * @internal For RequestState. The socket goes to the handler with any bytes already received after the request
   * (RSP-85); the server forgets it and reports StateHijacked, its last state (SRV-44).
   */
  hijack(w: Response, sink: NativeSink): { conn: Socket } {
    w.sendHeadForHijack();
    sink.flushForAbort();
    this.hijacked = true;
    this.clearTimers();
    const s = this.socket;
    s.pause();
    s.removeAllListeners('data');
    s.removeAllListeners('end');
    s.removeAllListeners('close');
    s.removeAllListeners('error');
    s.on('error', () => {});
    this.coalesce();
    if (this.avail() > 0) s.unshift(Buffer.from(this.pending.subarray(this.pos)));
    this.pending = EMPTY;
    this.pos = 0;
    this.server.untrack(this);
    this.setState(StateHijacked);
    return { conn: s };
  }

  /** Half-closes, lingers 500 ms so the client reads the reply, then closes (Go's closeWriteAndWait). */
  private async closeWriteAndWait(): Promise<void> {
    if (this.socket.destroyed) return;
    this.socket.end();
    await new Promise((r) => setTimeout(r, 500).unref());
  }

  private closeSocket(): void {
    if (this.closed) return;
    this.closed = true;
    const s = this.socket;
    if (s.destroyed) return;
    if (s.writableEnded) {
      s.destroy();
      return;
    }
    s.end(() => s.destroy());
    // A peer that stops reading must not keep the socket alive forever.
    setTimeout(() => s.destroy(), 5000).unref();
  }

  /** Closes the connection now (Server.close and idle closes). */
  close(): void {
    this.cancelConnIfGone();
    this.closed = true;
    this.socket.destroy();
  }

  // ---- body plumbing used by ConnBody ----

  /** @internal The current chunk; the next queued one once this one is used up. */
  bufView(): [Buffer, number, number] {
    if (this.pos >= this.pending.length && this.queue.length > 0) {
      this.pending = this.queue.shift()!;
      this.queued -= this.pending.length;
      this.pos = 0;
    } else if (this.pending === readView) {
      // Body bytes go to the handler, who may keep them: its own copy, not the shared read buffer's.
      this.pending = copyChunk(this.pending.subarray(this.pos));
      this.pos = 0;
    }
    return [this.pending, this.pos, this.pending.length];
  }
  /** @internal The next `n` bytes of input as UTF-8 text when the current chunk holds them (no copy made of them). */
  takeText(n: number): string | undefined {
    if (this.pending.length - this.pos < n) return undefined;
    const s = (this.pending as unknown as { utf8Slice(a: number, b: number): string }).utf8Slice(this.pos, this.pos + n);
    this.advance(n);
    return s;
  }
  /** @internal Whether the conn's input still sees memory of `ab` (a body piece must not be reused then). */
  holds(ab: ArrayBufferLike): boolean {
    return this.hijacked || this.pending.buffer === ab || this.queue.some((c) => c.buffer === ab);
  }
  /** @internal */ advance(n: number): void {
    this.pos += n;
    this.consumed();
  }
  /** @internal */ setPos(p: number): void {
    this.pos = p;
    this.consumed();
  }
  /** @internal */ atEOF(): boolean {
    return this.eof;
  }
  /** @internal */ readError(): Error | null {
    if (this.timedOut) return ErrReadTimeout;
    return this.readErr;
  }
  /**
   * @internal The body reader needs more than the current chunk: join what is left of it with the next queued
   * chunk (a chunk-size line cut in two), or wait for input.
   */
  waitMore(): Promise<void> {
    if (this.queue.length > 0) {
      const next = this.queue.shift()!;
      this.queued -= next.length;
      this.pending = this.pos < this.pending.length ? Buffer.concat([this.pending.subarray(this.pos), next]) : next;
      this.pos = 0;
      return Promise.resolve();
    }
    return this.more();
  }
  /** @internal Called when the request body was read to its end. */
  bodyFinished(): void {
    this.bodyDone = true;
    this.watchGone = true;
    if (this.eof) this.cancelRequest();
  }
}

const EMPTY = Buffer.alloc(0);

/**
 * The read buffer every plain TCP connection reads into (node:http's parser reads into one buffer too): a read
 * costs no allocation, where node:net's 'data' path allocates a 64 KiB backing store per read, shrinks it and wraps
 * it in a Buffer, then schedules a tick. One buffer serves every connection because its bytes are used, or copied
 * out, before the read's callback returns (see Conn.onRead).
 */
const SHARED = Buffer.allocUnsafeSlow(64 << 10);
// The last view of SHARED handed to Conn.onRead, reused while reads have one length (a run of like requests).
let sharedView: Buffer = SHARED.subarray(0, 0);
// Views of SHARED for short reads, one per length, made on first use: a read of one request (a few hundred bytes at
// most, of lengths that vary from request to request) makes none. They never leave the conn (see Conn.onRead).
const SMALL_READ = 512;
// The view Conn.onRead is serving from while it runs (null otherwise): the one way a conn's input is SHARED's memory.
let readView: Buffer | null = null;
const smallViews: Array<Buffer | undefined> = new Array<Buffer | undefined>(SMALL_READ + 1).fill(undefined);

// node:net's keys for a socket's user read buffer (its `onread` option, which only client sockets take), found
// on a probe socket by their names; null when this Node has none.
type ReadKeys = { buffer: symbol; callback: symbol; gen: symbol };
let readKeys: ReadKeys | null | undefined;
function findReadKeys(): ReadKeys | null {
  try {
    const opts = { onread: { buffer: Buffer.alloc(1), callback: () => undefined } };
    const probe = new Socket(opts as ConstructorParameters<typeof Socket>[0]);
    const syms = Object.getOwnPropertySymbols(probe);
    const key = (name: string): symbol | undefined => syms.find((k) => k.description === name);
    const buffer = key('kBuffer');
    const callback = key('kBufferCb');
    const gen = key('kBufferGen');
    probe.destroy();
    return buffer !== undefined && callback !== undefined && gen !== undefined ? { buffer, callback, gen } : null;
  } catch {
    return null;
  }
}

type UserBufferHandle = { useUserBuffer?(b: Uint8Array): void };

/**
 * Switches an accepted plain TCP socket to reading into {@link SHARED}, `onRead(n)` called with each read's length
 * (what node:net does for a client socket given `onread`); false when the socket is not one this can do safely:
 * TLS, not a node:net socket, or already read by someone else.
 */
function readIntoShared(socket: Socket, onRead: (n: number) => boolean | undefined): boolean {
  const handle = (socket as unknown as { _handle?: UserBufferHandle | null })._handle;
  if (socket.constructor !== Socket || socket instanceof TLSSocket || handle == null || typeof handle.useUserBuffer !== 'function') return false;
  if (socket.readableFlowing !== null || socket.readableLength > 0 || socket.listenerCount('data') > 0) return false;
  if (readKeys === undefined) readKeys = findReadKeys();
  if (readKeys === null) return false;
  const s = socket as unknown as Record<symbol, unknown>;
  s[readKeys.buffer] = SHARED;
  s[readKeys.callback] = onRead;
  s[readKeys.gen] = null;
  handle.useUserBuffer(SHARED);
  return true;
}
const NO_CHUNKS: Buffer[] = Object.freeze([]) as unknown as Buffer[];
// What partialOnTimeout appends: a line end for the line cut short, then a byte that starts a new field line (so
// the last field counts as complete, as Go's reader finds it when its read for a continuation fails).
const CUT_SHORT = Buffer.from('\r\nX', 'latin1');
const ENDED = Buffer.from('X', 'latin1');

/** The request body of a native connection: Content-Length or chunked framing over the conn's input. */
class ConnBody implements BodySource {
  sawEOF: boolean;
  closedEarly = false;
  earlyClose = false;
  failed = false;
  remaining: number;
  beforeFirstRead: (() => void) | null = null;
  private dec: ChunkedDecoder | null;
  // Decoded chunks not yet taken (chunked framing only: the shared empty list otherwise, never added to).
  private queue: Buffer[];
  private body: PullBody | null = null;

  constructor(
    private readonly conn: Conn,
    readonly framing: BodyFraming,
    private readonly req: Request | null,
  ) {
    this.sawEOF = framing.kind === 'none';
    this.remaining = framing.kind === 'length' ? framing.length : 0;
    this.dec = framing.kind === 'chunked' ? new ChunkedDecoder() : null;
    this.queue = this.dec !== null ? [] : NO_CHUNKS;
  }

  asBody(): Body {
    if (this.framing.kind === 'none') return NoBody;
    return (this.body = new PullBody(this));
  }

  private finish(): void {
    this.sawEOF = true;
    this.conn.bodyFinished();
  }

  /** One piece of at most `max` bytes, or null at the end; undefined when more input is needed. */
  private take(max: number): Buffer | null | undefined {
    if (this.sawEOF) return null;
    const c = this.conn;
    if (this.dec === null) {
      const [buf, pos, end] = c.bufView();
      const k = Math.min(end - pos, this.remaining, max);
      if (k <= 0) return undefined;
      this.remaining -= k;
      c.advance(k);
      if (this.remaining === 0) this.finish();
      return buf.subarray(pos, pos + k);
    }
    if (this.queue.length === 0) {
      const [buf, pos, end] = c.bufView();
      const next = this.dec.decode(buf, pos, end, this.queue);
      c.setPos(next);
      if (this.dec.error !== null && this.queue.length === 0) throw this.dec.error;
    }
    if (this.queue.length > 0) {
      const b = this.queue[0];
      if (b.length <= max) {
        this.queue.shift();
        return b;
      }
      this.queue[0] = b.subarray(max);
      return b.subarray(0, max);
    }
    if (this.dec.done) {
      // The trailers received, declared or not, fill r.trailer at the end of the body (REQ-55).
      const t = this.dec.trailer;
      if (t !== null) for (const [k, v] of t.m) this.req!.trailer.setRaw(k, v);
      this.finish();
      return null;
    }
    return undefined;
  }

  async pull(max: number): Promise<Buffer | null> {
    if (this.beforeFirstRead !== null) {
      this.beforeFirstRead();
      this.beforeFirstRead = null;
    }
    for (;;) {
      let r: Buffer | null | undefined;
      try {
        r = this.take(max);
      } catch (err) {
        this.failed = true;
        throw err;
      }
      if (r !== undefined) return r;
      const err = this.conn.readError();
      if (err !== null) {
        this.failed = true;
        throw err;
      }
      if (this.conn.atEOF()) {
        this.failed = true;
        // A declared length cut short counts as the body's end for later reads (Go's body.sawEOF).
        if (this.dec === null) this.finish();
        throw fresh(ErrUnexpectedEOF);
      }
      await this.conn.waitMore();
    }
  }

  // Without waiting: a declared length's bytes already received (chunked bodies, and a first read that owes a
  // 100 Continue, go through pull).
  tryPull(max: number): Buffer | null | undefined {
    return this.dec === null && this.beforeFirstRead === null ? this.take(max) : undefined;
  }

  abandon(): void {
    this.closedEarly = true;
  }

  /** A declared length's whole body as text, straight from the input (readJSON's common case). */
  tryText(n: number): string | undefined {
    if (this.dec !== null || this.beforeFirstRead !== null || this.sawEOF || this.remaining !== n) return undefined;
    const t = this.conn.takeText(n);
    if (t !== undefined) {
      this.remaining = 0;
      this.finish();
    }
    return t;
  }

  /** A piece the body's reader is done with goes back to the copier's spares, unless the input still sees it. */
  recycle(b: Buffer): void {
    if (!this.conn.holds(b.buffer) && !this.queue.some((c) => c.buffer === b.buffer)) recycleChunk(b);
  }

  /** Closes the handler's view of a body already read to its end (reads then reject, as after Go's Body.Close). */
  closeReader(): void {
    this.body?.close();
  }

  /** The handler returned: its reads reject from now on (SRV-86), whatever the conn does with the rest. */
  closeForHandler(): void {
    this.body?.closeForHandler();
  }

  /** Reads and drops up to `limit` bytes looking for the end: 'eof', 'limit' (more remains) or 'error'. */
  discard(limit: number): 'eof' | 'limit' | 'error' | Promise<'eof' | 'limit' | 'error'> {
    let n = 0;
    for (;;) {
      let r: Buffer | null | undefined;
      try {
        r = this.take(limit - n);
      } catch {
        this.failed = true;
        return 'error';
      }
      if (r === null) return 'eof';
      if (r === undefined) break;
      n += r.length;
      if (n >= limit) return 'limit';
    }
    return (async () => {
      for (;;) {
        let r: Buffer | null;
        try {
          r = await this.pull(limit - n);
        } catch {
          return 'error' as const;
        }
        if (r === null) return 'eof' as const;
        n += r.length;
        if (n >= limit) return 'limit' as const;
      }
    })();
  }

  /** Go's body.Close after the handler: look for the end within 256 KiB so the connection can be reused (SRV-91). */
  // Returns a promise only when it must wait for input (the common case, a body read or absent, returns at once).
  closeForReuse(closing: boolean): Promise<void> | undefined {
    if (this.sawEOF || this.failed) return undefined;
    if (closing && this.dec === null) return undefined;
    if (this.dec === null && this.remaining > MAX_POST_HANDLER_READ) {
      this.earlyClose = true;
      return undefined;
    }
    const r = this.discard(MAX_POST_HANDLER_READ);
    if (typeof r === 'string') {
      this.discarded(r);
      return undefined;
    }
    return r.then((res) => this.discarded(res));
  }

  private discarded(res: 'eof' | 'limit' | 'error'): void {
    if (res === 'limit') this.earlyClose = true;
    else if (res === 'error') this.failed = true;
  }
}

/** The key under which a request context holds the connection's local address, `host:port` (SRV-17). */
export const LocalAddrContextKey: unique symbol = Symbol.for('nethttp.LocalAddrContextKey');

// RequestState's bits.
const IS11 = 1;
const IS_HEAD = 2;
const WANTS_10_KEEP_ALIVE = 4;
const WANTS_CLOSE = 8;
const CLOSE_AFTER_REPLY = 16;
const CAN_WRITE_CONTINUE = 32;
const EXPECT_CONTINUE = 64;
const CONTINUE_SENT = 128;
const LIMIT_HIT = 256;
const FULL_DUPLEX = 512;

/** One request on its connection: what the native sink needs to know of it, and the sink itself. */
class RequestState extends NativeSink {
  // Its yes/no state as bits of one number (ten boolean fields cost a word each, per request).
  private bits: number;

  get is11(): boolean {
    return (this.bits & IS11) !== 0;
  }
  get isHEAD(): boolean {
    return (this.bits & IS_HEAD) !== 0;
  }
  get wants10KeepAlive(): boolean {
    return (this.bits & WANTS_10_KEEP_ALIVE) !== 0;
  }
  get wantsClose(): boolean {
    return (this.bits & WANTS_CLOSE) !== 0;
  }
  get closeAfterReply(): boolean {
    return (this.bits & CLOSE_AFTER_REPLY) !== 0;
  }
  set closeAfterReply(v: boolean) {
    this.bits = v ? this.bits | CLOSE_AFTER_REPLY : this.bits & ~CLOSE_AFTER_REPLY;
  }
  get limitHit(): boolean {
    return (this.bits & LIMIT_HIT) !== 0;
  }

  /** Set right after construction (the response needs its sink first). */
  w!: Response;

  constructor(
    private readonly conn: Conn,
    readonly req: Request,
    readonly reqBody: ConnBody,
    info: RequestInfo,
  ) {
    super(conn.socket);
    this.bits =
      (req.protoAtLeast(1, 1) ? IS11 : 0) |
      (req.method === 'HEAD' ? IS_HEAD : 0) |
      (info.wants10KeepAlive ? WANTS_10_KEEP_ALIVE : 0) |
      (info.wantsClose ? WANTS_CLOSE : 0) |
      (info.isH2Preface ? CLOSE_AFTER_REPLY : 0) |
      (info.expectContinue ? CAN_WRITE_CONTINUE | EXPECT_CONTINUE : 0);
  }

  /** Sends 100 Continue on the first body read, unless a response was written first (SRV-92). */
  writeContinue(): void {
    if ((this.bits & (CAN_WRITE_CONTINUE | CONTINUE_SENT)) !== CAN_WRITE_CONTINUE) return;
    this.bits = (this.bits | CONTINUE_SENT) & ~CAN_WRITE_CONTINUE;
    this.socket.write(CONTINUE);
  }

  keepAlivesEnabled(): boolean {
    return this.conn.keepAlivesEnabled();
  }

  requestTooLarge(w: Response): void {
    this.bits |= CLOSE_AFTER_REPLY | LIMIT_HIT;
    if (!w.wroteHeader) w.header().set('Connection', 'close');
  }

  enableFullDuplex(): void {
    this.bits |= FULL_DUPLEX;
  }

  hijack(w: Response): unknown {
    return this.conn.hijack(w, this);
  }

  setReadDeadline(at: number): void {
    this.conn.handlerReadDeadline(at);
  }

  setWriteDeadline(at: number): void {
    this.conn.handlerWriteDeadline(at);
  }

  settleBody(): 'ok' | 'close' | 'too-big' | Promise<'ok' | 'close' | 'too-big'> {
    const body = this.reqBody;
    if (this.req.contentLength === 0 || (this.bits & FULL_DUPLEX) !== 0) return 'ok';
    if ((this.bits & EXPECT_CONTINUE) !== 0) return body.sawEOF ? 'ok' : 'close';
    if (body.closedEarly && !body.sawEOF) {
      // Go's Body.Close already looked for the end within 256 KiB (SRV-89, SRV-91).
      const c = body.discard(MAX_POST_HANDLER_READ);
      const mapClosed = (res: 'eof' | 'limit' | 'error'): 'ok' | 'close' => {
        if (res === 'limit') body.earlyClose = true;
        return res === 'eof' ? 'ok' : 'close';
      };
      return typeof c === 'string' ? mapClosed(c) : c.then(mapClosed);
    }
    if (body.framing.kind === 'length' && body.remaining >= MAX_POST_HANDLER_READ) {
      this.bits |= LIMIT_HIT;
      return 'too-big';
    }
    const r = body.discard(MAX_POST_HANDLER_READ + 1);
    const map = (res: 'eof' | 'limit' | 'error'): 'ok' | 'close' | 'too-big' => {
      if (res === 'eof') {
        // Drained for the head and closed, as Go closes it: a later read fails with ErrBodyReadAfterClose (SRV-86).
        body.closeReader();
        return 'ok';
      }
      if (res === 'limit') {
        this.bits |= LIMIT_HIT;
        return 'too-big';
      }
      return 'close';
    };
    return typeof r === 'string' ? map(r) : r.then(map);
  }

  log(m: string): void {
    this.conn.logf(m);
  }

  disableContinue(): void {
    this.bits &= ~CAN_WRITE_CONTINUE;
  }

  onWriteError(): void {
    this.conn.onWriteError();
  }
}
