/**
 * fallThrough: a handler declines a request, so that whatever comes after it answers (Express's `next()`).
 * @module
 */

import type { ResponseWriter } from '../handler';
import { notFound } from '../handlers/http-error';
import type { Request } from '../request/request';

/**
 * fallThrough declines the request `r`: the handler is not the one to answer it. Served through the Express
 * middleware (`nethttp/adapters/express`), the request goes on to the next Express route or middleware once the
 * handler returns, as if the handler had called Express's `next()`; whatever the handler put in `w.header()` is
 * dropped. Elsewhere (the native server, `requestListener`, tests) there is nothing to fall through to, and the
 * request is answered `404 page not found` at once, as by {@link notFound}.
 *
 * Call it before writing anything: once the handler has written (or called `writeHeader`), the response stands and
 * the call is only logged. Return after calling it; a write after it cancels the decline. Do not read the body first:
 * the next route would get only what is left.
 *
 * ```ts
 * import { fallThrough, ServeMux } from 'nethttp';
 *
 * const mux = new ServeMux();
 * mux.handleFunc('GET /users/{id}', (w, r) => {
 *   if (!/^[0-9]+$/.test(r.pathValue('id'))) return fallThrough(w, r); // the next Express route decides
 *   w.write(`user ${r.pathValue('id')}\n`);
 * });
 * ```
 */
export function fallThrough(w: ResponseWriter, r: Request): void {
  const x = r.exchange;
  if (x === null) notFound(w, r);
  else x.decline();
}
