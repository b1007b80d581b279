/**
 * Handler, HandlerFunc and ResponseWriter: the contract between the server and application code.
 * @module
 */

import type { Header } from './header';
import type { Request } from './request';

/**
 * ResponseWriter is what a handler writes its response through (Go's `http.ResponseWriter`).
 *
 * The response is complete when the handler returns (or its promise settles). {@link ResponseWriter.write} never
 * throws: it returns null when the bytes were accepted, or the error Go's `Write` would return
 * ({@link ErrBodyNotAllowed}, {@link ErrContentLength}, {@link ErrHijacked}, {@link ErrHandlerTimeout}); in Go
 * every such error comes with n = 0, so the byte count is implied.
 */
export interface ResponseWriter {
  /** header returns the header map that {@link ResponseWriter.writeHeader} will send; the same object every call. */
  header(): Header;
  /**
   * write sends body bytes, calling `writeHeader(200)` first if no status was set. A string is sent as its bytes
   * ({@link bytesOf}: UTF-8, so text from the request goes back byte for byte). Returns null, or the error Go would
   * return.
   */
  write(data: string | Uint8Array): Error | null;
  /**
   * writeHeader sends the status code and the header. A 1xx code (other than 101) sends an informational
   * response at once; a second final status is ignored and logged (RSP-17). Codes outside 100–999 throw.
   */
  writeHeader(statusCode: number): void;
}

/** Flusher is implemented by writers that can send buffered data now (Go's `http.Flusher`). */
export interface Flusher {
  /** flush sends what is buffered to the client. */
  flush(): void;
}

/**
 * Handler responds to an HTTP request (Go's `http.Handler`). Throwing (or rejecting) is Go's panic: the server
 * logs it and aborts the connection; {@link ErrAbortHandler} aborts silently.
 */
export interface Handler {
  serveHTTP(w: ResponseWriter, r: Request): void | Promise<void>;
}

/** HandlerFunc is a plain function used as a {@link Handler} (Go's `http.HandlerFunc`). */
export type HandlerFunc = (w: ResponseWriter, r: Request) => void | Promise<void>;

/** A {@link Handler} or a {@link HandlerFunc}; every API that takes a handler accepts both. */
export type HandlerLike = Handler | HandlerFunc;

class FuncHandler implements Handler {
  constructor(readonly fn: HandlerFunc) {}
  serveHTTP(w: ResponseWriter, r: Request): void | Promise<void> {
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
