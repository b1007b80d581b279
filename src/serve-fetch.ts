/**
 * serveFetch: one Fetch API request through one handler — the fetch carrier's serve step and its sink. The
 * response core decides the head as on every carrier; this sink turns it into a Fetch API `Response`, resolved
 * when the head is decided, whose body is a ReadableStream fed as the handler writes. Imports no node: module.
 * @module
 * Not part of the public API (its declarations are left out of the published types).
 */

import { peerGoneError } from './errors';
import type { Body } from './body';
import { background, withCancel, type CancelFunc, type Context } from './context';
import type { Handler } from './handler';
import { httpDate } from './internal/date';
import { logf, panicLine, type Logger } from './log';
import type { ContextSource, Request } from './request';
import { Response } from './response';
import { runHandler, settleHandler, type HandlerRun } from './serve-run';
import type { ResponseHead, ResponseSink } from './sink';

/** The Fetch API's response and request (the platform's globals), named apart from nethttp's. */
type FetchResponse = globalThis.Response;
type FetchRequest = globalThis.Request;

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

/**
 * The fetch carrier's sink and the request in flight. The head is held for one microtask: when the handler has
 * returned by then (the common case: the core's finish sends head, body and end at once), the Response gets the whole
 * body as one Uint8Array; otherwise (a flush, a large write, a handler still running) it gets a ReadableStream fed as
 * the handler writes, with the stream's backpressure behind `drained()`.
 */
class FetchExchange implements ResponseSink, HandlerRun, ContextSource {
  private head0: ResponseHead | null = null;
  private headers: [string, string][] | null = null;
  private status = 200;
  /** Body pieces before the Response was made. */
  private pieces: Uint8Array[] = [];
  private ctrl: ReadableStreamDefaultController<Uint8Array> | null = null;
  /** The Response was handed to the platform. */
  private committed = false;
  private ended = false;
  /** The platform cancelled the body stream (the client went away): writes are dropped. */
  private gone = false;
  private commitQueued = false;
  private drainWaiters: (() => void)[] | null = null;
  private cancel: CancelFunc | null = null;
  private over = false;
  w!: Response;
  /** The body the handler was given (closed for it when it returns, SRV-86). */
  reqBody!: Body;

  constructor(
    private readonly req: FetchRequest,
    private readonly r: Request,
    private readonly o: ServeFetchOptions,
    private readonly resolve: (res: FetchResponse) => void,
    private readonly reject: (err: unknown) => void,
  ) {}

  // ResponseSink

  informational(): void {
    // A Fetch API handler answers with one Response: 1xx responses (103 Early Hints) cannot be sent.
  }

  head(h: ResponseHead): void {
    this.head0 = h;
    let status = h.status;
    if (status < 200 || status > 599) {
      // The Fetch API has no Response for 1xx (101) or past 599.
      this.log(`http: status ${status} cannot be sent on the fetch carrier; sent as 500`);
      status = 500;
    }
    this.status = status;
    const out: [string, string][] = [];
    const lines = h.lines;
    // Values are bytes as binary strings (one character per byte): what Headers holds, and what a platform writes.
    for (let i = 0; i + 1 < lines.length; i += 2) out.push([lines[i], lines[i + 1]]);
    if (h.date) out.push(['Date', httpDate()]);
    if (h.autoContentLength >= 0) out.push(['Content-Length', String(h.autoContentLength)]);
    if (h.contentType !== null) out.push(['Content-Type', h.contentType]);
    this.headers = out;
    if (!this.commitQueued) {
      this.commitQueued = true;
      queueMicrotask(() => this.commit());
    }
  }

  body(data: Buffer): void {
    if (this.gone) return;
    if (this.ctrl !== null) this.ctrl.enqueue(data);
    else this.pieces.push(data);
  }

  flush(): void {
    // The head went to head(); what was written is in the stream already. The platform writes as it reads.
  }

  end(): void {
    // Trailers: the Fetch API has none to send.
    this.ended = true;
    if (!this.committed) this.commit();
    else if (this.ctrl !== null && !this.gone) this.ctrl.close();
  }

