/**
 * serveFetch: one Fetch API request through one handler — the fetch carrier's serve step and its sink. The
 * response core decides the head as on every carrier; this sink turns it into a Fetch API `Response`, resolved
 * when the head is decided, whose body is a ReadableStream fed as the handler writes. Imports no node: module.
 * @module
 * Not part of the public API (its declarations are left out of the published types).
 */

import { peerGoneError } from '../errors';
import type { Body } from '../request/body';
import { background, withCancel, type CancelFunc, type Context } from '../context';
import type { Handler } from '../handler';
import { httpDate } from '../internal/date';
import { isASCII } from '../internal/text';
import { logf, panicLine, type Logger } from '../log';
import type { ContextSource, Request } from '../request/request';
import { Response } from '../response/response';
import { fetchHeader, fetchToRequest, type FetchFields } from './fetch-request';
import type { Header } from '../header';
import { NoPanic, runHandler, settleHandler, type HandlerRun } from './serve-run';
import type { ResponseHead, ResponseSink } from '../response/sink';

/** The Fetch API's response and request (the platform's globals), named apart from nethttp's. */
type FetchResponse = globalThis.Response;
type FetchRequest = globalThis.Request;

/**
 * @internal The platform's node:http response (`@hono/node-server` passes it as `env.outgoing`): node:http adds its
 * own `Date` unless `sendDate` is false.
 */
export interface NodeOutgoing {
  sendDate: boolean;
}

/** @internal */
export interface ServeFetchOptions {
  errorLog: Logger | null;
  baseContext: ((request: FetchRequest) => Context) | null;
  /** Bytes the response stream holds before `drained()` waits (its high-water mark). */
  highWaterMark: number;
}

// Statuses whose Fetch API Response may not have a body (Fetch's "null body status"): 205 among them, which Go
// lets carry one.
function nullBodyStatus(status: number): boolean {
  return status === 101 || status === 103 || status === 204 || status === 205 || status === 304;
}

const EMPTY = new Uint8Array(0);

