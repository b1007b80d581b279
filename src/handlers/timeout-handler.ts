/**
 * timeoutHandler: a deadline for a handler, with a 503 when it passes (Go's `http.TimeoutHandler`, RSP-120…RSP-125).
 * @module
 */

import { withTimeout, DeadlineExceeded } from '../context';
import { ErrHandlerTimeout, errorIs } from '../errors';
import { handlerPromise, toHandler, type Handler, type HandlerLike, type ResponseWriter } from '../handler';
import { Header } from '../header';
import { logf } from '../log';
import type { Request } from '../request/request';
import { Response, logOf, relevantCaller } from '../response/response';
import { bytesOf } from '../internal/text';

const defaultBody = '<html><head><title>Timeout</title></head><body><h1>Timeout</h1></body></html>';

/** The inner handler's writer: everything is buffered until the handler ends or the deadline passes. */
class TimeoutWriter implements ResponseWriter {
  readonly h = new Header();
  readonly buf: Buffer[] = [];
  code = 0;
  wroteHeader = false;
  /** Set when the deadline passed (ErrHandlerTimeout) or the request was cancelled: later writes fail with it. */
  err: Error | null = null;
  constructor(private readonly log: (m: string) => void) {}

  header(): Header {
    return this.h;
  }
  write(data: string | Uint8Array): Error | null {
    if (this.err !== null) return this.err;
    if (!this.wroteHeader) this.writeHeader(200);
    this.buf.push(typeof data === 'string' ? bytesOf(data) : Buffer.from(data));
    return null;
  }
  writeHeader(code: number): void {
    if (!Number.isInteger(code) || code < 100 || code > 999) throw new Error(`invalid WriteHeader code ${code}`);
    if (this.err !== null) return;
    if (this.wroteHeader) {
      this.log(`http: superfluous response.WriteHeader call from ${relevantCaller()}`);
      return;
    }
    this.wroteHeader = true;
    this.code = code;
  }
  drained(): Promise<void> {
    return Promise.resolve(); // everything is buffered until the handler ends
  }
}

/**
 * timeoutHandler runs `h` with a time limit of `ms` milliseconds (Go's `http.TimeoutHandler`). The handler's
 * response is buffered; if it finishes in time, status, header and body are sent as written. If the deadline
 * passes first, the client gets `503 Service Unavailable` with `msg` as the body (Go's default HTML body when
 * `msg` is empty), the handler's request context is cancelled with `DeadlineExceeded`, and its later writes
 * return {@link ErrHandlerTimeout}. A throw before the deadline propagates as the outer handler's.
 *
 * The handler is a JavaScript function, not a goroutine: the deadline can interrupt it only at an `await`, so a
 * handler that computes synchronously past the deadline still finishes (and is sent) as if in time.
 */
export function timeoutHandler(h: HandlerLike, ms: number, msg = ''): Handler {
  const inner = toHandler(h);
  const body = msg !== '' ? msg : defaultBody;
  return {
    serveHTTP(w: ResponseWriter, r: Request): Promise<void> {
      const [ctx, cancel] = withTimeout(r.context(), ms);
      const r2 = r.withContext(ctx);
      const log = logOf(w);
      const tw = new TimeoutWriter(log);
      return new Promise<void>((resolve, reject) => {
        let settled = false;
        const onDone = (): void => {
          if (settled) return;
          settled = true;
          ctx.signal.removeEventListener('abort', onDeadline);
          const dst = w.header();
          for (const [k, vv] of tw.h) dst.setRaw(k, vv);
          w.writeHeader(tw.wroteHeader ? tw.code : 200);
          // One write of the whole buffer, as Go's: the wire framing depends on the write sizes (RSP-4).
          w.write(tw.buf.length === 1 ? tw.buf[0] : Buffer.concat(tw.buf));
          cancel();
          resolve();
        };
        const onPanic = (err: unknown): void => {
          if (settled) return; // after the deadline nobody is left to receive it, as in Go
          settled = true;
          ctx.signal.removeEventListener('abort', onDeadline);
          cancel();
          reject(err);
        };
        const onDeadline = (): void => {
          if (settled) return;
          settled = true;
          const err = ctx.err();
          w.writeHeader(503);
          if (errorIs(err, DeadlineExceeded)) {
            w.write(body);
            tw.err = ErrHandlerTimeout; // the handler runs on; its writes fail from now on (RSP-123)
          } else {
            tw.err = err;
          }
          cancel();
          resolve();
        };
        ctx.signal.addEventListener('abort', onDeadline, { once: true });
        // Already cancelled (the client left): 503 now; the handler still runs and its writes fail (Go issue 8209).
        if (ctx.err() !== null) onDeadline();
        let ret: unknown;
        try {
          ret = inner.serveHTTP(tw, r2);
        } catch (err) {
          onPanic(err);
          return;
        }
        const p = handlerPromise(ret, log, r2);
        if (p !== null) Promise.resolve(p).then(onDone, onPanic);
        else onDone();
      });
    },
  };
}
