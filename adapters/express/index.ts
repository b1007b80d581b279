/**
 * nethttp inside Express (4 and 5): a {@link ServeMux} (or any handler) as Express middleware, so an app can move
 * routes to Go-style handlers one at a time. Requests the mux does not match fall through to `next()`.
 *
 * ```ts
 * import express from 'express';
 * import { ServeMux } from 'nethttp';
 * import { middleware } from 'nethttp/adapters/express';
 *
 * const api = new ServeMux();
 * api.handleFunc('GET /users/{id}', (w, r) => { w.write(`user ${r.pathValue('id')}\n`); });
 * const app = express();
 * app.use('/api', middleware(api));   // GET /api/users/7 → the mux; anything else → the next route
 * app.listen(8080);
 * ```
 * @module nethttp/adapters/express
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { Request, ServeMux, parse, redirectHandler, toHandler, type Context, type Handler, type HandlerLike, type Logger, type ResponseWriter } from '../../src/index';
import { NodeExchange, PASSES_ON, badRequest, nodeToRequest, type NodeRequest, type NodeResponse, type ServeNodeOptions } from '../../src/carrier-node';

export { ExpressPathError, expressPatterns, handleExpress } from './path';
export { fromExpress, type ConnectMiddleware, type FromExpressOptions } from './from-express';

declare global {
  /**
   * Express's global namespace, as `@types/express` declares it; the empty interfaces here merge with it (and with
   * what `express-session`, `passport` and the like add to it), so {@link ExpressRequest} carries `req.session`
   * and `req.user` when those types are installed.
   */
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface Request {}
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface Response {}
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface Locals {}
  }
}

/** Options of {@link middleware}. */
export interface MiddlewareOptions {
  /**
   * What a request whose path matches only patterns for other methods does: `'next'` (default) falls through
   * to the next Express route, `'respond'` answers Go's 405 with `Allow`.
   */
  methodNotAllowed?: 'next' | 'respond';
  /**
   * What a request for an unclean path (`/files/../index.js`, `//x`, `/a/./b`) does. `'matched'` (default): Go's
   * 301 to the cleaned path when the mux answers the cleaned path, else it falls through and the Express routes
   * see the path as sent. `'always'`: Go's behaviour, a 301 whatever the cleaned path.
   */
  uncleanPath?: 'matched' | 'always';
  /** Where error lines go (superfluous writeHeader…); default stderr with Go's log prefix. */
  errorLog?: Logger;
  /** The parent of every request context, given the Express request. */
  baseContext?: (req: IncomingMessage) => Context;
}

/**
 * The Express request as a handler can reach it ({@link expressRequest}): Node's `IncomingMessage` with the fields
 * Express adds that this adapter reads or sets, plus whatever the global `Express.Request` interface holds
 * (`session` from express-session, `user` from passport…, when their types are installed).
 */
export type ExpressRequest = IncomingMessage &
  Express.Request & {
    /** The mount path of the middleware, e.g. `/api`. */
    baseUrl?: string;
    /** The request-target as the client sent it. */
    originalUrl?: string;
    /** Route parameters; path values of the matched pattern are added. */
    params?: Record<string, unknown>;
    /** What a body parser in front left (see {@link keepRawBody}). */
    body?: unknown;
  };

/**
 * The Express response as a handler can reach it ({@link expressResponse}): Node's `ServerResponse` with Express's
 * `locals` (typed by the global `Express.Locals`) and whatever the global `Express.Response` interface holds.
 */
export type ExpressResponse = ServerResponse &
  Express.Response & {
    /** Values for this request's views, set by earlier middleware. */
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    locals: Express.Locals & Record<string, any>;
  };

/** An Express middleware function. */
export type ExpressMiddleware = (req: ExpressRequest, res: ServerResponse, next: (err?: unknown) => void) => void;

/**
 * expressRequest returns the Express request of `r`, when `r` is served through {@link middleware} (`undefined`
 * on every other carrier): `expressRequest(r)?.session`. Name Express's own type to see all its fields:
 * `expressRequest<express.Request>(r)`. Reading its body stream is the handler's business only through `r.body`.
 */
export function expressRequest<Req = ExpressRequest>(r: Request): Req | undefined {
  return (r.exchange?.req as Req | undefined) ?? undefined;
}

/**
 * expressResponse returns the Express response of `r`, when `r` is served through {@link middleware} (`undefined`
 * on every other carrier): `expressResponse(r)?.locals`. Write the response through the handler's
 * `ResponseWriter`, not through this object; fields it had set before the handler are merged into the handler's
 * head (see docs/carriers.md).
 */
export function expressResponse<Res = ExpressResponse>(r: Request): Res | undefined {
  return (r.exchange?.res as Res | undefined) ?? undefined;
}

