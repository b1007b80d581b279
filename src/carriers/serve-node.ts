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
import { nodeHeader, nodeToRequest, releaseNodeBody, type NodeRequest } from './node-request';
import { NodeSink, SINK_FREE_BIT, type NodeResponse } from './node-sink';
import type { Header } from '../header';
import type { SinkResponse } from '../response/sink';
import { NoBody, type Body } from '../request/body';
import type { ContextSource, Exchange, RawFields, Request } from '../request/request';
import { Response } from '../response/response';
import { NoPanic, runHandler, settleHandler, type HandlerRun } from './serve-run';

/** @internal */
export interface ServeNodeOptions {
  errorLog: Logger | null;
  baseContext: ((req: NodeRequest) => Context) | null;
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

// The exchange's own booleans, after the sink's (see NodeSink's bits).
/** The handler returned (or the client left): the context is, or will be at birth, cancelled. */
const OVER = SINK_FREE_BIT;
/** The handler declined the request (fallThrough): Express's next route answers it. */
const DECLINED = SINK_FREE_BIT << 1;
/** @internal Set by a subclass with a next route (Express's): the request gets this exchange as its {@link Exchange}. */
export const PASSES_ON = SINK_FREE_BIT << 2;

/**
 * One Node request in flight: the sink of its response, the request's context source, its header map's source and
 * the end of the handler's run, in one object per request (instead of a sink, an exchange, a field reader and a
 * closure for each hook). Made before the Request (nodeToRequest keeps it as the header map's source), then
 * {@link NodeExchange.serve} runs the handler. Express's middleware serves through a subclass that passes the
 * request on (see passOn) and has a mount path.
 * @internal
 */
export class NodeExchange extends NodeSink implements ContextSource, Exchange, HandlerRun, RawFields {
  private cancel: CancelFunc | null = null;
  /** The body the handler was given (closed for it when it returns, even if it replaced `r.body`). */
  private givenBody: Body = NoBody;
  private r: Request | null = null;
  w: Response | null = null;
  declare protected readonly o: ServeNodeOptions;

  constructor(
    private readonly nreq: NodeRequest,
    res: NodeResponse,
    o: ServeNodeOptions,
  ) {
    super(res, nreq.httpVersionMajor > 1 || nreq.httpVersionMinor >= 1, o);
  }

  get req(): NodeRequest {
    return this.nreq;
  }

  /** The mount path Express took off the URL (`req.baseUrl`); "" on every other carrier. */
  get mount(): string {
    return '';
  }

  /**
   * Passes the request on to the next route (Express's `next()`, or `next(err)` for a handler's throw); a subclass
   * that sets {@link PASSES_ON} has one. Returns false when there is none: a throw is then logged and aborts the
   * connection, as Go's panic.
   */
  protected passOn(_err?: unknown): boolean {
    return false;
  }

  build(): Header {
    return nodeHeader(this.nreq);
  }

  decline(): boolean {
    const w = this.w!;
    if ((this.bits & OVER) !== 0) return false;
    if (w.wroteHeader || w.hijacked) {
      this.log('http: fallThrough after the response was started: the handler\'s response is sent');
      return false;
    }
    this.bits |= DECLINED;
    return true;
  }

  // Cancelled when the client leaves before the response ended, or when the handler returns (Go's rule). Node's
  // response 'close' is the signal, not the request's 'end'; the listener is added only when a handler asks.
  requestContext(): Context {
    const o = this.o;
    const res = this.res;
    const [ctx, c] = withCancel(o.baseContext !== null ? o.baseContext(this.nreq) : background());
    this.cancel = c;
    if ((this.bits & OVER) !== 0 || (res.destroyed && !res.writableFinished)) {
      this.bits |= OVER;
      c();
    } else {
      res.once('close', () => {
        if ((this.bits & OVER) !== 0 || res.writableFinished) return;
        this.bits |= OVER;
        c();
      });
    }
    return ctx;
  }

  /** Serves `r` (made by nodeToRequest with this exchange) with `h`. */
  serve(h: Handler, r: Request): void {
    this.r = r;
    this.givenBody = r.body;
    const w = (this.w = new Response(this, r));
    const o = this.o;
    const res = this.res;
    if (o.hijack != null) {
      const hj = o.hijack;
      this.hijack = (rw) => hj(rw, this);
    }
    // A server with a 'checkContinue' listener leaves 100 Continue to us: send it on the first body read (SRV-92).
    const cont = res as unknown as ContinueState;
    // No body (Content-Length: 0): nothing to send it for, and NoBody is shared and frozen.
    if (cont._expect_continue === true && cont._sent100 !== true && r.body !== NoBody) {
      const body = r.body;
      const read = body.read.bind(body);
      body.read = (max?: number) => {
        if (!this.continueDisabled && cont._sent100 !== true && !res.headersSent) (res as ServerResponse).writeContinue();
        body.read = read;
        return read(max);
      };
    }
    r.ctxSource = this;
    if ((this.bits & PASSES_ON) !== 0) r.exchange = this;
    runHandler(h, w, r, this);
  }

  done(panicked: boolean, err: unknown): void {
    const clientGone = (this.bits & OVER) !== 0;
    this.bits |= OVER;
    this.cancel?.();
    const r = this.r!;
    const w = this.w!;
    err = settleHandler(w, r, this.givenBody, clientGone, panicked, err);
    if (err === NoPanic) {
      if ((this.bits & DECLINED) !== 0) {
        if (!w.wroteHeader) {
          // Nothing of this response reaches the client: the next Express route answers from scratch.
          w.discardBuffered();
          w.handlerDone = true;
          releaseNodeBody(this.nreq);
          this.passOn();
          return;
        }
        this.log('http: response written after fallThrough: it is sent');
      }
      w.finish();
      return;
    }
    w.discardBuffered();
    if (this.passOn(err)) return;
    const line = panicLine(r.remoteAddr, err);
    if (line !== null) logf(this.o.errorLog, line);
    // HTTP/2: reset the stream with INTERNAL_ERROR, as Go's server does on a panic (a plain destroy resets it with
    // NO_ERROR, and a client would take a response already started for a whole one).
    const stream = (this.res as { stream?: { close(code: number): void } }).stream;
    if (stream !== undefined) stream.close(NGHTTP2_INTERNAL_ERROR);
    else this.res.destroy();
  }
}

/**
 * @internal Serves one Node request whose routing target is its URL (requestListener, upgradeListener, the native
 * Server's HTTP/2) with `h`; a target Go refuses is answered 400.
 */
export function serveNode(h: Handler, nreq: NodeRequest, res: NodeResponse, o: ServeNodeOptions): void {
  const url = nreq.url ?? '/';
  const x = new NodeExchange(nreq, res, o);
  const r = nodeToRequest(nreq, url, url, x);
  if (r === null) badRequest(res);
  else x.serve(h, r);
}
