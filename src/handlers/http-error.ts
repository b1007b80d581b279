/**
 * error, notFound and notFoundHandler: Go's plain-text error replies (RSP-100…RSP-102); HTTPError, an error that
 * carries its answer.
 * @module
 */

import { NetHTTPError } from '../errors';
import { statusText } from '../status';
import { handlerFunc, type Handler, type ResponseWriter } from '../handler';
import type { Request } from '../request/request';

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

const kHTTPError = Symbol.for('nethttp.HTTPError');

/**
 * HTTPError is an error that says how to answer it: `throw new HTTPError(404, 'no such user')`. When a handler lets
 * one escape before writing anything, every carrier answers it with its status and message as plain text (as
 * {@link error} does), instead of treating the throw as a panic; behind {@link nethttp!recoverHandler} it is answered the same
 * way. nethttp has no Go counterpart: Go handlers call `http.Error` and return.
 */
export class HTTPError extends NetHTTPError {
  /** The status of the answer, 400–599. */
  readonly status: number;
  /**
   * @param status an HTTP status from 400 to 599
   * @param message the body of the answer; the status text (`Not Found`) when omitted
   */
  constructor(status: number, message?: string, options?: { cause?: unknown }) {
    if (!Number.isInteger(status) || status < 400 || status > 599) throw new RangeError(`HTTPError: status ${status} is not 400–599`);
    super('HTTPError', message ?? statusText(status), options);
    this.name = 'HTTPError';
    this.status = status;
    (this as unknown as Record<symbol, boolean>)[kHTTPError] = true;
  }
  static override [Symbol.hasInstance](x: unknown): boolean {
    return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[kHTTPError] === true;
  }
}

