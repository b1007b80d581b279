/**
 * serveNode: one Node request through one handler — the Node carrier's version of the native conn's
 * serve step (build the Request, run the handler, treat a throw as Go's panic, finish the response).
 * @module
 * @internal
 */

import type { ServerResponse } from 'node:http';
import { background, withCancel, type CancelFunc, type Context } from './context';
import type { Handler } from './handler';
import { logf, panicLine, type Logger } from './log';
import type { NodeRequest } from './node-request';
import { NodeSink, type NodeResponse } from './node-sink';
import type { Request } from './request';
import { Response } from './response';

/** @internal */
export interface ServeNodeOptions {
  errorLog: Logger | null;
  baseContext: ((req: NodeRequest) => Context) | null;
  /** When set, a throw goes here (Express's `next(err)`) instead of being logged and aborting the connection. */
  onThrow: ((err: unknown) => void) | null;
}

interface ContinueState {
  _expect_continue?: boolean;
  _sent100?: boolean;
}

/** @internal Answers a target Go refuses, as Go does: 400, `Connection: close`. */
export function badRequest(res: NodeResponse): void {
  const body = '400 Bad Request';
  (res as ServerResponse).writeHead(400, 'Bad Request', [
    'Content-Type', 'text/plain; charset=utf-8', 'Connection', 'close', 'Content-Length', String(body.length),
  ]);
  (res as ServerResponse).end(body);
}

/** @internal Serves one Node request, already converted to `r` (see nodeToRequest), with `h`. */
export function serveNode(h: Handler, r: Request, nreq: NodeRequest, res: NodeResponse, o: ServeNodeOptions): void {
  const sink = new NodeSink(res, r.protoMajor > 1 || r.protoMinor >= 1, o.errorLog);
  const w = new Response(sink, r);
  w.onRequestTooLarge = () => {
    sink.closeAfter = true;
  };
  // A server with a 'checkContinue' listener leaves 100 Continue to us: send it on the first body read (SRV-92).
  const cont = res as unknown as ContinueState;
  if (cont._expect_continue === true && cont._sent100 !== true) {
    const body = r.body;
    const read = body.read.bind(body);
    body.read = (max?: number) => {
      if (!sink.continueDisabled && cont._sent100 !== true && !res.headersSent) (res as ServerResponse).writeContinue();
      body.read = read;
      return read(max);
    };
  }
  // The context: created on first use; cancelled when the client leaves before the response ended, or when the
  // handler returns (Go's rule). Node's response 'close' is the signal, not the request's 'end'.
  // The 'close' listener is added only when the handler asks for the context (most never do).
  let cancel: CancelFunc | null = null;
  let over = false;
  r.ctxFactory = () => {
    const [ctx, c] = withCancel(o.baseContext !== null ? o.baseContext(nreq) : background());
    cancel = c;
    if (over || (res.destroyed && !res.writableFinished)) {
      over = true;
      c();
    } else {
      res.once('close', () => {
        if (over || res.writableFinished) return;
        over = true;
        c();
      });
    }
    return ctx;
  };
  const done = (panicked: boolean, err: unknown): void => {
    over = true;
    cancel?.();
    const mf = r.multipartForm;
    if (mf !== null && typeof mf.removeAll === 'function') void mf.removeAll().catch(() => undefined);
    if (!panicked) {
      w.finish();
      return;
    }
    w.discardBuffered();
    if (o.onThrow !== null) {
      o.onThrow(err);
      return;
    }
    const line = panicLine(r.remoteAddr, err);
    if (line !== null) logf(o.errorLog, line);
    res.destroy();
  };
  let ret;
  try {
    ret = h.serveHTTP(w, r);
  } catch (err) {
    done(true, err);
    return;
  }
  if (ret !== undefined && typeof (ret as Promise<void>).then === 'function') {
    (ret as Promise<void>).then(() => done(false, undefined), (err: unknown) => done(true, err));
  } else {
    done(false, undefined);
  }
}