// A binary string's bytes (one byte per character): where a body piece given as a string must be bytes.
const B = (globalThis as { Buffer?: typeof Buffer }).Buffer;
function latin1Bytes(s: string): Uint8Array {
  if (B !== undefined) return B.from(s, 'latin1');
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
function bytesOfPiece(p: Uint8Array | string): Uint8Array {
  return typeof p === 'string' ? latin1Bytes(p) : p;
}

// The last field value found to be ASCII: responses repeat theirs (a Content-Type), and a string compares at once
// with itself where a scan costs some 20 instructions a character.
let asciiSeen = '';
function asciiValue(v: string): boolean {
  if (v === asciiSeen) return true;
  if (!isASCII(v)) return false;
  if (v.length <= 256) asciiSeen = v;
  return true;
}

// The last Content-Length and its text: responses of a route repeat their length.
let lastLength = -1;
let lastLengthText = '';
function lengthText(n: number): string {
  if (n !== lastLength) {
    lastLength = n;
    lastLengthText = String(n);
  }
  return lastLengthText;
}

/**
 * The fetch carrier's sink and the request in flight. When the handler has returned (the common case: the core's
 * finish sends head, body and end at once), the Response gets the whole body at once: the string the handler wrote
 * when the core kept it as one short ASCII string (see bodyString), else one Uint8Array. Otherwise the head is held
 * for one microtask (the handler may still write and end at once) and the Response gets a ReadableStream fed as the
 * handler writes, with the stream's backpressure behind `drained()`. The Response is handed back as it is, without a
 * promise, when it is ready before serveFetch returns.
 */
class FetchExchange implements ResponseSink, HandlerRun, ContextSource, FetchFields {
  /** What happened so far, as bits (see the constants below the class): one field for eleven booleans. */
  private flags = 0;
  private headers: Record<string, string> | [string, string][] | null = null;
  private status = 200;
  /**
   * Body pieces before the Response was made (bytes, or binary strings from bodyString): the first alone (the
   * common case, no array), the rest after it (`pieces`).
   */
  private piece: Uint8Array | string | null = null;
  /** What serveFetch hands back: the Response once known. */
  result: FetchResponse | null = null;
  r!: Request;
  w!: Response;
  /** The body the handler was given (closed for it when it returns, SRV-86). */
  reqBody!: Body;
  // What most requests never set starts on the prototype (see below the class): the instance is a third smaller.
  declare private pieces: (Uint8Array | string)[] | null;
  declare private ctrl: ReadableStreamDefaultController<Uint8Array> | null;
  declare private drainWaiters: (() => void)[] | null;
  declare private cancel: CancelFunc | null;
  declare private goneErr: Error | null;
  /** The error of a panic before the Response, and the callbacks of serveFetch's promise if it waits. */
  declare failure: { err: unknown } | null;
  declare resolve: ((res: FetchResponse) => void) | null;
  declare reject: ((err: unknown) => void) | null;
  /** FetchFields: the request's body is chunked (set only when it is). */
  declare chunkedBody: boolean;

  constructor(
    readonly req: FetchRequest,
    private readonly o: ServeFetchOptions,
    private readonly outgoing: NodeOutgoing | null,
  ) {}

  /** FetchFields: the request's header map, made when the handler first asks. */
  build(): Header {
    return fetchHeader(this.req, this.chunkedBody);
  }

  private settle(res: FetchResponse | null, err?: unknown): void {
    if (res !== null) {
      if (this.resolve !== null) this.resolve(res);
      else this.result = res;
    } else if (this.reject !== null) {
      this.reject(err);
    } else {
      this.failure = { err };
    }
  }

  // ResponseSink

  informational(): void {
    // A Fetch API handler answers with one Response: 1xx responses (103 Early Hints) cannot be sent.
  }

  // The head's fields are read, the object is not kept: where V8 inlines this into the response core, it need not
  // allocate the head at all.
  head(h: ResponseHead): void {
    let f = this.flags | HEAD_DECIDED;
    if (h.head || !h.bodyAllowed) f |= NO_BODY;
    if (h.chunked) f |= CHUNKED;
    this.flags = f;
    let status = h.status;
    if (status < 200 || status > 599) status = this.unsendable(status);
    this.status = status;
    // Date: node:http under the platform writes the same field itself (IMF-fixdate, the current second) unless told
    // not to, which a Date key without values requires (RSP-31); elsewhere it is added here. The automatic fields
    // are never among the handler's lines (the core adds them only where the header has none).
    const out = this.outgoing;
    let date: string | null = null;
    if (out === null || !out.sendDate) {
      if (h.date) date = httpDate();
    } else if (!h.date) {
      out.sendDate = false;
    }
    const lines = h.lines;
    const cl = h.autoContentLength >= 0 ? lengthText(h.autoContentLength) : null;
    const ct = h.contentType;
    if (date === null && cl !== null) {
      // The two commonest heads under node:http, as literals of one shape each: a sniffed type, or a type the
      // handler set and nothing else (writeJSON).
      if (lines.length === 0 && ct !== null) {
        this.headers = { 'Content-Length': cl, 'Content-Type': ct };
        this.flags |= STRING_OK;
        this.queueCommit();
        return;
      }
      if (lines.length === 2 && ct === null && lines[0] === 'Content-Type') {
        this.headers = { 'Content-Type': lines[1], 'Content-Length': cl };
        if (asciiValue(lines[1])) this.flags |= STRING_OK;
        this.queueCommit();
        return;
      }
    }
    this.headFromLines(lines, date, cl, ct);
  }

  // The Fetch API has no Response for 1xx (101) or past 599.
  private unsendable(status: number): number {
    this.log(`http: status ${status} cannot be sent on the fetch carrier; sent as 500`);
    return 500;
  }

  // Any other head: the handler's lines and the automatic fields.
  private headFromLines(lines: string[], date: string | null, cl: string | null, ct: string | null): void {
    // A plain object when every field is single (what platforms such as @hono/node-server take fastest), else
    // pairs. Values are bytes as binary strings (one character per byte): what Headers holds, and what a platform
    // writes.
    // A literal (not a null-prototype object, which V8 keeps in slow dictionary mode): a repeated key, or one the
    // prototype has (`__proto__`, `constructor`…), sends everything as pairs instead.
    const obj: Record<string, string> = {};
    let pairs: [string, string][] | null = null;
    let typed = ct !== null;
    let ascii = true;
    for (let i = 0; i + 1 < lines.length; i += 2) {
      const k = lines[i];
      const v = lines[i + 1];
      if (k.length === 12 && (k === 'Content-Type' || k.toLowerCase() === 'content-type')) typed = true;
      if (ascii && !asciiValue(v)) ascii = false;
      if (pairs === null && !(k in obj)) obj[k] = v;
      else (pairs ??= Object.entries(obj)).push([k, v]);
    }
    if (date !== null) obj.Date = date;
    if (cl !== null) obj['Content-Length'] = cl;
    if (ct !== null) obj['Content-Type'] = ct;
    if (pairs !== null) {
      if (date !== null) pairs.push(['Date', date]);
      if (cl !== null) pairs.push(['Content-Length', cl]);
      if (ct !== null) pairs.push(['Content-Type', ct]);
    }
    this.headers = pairs ?? obj;
    if (typed && ascii) this.flags |= STRING_OK;
    this.queueCommit();
  }

  // The Response is made when the handler returns (end) or, if it goes on, one microtask after the head.
  private queueCommit(): void {
    if ((this.flags & (COMMIT_QUEUED | FINISHING)) === 0) {
      this.flags |= COMMIT_QUEUED;
      queueMicrotask(() => this.commit());
    }
  }

  body(data: Buffer): void {
    if ((this.flags & GONE) !== 0) return;
    if (this.ctrl !== null) this.ctrl.enqueue(data);
    else this.hold(data);
  }

  // A body the handler wrote as one short ASCII string: kept as the string, so that a finished response hands the
  // platform a string body (@hono/node-server then writes head and body in one string write).
  bodyString(data: string): void {
    if ((this.flags & GONE) !== 0) return;
    if (this.ctrl !== null) this.ctrl.enqueue(latin1Bytes(data));
    else this.hold(data);
  }

  private hold(p: Uint8Array | string): void {
    if (this.piece === null) this.piece = p;
    else (this.pieces ??= []).push(p);
  }

  private dropPieces(): void {
    this.piece = null;
    // Written only when set: the common instance keeps null on the prototype.
    if (this.pieces !== null) this.pieces = null;
  }

  flush(): void {
    // The head went to head(); what was written is in the stream already. The platform writes as it reads.
  }

  end(): void {
    // Trailers: the Fetch API has none to send.
    this.flags |= ENDED;
    if ((this.flags & COMMITTED) === 0) this.commit();
    else if (this.ctrl !== null && (this.flags & GONE) === 0) this.ctrl.close();
  }

  peerGone(): Error | null {
    if (this.goneErr === null && (this.flags & PEER_LEFT) !== 0) this.goneErr = peerGoneError();
    return this.goneErr;
  }

  drained(): Promise<void> {
    // Nothing handed over yet (the core still buffers), the response over, or nobody reading: nothing to wait for.
    if ((this.flags & (GONE | ENDED)) !== 0 || (this.flags & HEAD_DECIDED) === 0) return Promise.resolve();
    const c = this.ctrl;
    if ((this.flags & COMMITTED) !== 0 && (c === null || (c.desiredSize ?? 1) > 0)) return Promise.resolve();
    return new Promise((resolve) => (this.drainWaiters ??= []).push(resolve));
  }

  log(message: string): void {
    logf(this.o.errorLog, message);
  }

  // The Response, once: a whole body when the handler has finished and the head chose no chunking; otherwise a stream.
  private commit(): void {
    const f = this.flags;
    if ((f & COMMITTED) !== 0 || (f & HEAD_DECIDED) === 0) return;
    this.flags = f | COMMITTED;
    const init = { status: this.status, headers: this.headers! };
    let body: Uint8Array | string | ReadableStream<Uint8Array> | null = null;
    if ((f & NO_BODY) !== 0 || nullBodyStatus(this.status)) {
      this.dropPieces();
      this.flags |= GONE; // nothing more is sent
    } else if ((f & (ENDED | CHUNKED)) === ENDED) {
      const p = this.piece;
      // A string only where STRING_OK says it is sent as it is.
      body = p === null ? EMPTY : this.pieces !== null ? concat([p, ...this.pieces]) : typeof p === 'string' && (this.flags & STRING_OK) === 0 ? latin1Bytes(p) : p;
      this.dropPieces();
    } else {
      body = this.stream();
    }
    let res: FetchResponse;
    try {
      res = new globalThis.Response(body, init);
    } catch (err) {
      this.settle(null, err);
      return;
    }
    this.settle(res);
    this.wake();
  }

  // A stream with a byte high-water mark: enqueue never blocks, desiredSize says when the platform fell behind.
  private stream(): ReadableStream<Uint8Array> {
    return new ReadableStream<Uint8Array>(
      {
        start: (c) => {
          this.ctrl = c;
          if (this.piece !== null) c.enqueue(bytesOfPiece(this.piece));
          if (this.pieces !== null) for (const p of this.pieces) c.enqueue(bytesOfPiece(p));
          this.dropPieces();
          if ((this.flags & ENDED) !== 0) c.close();
        },
        pull: () => this.wake(),
        cancel: () => {
          // The platform stopped reading: the client went away (Go's CloseNotify), so the request is cancelled.
          this.flags |= GONE | PEER_LEFT;
          this.ctrl = null;
          this.clientGone();
          this.wake();
        },
      },
      { highWaterMark: this.o.highWaterMark, size: (chunk) => chunk.byteLength },
    );
  }

  private wake(): void {
    const ws = this.drainWaiters;
    if (ws === null) return;
    const c = this.ctrl;
    if ((this.flags & GONE) === 0 && c !== null && (c.desiredSize ?? 1) <= 0) return;
    this.drainWaiters = null;
    for (const f of ws) f();
  }

  // ContextSource: cancelled when request.signal aborts, when the response stream is cancelled, or when the
  // handler returns (Go's rule).
  requestContext(): Context {
    const o = this.o;
    const [ctx, c] = withCancel(o.baseContext !== null ? o.baseContext(this.req) : background());
    this.cancel = c;
    const signal = this.req.signal;
    if ((this.flags & (OVER | GONE)) !== 0 || signal.aborted) {
      c();
    } else {
      signal.addEventListener('abort', () => this.clientGone(), { once: true });
    }
    return ctx;
  }

  private clientGone(): void {
    if ((this.flags & OVER) !== 0) return;
    this.flags |= OVER;
    this.cancel?.();
  }

  // HandlerRun

  done(panicked: boolean, err: unknown): void {
    const clientGone = (this.flags & OVER) !== 0;
    this.flags |= OVER;
    this.cancel?.();
    const w = this.w;
    err = settleHandler(w, this.r, this.reqBody, clientGone, panicked, err);
    if (err === NoPanic) {
      this.flags |= FINISHING;
      w.finish();
      return;
    }
    w.discardBuffered();
    w.handlerDone = true;
    const line = panicLine(this.r.remoteAddr, err);
    if (line !== null) this.log(line);
    // Go aborts the connection: before the Response, its promise rejects (the platform answers it, usually 500);
    // after, the body stream errors (the platform cuts the response).
    this.dropPieces();
    if ((this.flags & COMMITTED) === 0) {
      this.flags |= COMMITTED;
      this.settle(null, err);
    } else if (this.ctrl !== null && (this.flags & GONE) === 0) {
      this.flags |= GONE;
      this.ctrl.error(err);
    }
    this.wake();
  }
}

// FetchExchange's flags.
/**
 * A body kept as a string may be given as one: the head carries a Content-Type (a string body would otherwise get
 * the Fetch API's text/plain) and only ASCII (node:http writes a head before a string body as UTF-8, so a field's
 * byte >= 0x80 would be sent as two).
 */
const STRING_OK = 1;
/** The Response was handed to the platform. */
const COMMITTED = 2;
/** The core ended the response. */
const ENDED = 4;
/** The platform cancelled the body stream (the client went away): writes are dropped. */
const GONE = 8;
/** The commit waits for a microtask. */
const COMMIT_QUEUED = 16;
/** The request is over for the context: the handler returned or the client left. */
const OVER = 32;
/** The handler returned: the core's finish follows at once, so the head waits for end() rather than a microtask. */
const FINISHING = 64;
/** The platform cancelled the body stream (peerGone then answers with an error). */
const PEER_LEFT = 128;
/** The core decided the head (head() ran). */
const HEAD_DECIDED = 256;
/** The head allows no body: a HEAD request, or a status without one. */
const NO_BODY = 512;
/** The core chose chunking: the handler goes on writing past the head. */
const CHUNKED = 1024;

Object.assign(FetchExchange.prototype, {
  pieces: null,
  ctrl: null,
  drainWaiters: null,
  cancel: null,
  goneErr: null,
  failure: null,
  resolve: null,
  reject: null,
  chunkedBody: false,
});

function concat(pieces: (Uint8Array | string)[]): Uint8Array {
  const parts = pieces.map(bytesOfPiece);
  let n = 0;
  for (const p of parts) n += p.byteLength;
  const out = new Uint8Array(n);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.byteLength;
  }
  return out;
}

