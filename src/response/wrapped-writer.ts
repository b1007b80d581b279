/**
 * WrappedWriter: a ResponseWriter around another that records the status and the body size, for logging and metrics
 * middleware, and keeps flush, hijack, deadlines and backpressure working through it.
 * @module
 */

import type { Flusher, ResponseWriter } from '../handler';
import type { Header } from '../header';
import { byteLengthOf } from '../internal/text';
import { newResponseController, type Unwrapper } from './response-controller';

/**
 * WrappedWriter wraps `w` and records what the handler sends through it: {@link WrappedWriter.status} and
 * {@link WrappedWriter.bytes}. Everything else goes to `w`; `flush()` and {@link ResponseController} (hijack, deadlines,
 * full duplex) reach `w` through `unwrap()`, which Go users would otherwise have to write themselves.
 *
 * ```ts
 * const logged = (next: Handler): Handler => ({
 *   async serveHTTP(w, r) {
 *     const ww = new WrappedWriter(w);
 *     const start = Date.now();
 *     await next.serveHTTP(ww, r);
 *     console.log(`${r.method} ${r.url.path} ${ww.status} ${ww.bytes}B ${Date.now() - start}ms`);
 *   },
 * });
 * ```
 */
export class WrappedWriter implements ResponseWriter, Flusher, Unwrapper {
  /**
   * The final status sent through this writer: the first `writeHeader` of 200–999, or 200 once something was written
   * or flushed; 0 while nothing was (a handler that writes nothing is answered 200 by the server).
   */
  status = 0;
  /** Body bytes accepted by `write` (those it returned null for). */
  bytes = 0;

  /** @param w the writer to wrap */
  constructor(readonly w: ResponseWriter) {}

  /** header is the wrapped writer's header map. */
  header(): Header {
    return this.w.header();
  }

  /** writeHeader records the first final status (a 1xx is informational and not recorded) and passes the call on. */
  writeHeader(statusCode: number): void {
    this.w.writeHeader(statusCode);
    if (this.status === 0 && statusCode >= 200) this.status = statusCode;
  }

  /** write passes the bytes on and counts those accepted; the status becomes 200 if none was set. */
  write(data: string | Uint8Array): Error | null {
    const err = this.w.write(data);
    if (this.status === 0) this.status = 200;
    if (err === null) this.bytes += typeof data === 'string' ? byteLengthOf(data) : data.byteLength;
    return err;
  }

  /** flush flushes the wrapped writer (through {@link ResponseController}); the status becomes 200 if none was set. */
  flush(): void {
    newResponseController(this.w).flush();
    if (this.status === 0) this.status = 200;
  }

  /** drained is the wrapped writer's. */
  drained(): Promise<void> {
    return this.w.drained();
  }

  /** unwrap returns the wrapped writer, for {@link ResponseController}. */
  unwrap(): ResponseWriter {
    return this.w;
  }
}
