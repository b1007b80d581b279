/**
 * serveNode: one Node request through one handler — the Node carrier's version of the native conn's
 * serve step (build the Request, run the handler, treat a throw as Go's panic, finish the response).
 * @module
 * Not part of the public API (its declarations are left out of the published types).
 */

import type { ServerResponse } from 'node:http';
import { constants as h2constants } from 'node:http2';
import { background, withCancel, type CancelFunc, type Context } from '../context';
import type { Handler } from '../handler';
import { logf, panicLine, type Logger } from '../log';
import { releaseNodeBody, type NodeRequest } from './node-request';
import { NodeSink, type NodeResponse } from './node-sink';
import type { SinkResponse } from '../response/sink';
import { NoBody, PullBody, type Body } from '../request/body';
import type { ContextSource, Exchange, Request } from '../request/request';
import { Response } from '../response/response';
import { NoPanic, runHandler, settleHandler, type HandlerRun } from './serve-run';

/** @internal */
export interface ServeNodeOptions {
  errorLog: Logger | null;
  baseContext: ((req: NodeRequest) => Context) | null;
  /** When set, a throw goes here (Express's `next(err)`) instead of being logged and aborting the connection. */
  onThrow: ((err: unknown) => void) | null;
  /**
   * Express's `next`: when set, the request gets an {@link Exchange} (so handlers can decline it and reach the
   * Express objects), and a declined request is passed on here when the handler returns.
   */
  onDecline?: (() => void) | null;
  /** The mount path Express took off the URL (`req.baseUrl`). */
  mount?: string;
  /** A raw connection the handler may hijack (a Node `'upgrade'` event's socket): the sink's hijack. */
  hijack?: ((w: SinkResponse, sink: NodeSink) => unknown) | null;
}

interface ContinueState {
  _expect_continue?: boolean;
  _sent100?: boolean;
}

const NGHTTP2_INTERNAL_ERROR = h2constants.NGHTTP2_INTERNAL_ERROR;

/** @internal Answers a target Go refuses, as Go does: 400, `Connection: close`. */
export function badRequest(res: NodeResponse): void {
  const body = '400 Bad Request';
  (res as ServerResponse).writeHead(400, 'Bad Request', [
    'Content-Type', 'text/plain; charset=utf-8', 'Connection', 'close', 'Content-Length', String(body.length),
  ]);
  (res as ServerResponse).end(body);
}

/**
 * One Node request in flight: the sink of its response, the request's context source and the end of the handler's
 * run, in one object per request (instead of a sink, an exchange and a closure for each hook).
 */
class NodeExchange extends NodeSink implements ContextSource, Exchange, HandlerRun {
  private cancel: CancelFunc | null = null;
  /** The handler returned (or the client left): the context is, or will be at birth, cancelled. */
  private over = false;
  /** The handler declined the request (fallThrough): Express's next route answers it. */
  private declined = false;
  /** The body the handler was given (closed for it when it returns, even if it replaced `r.body`). */
  private readonly givenBody: Body;
  readonly w: Response;

  constructor(
    private readonly r: Request,
    private readonly nreq: NodeRequest,
    res: NodeResponse,
    private readonly o: ServeNodeOptions,
  ) {
    super(res, r.protoMajor > 1 || r.protoMinor >= 1, o.errorLog);
    this.givenBody = r.body;
    this.w = new Response(this, r);
  }

  get req(): NodeRequest {
    return this.nreq;
  }

  get mount(): string {
    return this.o.mount ?? '';
  }

  decline(): boolean {
    if (this.over) return false;
    if (this.w.wroteHeader || this.w.hijacked) {
      this.w.sink.log('http: fallThrough after the response was started: the handler\'s response is sent');
      return false;
    }
    this.declined = true;
    return true;
  }

  // Cancelled when the client leaves before the response ended, or when the handler returns (Go's rule). Node's
  // response 'close' is the signal, not the request's 'end'; the listener is added only when a handler asks.
  requestContext(): Context {
    const o = this.o;
    const res = this.res;
    const [ctx, c] = withCancel(o.baseContext !== null ? o.baseContext(this.nreq) : background());
    this.cancel = c;
    if (this.over || (res.destroyed && !res.writableFinished)) {
      this.over = true;
      c();
    } else {
      res.once('close', () => {
        if (this.over || res.writableFinished) return;
        this.over = true;
        c();
      });
    }
    return ctx;
  }

  done(panicked: boolean, err: unknown): void {
    const clientGone = this.over;
    this.over = true;
    this.cancel?.();
    const r = this.r;
    err = settleHandler(this.w, r, this.givenBody, clientGone, panicked, err);
    if (err === NoPanic) {
      if (this.declined) {
        if (!this.w.wroteHeader) {
          // Nothing of this response reaches the client: the next Express route answers from scratch.
          this.w.discardBuffered();
          this.w.handlerDone = true;
          releaseNodeBody(this.nreq);
          this.o.onDecline!();
          return;
        }
        this.w.sink.log('http: response written after fallThrough: it is sent');
      }
      this.w.finish();
      return;
    }
    this.w.discardBuffered();
    if (this.o.onThrow !== null) {
      this.o.onThrow(err);
      return;
    }
    const line = panicLine(r.remoteAddr, err);
    if (line !== null) logf(this.o.errorLog, line);
    // HTTP/2: reset the stream with INTERNAL_ERROR, as Go's server does on a panic (a plain destroy resets it with
    // NO_ERROR, and a client would take a response already started for a whole one).
    const stream = (this.res as { stream?: { close(code: number): void } }).stream;
    if (stream !== undefined) stream.close(NGHTTP2_INTERNAL_ERROR);
    else this.res.destroy();
  }
}

/** @internal Serves one Node request, already converted to `r` (see nodeToRequest), with `h`. */
export function serveNode(h: Handler, r: Request, nreq: NodeRequest, res: NodeResponse, o: ServeNodeOptions): void {
  const x = new NodeExchange(r, nreq, res, o);
  const w = x.w;
  if (o.hijack != null) {
    const hj = o.hijack;
    x.hijack = (rw) => hj(rw, x);
  }
  // A server with a 'checkContinue' listener leaves 100 Continue to us: send it on the first body read (SRV-92).
  const cont = res as unknown as ContinueState;
  // No body (Content-Length: 0): nothing to send it for, and NoBody is shared and frozen.
  if (cont._expect_continue === true && cont._sent100 !== true && r.body !== NoBody) {
    const body = r.body;
    const read = body.read.bind(body);
    body.read = (max?: number) => {
      if (!x.continueDisabled && cont._sent100 !== true && !res.headersSent) (res as ServerResponse).writeContinue();
      body.read = read;
      return read(max);
    };
  }
  r.ctxSource = x;
  if (o.onDecline != null) r.exchange = x;
  runHandler(h, w, r, x);
}