/**
 * @internal Serves one fetch request `req` (converted by fetchToRequest; `remoteAddr` the client's address, "" when
 * unknown; a target Go refuses is answered 400) with `h`: the Response itself
 * when the handler finished before serveFetch returns (as a Hono app's fetch does, so that a platform such as
 * @hono/node-server writes it at once, without a promise turn); else a promise that resolves with the Response as
 * soon as the head is decided. A panic before the head is a rejected promise. `outgoing`: the platform's node:http
 * response, when there is one (it then writes Date).
 */
export function serveFetch(h: Handler, req: FetchRequest, remoteAddr: string, o: ServeFetchOptions, outgoing: NodeOutgoing | null): FetchResponse | Promise<FetchResponse> {
  const x = new FetchExchange(req, o, outgoing);
  // The exchange is the source of the request's header map (no object of its own per request).
  const r = fetchToRequest(req, remoteAddr, x);
  if (r === null) {
    // A target Go refuses: answered as Go's server answers it (SRV-63).
    return new globalThis.Response('400 Bad Request', { status: 400, headers: { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' } });
  }
  x.r = r;
  const w = new Response(x, r);
  x.w = w;
  x.reqBody = r.body;
  r.ctxSource = x;
  runHandler(h, w, r, x);
  // A synchronous handler has answered already: no promise for it.
  if (x.result !== null) return x.result;
  if (x.failure !== null) return Promise.reject(x.failure.err);
  return new Promise<FetchResponse>((resolve, reject) => {
    x.resolve = resolve;
    x.reject = reject;
  });
}
