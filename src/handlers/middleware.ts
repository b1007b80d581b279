/**
 * Middleware: Go's shape for code that runs around a handler, `func(http.Handler) http.Handler`, and `chain` to
 * stack several.
 * @module
 */

import { toHandler, type Handler, type HandlerLike } from '../handler';

/**
 * Middleware wraps a handler in another (Go's `func(next http.Handler) http.Handler`): the returned handler does
 * its work and calls `next.serveHTTP(w, r)`, or answers itself without calling it.
 *
 * ```ts
 * const logRequests: Middleware = (next) => handlerFunc(async (w, r) => {
 *   const t0 = Date.now();
 *   await next.serveHTTP(w, r);
 *   console.log(r.method, r.url.path, Date.now() - t0, 'ms');
 * });
 * ```
 */
export type Middleware = (next: Handler) => Handler;

/**
 * chain stacks middleware, the first outermost: `chain(a, b, c)(h)` is `a(b(c(h)))`, so a request meets `a` first,
 * and `h` last. The result is itself a {@link Middleware}; give it a handler (or a function) to get a
 * {@link Handler}.
 */
export function chain(...middleware: Middleware[]): (h: HandlerLike) => Handler {
  for (const m of middleware) if (typeof m !== 'function') throw new TypeError('http: chain takes middleware functions');
  return (h) => {
    let out = toHandler(h);
    for (let i = middleware.length - 1; i >= 0; i--) out = middleware[i](out);
    return out;
  };
}