  private peerLeft = false;
  private goneErr: Error | null = null;
  peerGone(): Error | null {
    if (this.goneErr === null && this.peerLeft) this.goneErr = peerGoneError();
    return this.goneErr;
  }

  drained(): Promise<void> {
    // Nothing handed over yet (the core still buffers), the response over, or nobody reading: nothing to wait for.
    if (this.gone || this.ended || this.head0 === null) return Promise.resolve();
    const c = this.ctrl;
    if (this.committed && (c === null || (c.desiredSize ?? 1) > 0)) return Promise.resolve();
    return new Promise((resolve) => (this.drainWaiters ??= []).push(resolve));
  }

  log(message: string): void {
    logf(this.o.errorLog, message);
  }

  // The Response, once: a whole body when the handler has finished and the head chose no chunking; otherwise a stream.
  private commit(): void {
    if (this.committed || this.head0 === null) return;
    this.committed = true;
    const h = this.head0;
    const init = { status: this.status, headers: this.headers! };
    let body: Uint8Array | ReadableStream<Uint8Array> | null = null;
    if (h.head || !h.bodyAllowed || nullBodyStatus(this.status)) {
      this.pieces = [];
      this.gone = true; // nothing more is sent
    } else if (this.ended && !h.chunked) {
      body = this.pieces.length === 0 ? EMPTY : this.pieces.length === 1 ? this.pieces[0] : concat(this.pieces);
      this.pieces = [];
    } else {
      body = this.stream();
    }
    let res: FetchResponse;
    try {
      res = new globalThis.Response(body, init);
    } catch (err) {
      this.reject(err);
      return;
    }
    this.resolve(res);
    this.wake();
  }

  // A stream with a byte high-water mark: enqueue never blocks, desiredSize says when the platform fell behind.
  private stream(): ReadableStream<Uint8Array> {
    return new ReadableStream<Uint8Array>(
      {
        start: (c) => {
          this.ctrl = c;
          for (const p of this.pieces) c.enqueue(p);
          this.pieces = [];
          if (this.ended) c.close();
        },
        pull: () => this.wake(),
        cancel: () => {
          // The platform stopped reading: the client went away (Go's CloseNotify), so the request is cancelled.
          this.gone = true;
          this.peerLeft = true;
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
    if (!this.gone && c !== null && (c.desiredSize ?? 1) <= 0) return;
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
    if (this.over || this.gone || signal.aborted) {
      c();
    } else {
      signal.addEventListener('abort', () => this.clientGone(), { once: true });
    }
    return ctx;
  }

  private clientGone(): void {
    if (this.over) return;
    this.over = true;
    this.cancel?.();
  }

  // HandlerRun

  done(panicked: boolean, err: unknown): void {
    const clientGone = this.over;
    this.over = true;
    this.cancel?.();
    const w = this.w;
    ({ panic: panicked, err } = settleHandler(w, this.r, this.reqBody, clientGone, panicked, err));
    if (!panicked) {
      w.finish();
      return;
    }
    w.discardBuffered();
    w.handlerDone = true;
    const line = panicLine(this.r.remoteAddr, err);
    if (line !== null) this.log(line);
    // Go aborts the connection: before the Response, its promise rejects (the platform answers it, usually 500);
    // after, the body stream errors (the platform cuts the response).
    this.pieces = [];
    if (!this.committed) {
      this.committed = true;
      this.reject(err);
    } else if (this.ctrl !== null && !this.gone) {
      this.gone = true;
      this.ctrl.error(err);
    }
    this.wake();
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
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
 * @internal Serves one fetch request, already converted to `r` (see fetchToRequest), with `h`; resolves with the
 * Response as soon as the head is decided, and rejects when the handler panicked before that.
 */
export function serveFetch(h: Handler, r: Request, req: FetchRequest, o: ServeFetchOptions): Promise<FetchResponse> {
  return new Promise<FetchResponse>((resolve, reject) => {
    const x = new FetchExchange(req, r, o, resolve, reject);
    const w = new Response(x, r);
    x.w = w;
    x.reqBody = r.body;
    r.ctxSource = x;
    runHandler(h, w, r, x);
  });
}
