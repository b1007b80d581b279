/**
 * The serve step the carriers other than the native conn share: run the handler, synchronously when it is
 * synchronous (no promise per request), and settle what Go's server settles when ServeHTTP returns.
 * @module
 * Not part of the public API (its declarations are left out of the published types).
 */

import { PullBody, type Body } from '../request/body';
import { ErrAbortHandler } from '../errors';
import { handlerPromise, type Handler } from '../handler';
import { answerEscaped } from '../request/json';
import { isAbortError } from '../log';
import type { Request } from '../request/request';
import type { Response } from '../response/response';

/** @internal What a carrier does when the handler returned (`panicked` false) or threw/rejected (`panicked` true). */
export interface HandlerRun {
  done(panicked: boolean, err: unknown): void;
}

/**
 * @internal Runs `h` for `w` and `r` and tells `x` how it ended: a throw or a rejection is Go's panic. A handler that
 * returns no promise is finished without one (any other value it returns is ignored, logged when it looks like a
 * response, see handlerPromise).
 */
export function runHandler(h: Handler, w: Response, r: Request, x: HandlerRun): void {
  let ret;
  try {
    ret = h.serveHTTP(w, r);
  } catch (err) {
    x.done(true, err);
    return;
  }
  const p = ret === undefined ? null : handlerPromise(ret, (m) => w.sink.log(m), r);
  if (p !== null) {
    Promise.resolve(p).then(() => x.done(false, undefined), (err: unknown) => x.done(true, err));
  } else {
    x.done(false, undefined);
  }
}

/** @internal What {@link settleHandler} returns for a run that is not a panic. */
export const NoPanic: unique symbol = Symbol('nethttp.noPanic');

/**
 * @internal What follows every handler's run, whatever the carrier: the body the carrier gave the handler is closed
 * for it (later reads reject with ErrBodyReadAfterClose, SRV-86); an abort error after the client left is the
 * handler's quiet end (SRV-95); the multipart form's temporary files are removed (as Go's finishRequest does); a
 * JSONBodyError the handler let escape is answered (400/413/415) instead of being a panic. Returns {@link NoPanic},
 * or the error of a run that still counts as a panic (no object made per request).
 */
export function settleHandler(w: Response, r: Request, body: Body, clientGone: boolean, panicked: boolean, err: unknown): unknown {
  if (body instanceof PullBody) body.closeForHandler();
  const mf = r.multipartForm;
  if (mf !== null && typeof mf.removeAll === 'function') void mf.removeAll().catch(() => undefined);
  if (!panicked) return NoPanic;
  if (clientGone && isAbortError(err)) err = ErrAbortHandler;
  return answerEscaped(w, err) ? NoPanic : err;
}
