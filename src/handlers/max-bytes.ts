/**
 * maxBytesReader and maxBytesHandler: request body limits (RSP-140…RSP-142, SRV-90).
 * @module
 */

import { BodyReader, type Body } from '../request/body';
import { MaxBytesError } from '../errors';
import { toHandler, type Handler, type HandlerLike, type ResponseWriter } from '../handler';
import type { Request } from '../request/request';
import { Response } from '../response/response';

class MaxBytesBody extends BodyReader {
  /** Tells parseForm the body already has a limit (Go type-checks for *maxBytesReader). */
  readonly maxBytes = true;
  private left: number;
  private err: MaxBytesError | null = null;
  constructor(private readonly w: ResponseWriter, private readonly inner: Body, private readonly n: number) {
    super();
    this.left = n;
  }
  async read(max = 65536): Promise<Buffer | null> {
    if (this.err) throw this.err;
    if (max <= 0) return Buffer.alloc(0);
    // Ask for one byte more than allowed, to tell "exactly n" from "more than n" (RSP-140).
    const b = await this.inner.read(Math.min(max, this.left + 1));
    if (b === null) return null;
    if (b.length <= this.left) {
      this.left -= b.length;
      return b;
    }
    const ok = b.subarray(0, this.left);
    this.left = 0;
    this.err = new MaxBytesError(this.n);
    if (this.w instanceof Response) this.w.sink.requestTooLarge?.(this.w);
    if (ok.length > 0) return ok;
    throw this.err;
  }
  close(): void {
    this.inner.close();
  }
}

/**
 * maxBytesReader limits a request body to `n` bytes (Go's `http.MaxBytesReader`): reading past the limit rejects
 * with {@link MaxBytesError}, and the server closes the connection after the response (RSP-141).
 */
export function maxBytesReader(w: ResponseWriter, body: Body, n: number): Body {
  return new MaxBytesBody(w, body, n < 0 ? 0 : n);
}

/** maxBytesHandler calls `h` with the request body limited to `n` bytes (Go's `http.MaxBytesHandler`, RSP-142). */
export function maxBytesHandler(h: HandlerLike, n: number): Handler {
  const inner = toHandler(h);
  return {
    serveHTTP(w: ResponseWriter, r: Request): unknown {
      const r2 = r.shallowCopy();
      r2.body = maxBytesReader(w, r.body, n);
      return inner.serveHTTP(w, r2);
    },
  };
}
