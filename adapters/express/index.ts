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
import { ServeMux, redirectHandler, toHandler, utf8, type Context, type Handler, type HandlerLike, type Logger } from '../../src/index';
import { badRequest, nodeToRequest, serveNode, type ServeNodeOptions } from '../../src/carrier';

export { ExpressPathError, expressPatterns, handleExpress } from './path';

/** Options of {@link middleware}. */
export interface MiddlewareOptions {
  /**
   * What a request whose path matches only patterns for other methods does: `'next'` (default) falls through
   * to the next Express route, `'respond'` answers Go's 405 with `Allow`.
   */
  methodNotAllowed?: 'next' | 'respond';
  /** Where error lines go (superfluous writeHeader…); default stderr with Go's log prefix. */
  errorLog?: Logger;
  /** The parent of every request context, given the Express request. */
  baseContext?: (req: IncomingMessage) => Context;
}

/** A Node request with the fields Express adds that this adapter reads or sets (Express 4 and 5 both have them). */
export type ExpressRequest = IncomingMessage & {
  /** The mount path of the middleware, e.g. `/api`. */
  baseUrl?: string;
  /** The request-target as the client sent it. */
  originalUrl?: string;
  /** Route parameters; path values of the matched pattern are added. */
  params?: Record<string, unknown>;
};

/** An Express middleware function. */
export type ExpressMiddleware = (req: ExpressRequest, res: ServerResponse, next: (err?: unknown) => void) => void;

/**
 * middleware serves requests with `handler` inside Express. With a {@link ServeMux}, requests it does not match
 * call `next()` (and 405s too unless `methodNotAllowed: 'respond'`); mounted with `app.use('/api', …)` it routes
 * on the path below the mount point, and its redirects keep the mount prefix. Matched wildcards also appear in
 * `req.params`. A handler that throws passes the error to `next(err)`. Any other handler answers every request.
 */
export function middleware(handler: HandlerLike, options: MiddlewareOptions = {}): ExpressMiddleware {
  const respond405 = options.methodNotAllowed === 'respond';
  const base: Omit<ServeNodeOptions, 'onThrow'> = {
    errorLog: options.errorLog ?? null,
    baseContext: (options.baseContext as ServeNodeOptions['baseContext']) ?? null,
  };
  const mux = handler instanceof ServeMux ? handler : null;
  const h: Handler = toHandler(handler);
  return (req, res, next) => {
    const target = req.url ?? '/';
    const r = nodeToRequest(req, target, req.originalUrl ?? target);
    if (r === null) return badRequest(res);
    const o: ServeNodeOptions = { ...base, onThrow: next };
    if (mux === null) return serveNode(h, r, req, res, o);
    const m = mux.match(r);
    if (m.kind === 'notFound' || (m.kind === 'methodNotAllowed' && !respond405)) return next();
    if (m.kind === 'redirect' && m.redirectTo !== undefined) {
      m.handler = redirectHandler((req.baseUrl ?? '') + m.redirectTo, 301);
    } else if (m.kind === 'found' && m.names !== null && m.names.length > 0) {
      const params: Record<string, unknown> = { ...req.params };
      for (let i = 0; i < m.names.length; i++) params[m.names[i]] = utf8(m.values![i]);
      req.params = params;
    }
    serveNode({ serveHTTP: (w, rr) => mux.serveMatch(w, rr, m) }, r, req, res, o);
  };
}
