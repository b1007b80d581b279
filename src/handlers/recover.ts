/**
 * recoverHandler: thrown errors answered with a status instead of an aborted connection — the recover
 * middleware Go programs write by hand, built in.
 * @module
 */

import { ErrAbortHandler, JSONBodyError, MaxBytesError, NetHTTPError } from '../errors';
import { toHandler, type Handler, type HandlerLike, type ResponseWriter } from '../handler';
import { HTTPError, error } from './http-error';
import { answerEscaped } from '../request/json';
import { isAbortError, panicLine, type Logger } from '../log';
import type { Request } from '../request/request';
import { coreOf, logOf } from '../response/response';
import { statusText } from '../status';

/** Options of {@link recoverHandler}. */
export interface RecoverOptions {
  /** Where the panic line goes; by default the carrier's error log (the server's `errorLog`, or stderr). */
  errorLog?: Logger;
}

/**
 * recoverHandler turns what `h` throws or rejects with into an answer instead of Go's panic (an aborted
 * connection): `recoverHandler(mux)`. The error is logged as the panic would be, with its stack, and answered with
 * `error(w, text, status)` where status is
 * - the `status` of an {@link HTTPError} or a {@link JSONBodyError} (and its message as the text),
 * - the `status` or `statusCode` of any other error, when it is an integer from 400 to 599 (the Express and Fastify
 *   habit; the text is the status text, so internal messages do not reach the client),
 * - 413 for a {@link MaxBytesError} (a body over `maxBytesReader`'s limit), 500 for anything else.
 *
 * When the response was already started the status cannot change: the connection is aborted as without recovery,
 * so that the client never takes a cut response for a whole one. {@link ErrAbortHandler}, and an abort caused by
 * the request's own context being cancelled (the client left), pass through untouched.
 *
 * Without it a throw stays Go's panic on the native server and the Node carriers; the Express carrier passes it to
 * `next(err)`.
 */
export function recoverHandler(h: HandlerLike, options: RecoverOptions = {}): Handler {
  const next = toHandler(h);
  return {
    serveHTTP(w: ResponseWriter, r: Request): unknown {
      let ret: unknown;
      try {
        ret = next.serveHTTP(w, r);
      } catch (err) {
        recovered(w, r, err, options);
        return undefined;
      }
      if (ret === undefined || ret === null || typeof (ret as PromiseLike<unknown>).then !== 'function') return ret;
      return Promise.resolve(ret).then(undefined, (err: unknown) => recovered(w, r, err, options));
    },
  };
}

function recovered(w: ResponseWriter, r: Request, err: unknown, o: RecoverOptions): void {
  if (err instanceof NetHTTPError && err.code === ErrAbortHandler.code && err.constructor === NetHTTPError) throw err;
  if (r.context().err() !== null && isAbortError(err)) throw err;
  const core = coreOf(w);
  const line = panicLine(r.remoteAddr, err);
  if (line !== null) (o.errorLog !== undefined ? (m: string) => o.errorLog!.error(m) : logOf(w))(line);
  // Started: the status is on its way; abort, as the panic would have, but logged once, here.
  if (core !== null && (core.wroteHeader || core.hijacked || core.handlerDone)) throw ErrAbortHandler;
  answerError(w, err);
}

/** @internal Answers `err` with the status it carries (see {@link recoverHandler}); nothing may have been written. */
export function answerError(w: ResponseWriter, err: unknown): void {
  const core = coreOf(w);
  if (core !== null && answerEscaped(core, err)) return;
  core?.discardBuffered();
  if (err instanceof HTTPError || err instanceof JSONBodyError) return error(w, err.message, err.status);
  if (err instanceof MaxBytesError) {
    if (core !== null) core.sink.requestTooLarge?.(core);
    return error(w, statusText(413), 413);
  }
  const code = carriedStatus(err);
  error(w, statusText(code), code);
}

function carriedStatus(err: unknown): number {
  if (typeof err !== 'object' || err === null) return 500;
  const e = err as { status?: unknown; statusCode?: unknown };
  for (const s of [e.status, e.statusCode]) {
    if (typeof s === 'number' && Number.isInteger(s) && s >= 400 && s <= 599) return s;
  }
  return 500;
}