/**
 * keepRawBody is a body parser's `verify` hook that keeps the bytes it read as `req.rawBody`, so that a nethttp
 * handler behind the parser reads them from `r.body` too: `app.use(express.json({ verify: keepRawBody }))`. Without
 * it, a handler behind a parser that consumed the body gets {@link nethttp!ErrBodyConsumed} when it reads.
 * The bytes are those after any `Content-Encoding` was undone (the parser inflates gzip before `verify`).
 */
export function keepRawBody(req: IncomingMessage, _res: ServerResponse, buf: Buffer): void {
  (req as IncomingMessage & { rawBody?: Buffer }).rawBody = buf;
}

// Whether the mux answers the path a redirect leads to (rather than letting it fall through).
function muxAnswers(mux: ServeMux, r: Request, to: string, respond405: boolean): boolean {
  let probe: Request;
  try {
    probe = new Request(r.method, parse(to));
  } catch {
    return false;
  }
  probe.host = r.host;
  const k = mux.match(probe).kind;
  return k === 'found' || k === 'redirect' || (k === 'methodNotAllowed' && respond405);
}

/**
 * middleware serves requests with `handler` inside Express. With a {@link ServeMux}, requests it does not match
 * call `next()` (and 405s too unless `methodNotAllowed: 'respond'`); mounted with `app.use('/api', …)` it routes
 * on the path below the mount point, and its redirects keep the mount prefix, as do relative redirects of its
 * handlers. Matched wildcards also appear in `req.params`. A request-target Go cannot parse (`/%`) falls through
 * too. A handler that throws passes the error to `next(err)`; one that calls {@link nethttp!fallThrough} passes the
 * request on to `next()`. Any other handler answers every request under the mount point (Go's 400 for a target
 * it cannot parse), unless it falls through.
 */
export function middleware(handler: HandlerLike, options: MiddlewareOptions = {}): ExpressMiddleware {
  const respond405 = options.methodNotAllowed === 'respond';
  const alwaysClean = options.uncleanPath === 'always';
  // One options object for every request: what is per request (next, the mount path, the match) is the exchange's.
  const o: ServeNodeOptions = {
    errorLog: options.errorLog ?? null,
    baseContext: (options.baseContext as ServeNodeOptions['baseContext']) ?? null,
  };
  const mux = handler instanceof ServeMux ? handler : null;
  const h: Handler = toHandler(handler);
  return (req, res, next) => {
    const target = req.url ?? '/';
    const x = new ExpressExchange(req, res, o, next, req.baseUrl ?? '');
    const r = nodeToRequest(req, target, req.originalUrl ?? target, x);
    // A target Go refuses (`/%`): no pattern can match it, so the routes behind the mux get it, as Express
    // would have them (express.static answers 400 or falls through); a lone handler answers Go's 400.
    if (r === null) return mux !== null ? next() : badRequest(res);
    if (mux === null) return x.serve(h, r);
    const m = mux.match(r);
    if (m.kind === 'notFound' || (m.kind === 'methodNotAllowed' && !respond405)) return next();
    if (m.kind === 'redirect' && m.redirectTo !== undefined) {
      // Go redirects an unclean path whatever the cleaned one leads to; here the routes behind the mux get it
      // unless the mux answers the cleaned path (a trailing-slash redirect always leads to a mux pattern).
      if (!alwaysClean && !muxAnswers(mux, r, m.redirectTo, respond405)) return next();
      m.handler = redirectHandler(x.mount + m.redirectTo, 301);
    } else if (m.kind === 'found' && m.names !== null && m.names.length > 0) {
      const params: Record<string, unknown> = { ...req.params };
      for (let i = 0; i < m.names.length; i++) params[m.names[i]] = m.values![i];
      req.params = params;
    }
    x.mux = mux;
    x.match = m;
    x.serve(x, r);
  };
}

/**
 * A request served inside Express: a declined request and a handler's throw go to Express's `next`, and the
 * exchange is also the handler of a request the mux matched (no closure per request).
 */
class ExpressExchange extends NodeExchange implements Handler {
  mux: ServeMux | null = null;
  match: ReturnType<ServeMux['match']> | null = null;

  constructor(
    nreq: NodeRequest,
    res: NodeResponse,
    o: ServeNodeOptions,
    private readonly next: (err?: unknown) => void,
    private readonly mountPath: string,
  ) {
    super(nreq, res, o);
    this.bits |= PASSES_ON;
  }

  override get mount(): string {
    return this.mountPath;
  }

  protected override passOn(err?: unknown): boolean {
    if (err === undefined) this.next();
    else this.next(err);
    return true;
  }

  serveHTTP(w: ResponseWriter, r: Request): unknown {
    return this.mux!.serveMatch(w, r, this.match!);
  }
}
