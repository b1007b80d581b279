/**
 * error, notFound and notFoundHandler: Go's plain-text error replies (RSP-100…RSP-102).
 * @module
 */

import { handlerFunc, type Handler, type ResponseWriter } from './handler';
import type { Request } from './request';

/**
 * error replies with `msg` and a newline as plain text with status `code` (Go's `http.Error`). It deletes any
 * Content-Length, sets `Content-Type: text/plain; charset=utf-8` and `X-Content-Type-Options: nosniff`, and
 * leaves every other header as it is (RSP-100). The message is not escaped. The handler should return after it.
 */
export function error(w: ResponseWriter, msg: string, code: number): void {
  const h = w.header();
  h.del('Content-Length');
  h.set('Content-Type', 'text/plain; charset=utf-8');
  h.set('X-Content-Type-Options', 'nosniff');
  w.writeHeader(code);
  w.write(msg + '\n');
}

/** notFound replies `404 page not found` (Go's `http.NotFound`, RSP-102). */
export function notFound(w: ResponseWriter, _r: Request): void {
  error(w, '404 page not found', 404);
}

const notFoundSingleton: Handler = handlerFunc(notFound);

/** notFoundHandler returns a handler that replies to every request with {@link notFound}. */
export function notFoundHandler(): Handler {
  return notFoundSingleton;
}
