/**
 * Handler, HandlerFunc and ResponseWriter: the contract between the server and application code.
 * @module
 */

import type { Header } from './header';
import type { Request } from './request/request';

/**
 * ResponseWriter is what a handler writes its response through (Go's `http.ResponseWriter`).
 *
 * The response is complete when the handler returns (or its promise settles). {@link ResponseWriter.write} does not
 * throw for what happens at run time: it returns null when the bytes were accepted, or the error Go's `Write` would
 * return (see its list); in Go every such error comes with n = 0, so the byte count is implied.
 */
export interface ResponseWriter {
  /** header returns the header map that {@link ResponseWriter.writeHeader} will send; the same object every call. */
  header(): Header;
  /**
   * write sends body bytes, calling `writeHeader(200)` first if no status was set. A string is sent as its bytes
   * ({@link bytesOf}: UTF-8, so text from the request goes back byte for byte); a Uint8Array is copied as far as it is
   * kept, so the caller may reuse it once write returns. Returns null, or the error:
   * - {@link ErrBodyNotAllowed} after a 1xx, 204 or 304 status or for HEAD;
   * - {@link ErrContentLength} past a declared `Content-Length`;
   * - {@link ErrHijacked} after a hijack; {@link ErrHandlerTimeout} past a `timeoutHandler` deadline;
   * - {@link ErrWriteAfterHandler} after the handler returned (logged once per response);
   * - a {@link NetError} once the client is gone (its connection reset or closed): stop writing then.
   *
   * Anything but a string or a Uint8Array throws a TypeError naming the mistake.
   */
  write(data: string | Uint8Array): Error | null;
  /**
   * writeHeader sends the status code and the header. A 1xx code (other than 101) sends an informational
   * response at once; a second final status is ignored and logged (RSP-17). Codes outside 100–999 throw.
   */
  writeHeader(statusCode: number): void;
  /**
   * drained resolves when the bytes written so far have left for the client (or the client is gone), so that a
   * handler streaming a large body keeps memory bounded: `w.write(chunk); await w.drained()`. A writer that wraps
   * another returns the inner writer's `drained()`. Go has no counterpart: its Write blocks instead.
   */
  drained(): Promise<void>;
}

/** Flusher is implemented by writers that can send buffered data now (Go's `http.Flusher`). */
export interface Flusher {
  /** flush sends what is buffered to the client. */
  flush(): void;
}

/**
 * Handler responds to an HTTP request (Go's `http.Handler`). The response is finished when `serveHTTP` returns, or
 * when the promise it returns settles; any other return value is ignored (a string, an object or a web `Response`
 * returned is logged as ignored: write the response through `w`). Throwing (or rejecting) is Go's panic: the server
 * logs it and aborts the connection ({@link recoverHandler} answers 500 instead); {@link ErrAbortHandler} aborts
 * silently.
 */
export interface Handler {
  serveHTTP(w: ResponseWriter, r: Request): unknown;
}

/**
 * HandlerFunc is a plain function used as a {@link Handler} (Go's `http.HandlerFunc`). It may return anything:
 * a promise is awaited, every other value ignored, so `(w) => w.write('hi')` is a complete handler.
 */
export type HandlerFunc = (w: ResponseWriter, r: Request) => unknown;

/** A {@link Handler} or a {@link HandlerFunc}; every API that takes a handler accepts both. */
export type HandlerLike = Handler | HandlerFunc;

class FuncHandler implements Handler {
  constructor(readonly fn: HandlerFunc) {}
  serveHTTP(w: ResponseWriter, r: Request): unknown {
    return this.fn(w, r);
  }
}

/** handlerFunc makes a {@link Handler} of a function (Go's `http.HandlerFunc(f)`). */
export function handlerFunc(fn: HandlerFunc): Handler {
  return new FuncHandler(fn);
}

/** @internal Normalises a {@link HandlerLike} to a {@link Handler}; throws a TypeError for anything else. */
export function toHandler(h: HandlerLike): Handler {
  if (typeof h === 'function') return new FuncHandler(h);
  if (h !== null && typeof h === 'object' && typeof (h as Handler).serveHTTP === 'function') return h;
  throw new TypeError('http: nil handler');
}

/**
 * @internal What a carrier does with a handler's return value: a promise (any thenable) is returned to be awaited;
 * anything else is ignored (null), after a log line for a value that looks like a response the handler meant to
 * send (a string, a web `Response`, a plain object or array): handlers write through `w`. Errors (`write`'s result
 * in a one-liner such as `(w) => w.write('x')`) and other primitives are ignored silently.
 */
export function handlerPromise(ret: unknown, log: (message: string) => void, r: Request): PromiseLike<unknown> | null {
  if (ret === undefined || ret === null) return null;
  if (typeof (ret as PromiseLike<unknown>).then === 'function') return ret as PromiseLike<unknown>;
  const what = ignoredKind(ret);
  if (what !== null) {
    log(
      `http: the handler for ${r.method} ${r.url.path} returned ${what}, which is ignored: a handler's return value is not ` +
        'the response; write it with w.write (writeJSON for a value), or return a promise to be awaited',
    );
  }
  return null;
}

function ignoredKind(v: unknown): string | null {
  if (typeof v === 'string') return 'a string';
  if (typeof v !== 'object' || v === null || v instanceof Error) return null;
  const ctor = (v as { constructor?: { name?: string } }).constructor?.name;
  // By shape: a platform may replace the global Response with a class of its own (@hono/node-server does).
  const res = v as { arrayBuffer?: unknown; status?: unknown; headers?: unknown };
  if (typeof res.arrayBuffer === 'function' && typeof res.status === 'number' && typeof res.headers === 'object') return 'a web Response';
  if (Array.isArray(v)) return 'an array';
  if (ctor === 'Object' || ctor === undefined) return 'an object';
  return null;
}
