/**
 * ResponseController: access to the optional capabilities of a ResponseWriter — flush, hijack, per-request
 * deadlines, full duplex — through wrapper chains (Go 1.20's `http.ResponseController`, RSP-90…RSP-94).
 * @module
 */

import type { Socket } from 'node:net';
import { ErrHijacked, ErrNotSupported, NetHTTPError, fresh } from '../errors';
import type { ResponseWriter } from '../handler';
import { Response } from './response';

/** A writer that wraps another exposes it with `unwrap()` so that {@link ResponseController} can reach it. */
export interface Unwrapper {
  unwrap(): ResponseWriter;
}

/** The result of a successful hijack: the raw socket. Bytes the client sent after the request are still readable from it. */
export interface Hijacked {
  conn: Socket;
}

function notSupported(): NetHTTPError {
  return new NetHTTPError('ErrNotSupported', 'feature not supported', { cause: ErrNotSupported });
}

/** ResponseController controls a response; create one per request with {@link newResponseController}. */
export class ResponseController {
  constructor(private readonly rw: ResponseWriter) {}

  private find<T>(pick: (w: ResponseWriter) => T | undefined): T | undefined {
    let w: ResponseWriter | undefined = this.rw;
    for (let depth = 0; w !== undefined && depth < 64; depth++) {
      const got = pick(w);
      if (got !== undefined) return got;
      const u: (() => ResponseWriter) | undefined = (w as Partial<Unwrapper>).unwrap;
      w = typeof u === 'function' ? u.call(w) : undefined;
    }
    return undefined;
  }

  /** flush sends buffered data to the client; throws an error wrapping ErrNotSupported when no writer can. */
  flush(): void {
    const f = this.find((w) => (typeof (w as { flush?: unknown }).flush === 'function' ? (w as unknown as { flush(): void }) : undefined));
    if (f === undefined) throw notSupported();
    f.flush();
  }

  /** drained resolves when written data has left for the client (backpressure for streaming handlers). */
  drained(): Promise<void> {
    const r = this.find((w) => (w instanceof Response ? w : undefined));
    return r === undefined ? Promise.resolve() : r.drained();
  }

  /**
   * hijack takes over the connection (Go's `Hijack`, RSP-85…RSP-88): the server writes nothing more on it and
   * never closes it. Throws ErrHijacked the second time, and an error wrapping ErrNotSupported on carriers without
   * a raw connection.
   */
  hijack(): Hijacked {
    const r = this.find((w) => (w instanceof Response ? w : undefined));
    if (r === undefined || r.sink.hijack === undefined) throw notSupported();
    if (r.hijacked) throw fresh(ErrHijacked);
    if (r.handlerDone) throw new Error('net/http: Hijack called after ServeHTTP finished');
    // The server writes nothing more on the connection: not even a pending 100 Continue (RSP-88).
    r.sink.disableContinue?.();
    const res = r.sink.hijack(r) as Hijacked;
    r.hijacked = true;
    return res;
  }

  /** setReadDeadline sets the read deadline of the connection (a Date, or null for none, RSP-92). */
  setReadDeadline(t: Date | null): void {
    const r = this.find((w) => (w instanceof Response && w.sink.setReadDeadline !== undefined ? w : undefined));
    if (r === undefined) throw notSupported();
    r.sink.setReadDeadline!(t === null ? 0 : t.getTime());
  }

  /** setWriteDeadline sets the write deadline of the connection (a Date, or null for none, RSP-92). */
  setWriteDeadline(t: Date | null): void {
    const r = this.find((w) => (w instanceof Response && w.sink.setWriteDeadline !== undefined ? w : undefined));
    if (r === undefined) throw notSupported();
    r.sink.setWriteDeadline!(t === null ? 0 : t.getTime());
  }

  /** enableFullDuplex lets the handler read the request body after writing the response head (RSP-94). */
  enableFullDuplex(): void {
    const r = this.find((w) => (w instanceof Response && w.sink.enableFullDuplex !== undefined ? w : undefined));
    if (r === undefined) throw notSupported();
    r.sink.enableFullDuplex!();
  }
}

/** newResponseController returns a {@link ResponseController} for `w` (Go's `http.NewResponseController`). */
export function newResponseController(w: ResponseWriter): ResponseController {
  return new ResponseController(w);
}
