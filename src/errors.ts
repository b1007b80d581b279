/**
 * Error values of nethttp, named after Go's `net/http` sentinels.
 *
 * Every sentinel is a {@link NetHTTPError} with a stable `code`. Two copies of this module (one loaded through
 * `import`, one through `require`) create distinct objects, so compare with {@link errorIs} rather than `===`;
 * `instanceof` works across copies because the classes check a registry-wide brand.
 * @module
 */

const kBrand = Symbol.for('nethttp.error');
const kProtocol = Symbol.for('nethttp.ProtocolError');
const kPattern = Symbol.for('nethttp.PatternError');
const kMaxBytes = Symbol.for('nethttp.MaxBytesError');

/**
 * NetHTTPError is the base class of every error nethttp creates. `code` names the Go sentinel it mirrors
 * (`"ErrServerClosed"`), so that errors from two copies of the module can be matched.
 */
export class NetHTTPError extends Error {
  /** The Go name of the sentinel or error type, e.g. `ErrBodyNotAllowed`. */
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = 'NetHTTPError';
    (this as unknown as Record<symbol, boolean>)[kBrand] = true;
  }
  static override [Symbol.hasInstance](x: unknown): boolean {
    return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[kBrand] === true;
  }
}

/**
 * errorIs reports whether `err`, or any error in its `cause` chain, is `target` (Go's `errors.Is`):
 * the same object, or a {@link NetHTTPError} with the same `code` from another copy of the module.
 */
export function errorIs(err: unknown, target: unknown): boolean {
  for (let e = err, depth = 0; e != null && depth < 32; depth++) {
    if (e === target) return true;
    if (e instanceof NetHTTPError && target instanceof NetHTTPError && e.code === target.code &&
        e.constructor === NetHTTPError && target.constructor === NetHTTPError) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * @internal A new error that {@link errorIs} matches to the sentinel `s`, made where it is thrown so that its stack
 * shows the caller's line (a sentinel made at module load carries a stack of its own, useless in a panic log).
 */
export function fresh(s: NetHTTPError): NetHTTPError {
  return new NetHTTPError(s.code, s.message);
}

// The sentinels below carry Go's texts exactly (RSP-150).
function sentinel(code: string, message: string): NetHTTPError {
  return Object.freeze(new NetHTTPError(code, message)) as NetHTTPError;
}

/** ErrUnexpectedEOF is thrown by a body read when the client closed before the body's end (Go's `io.ErrUnexpectedEOF`). */
export const ErrUnexpectedEOF = sentinel('ErrUnexpectedEOF', 'unexpected EOF');

/** ErrServerClosed is returned by `serve` and `listenAndServe` after `shutdown` or `close` (SRV-21). */
export const ErrServerClosed = sentinel('ErrServerClosed', 'http: Server closed');
/** ErrBodyNotAllowed is reported by `write` when the method or status forbids a body (HEAD, 1xx, 204, 304). */
export const ErrBodyNotAllowed = sentinel('ErrBodyNotAllowed', 'http: request method or response status code does not allow body');
/** ErrHijacked is reported by `write` and `hijack` after the connection was hijacked (RSP-87). */
export const ErrHijacked = sentinel('ErrHijacked', 'http: connection has been hijacked');
/** ErrContentLength is reported by `write` past a declared Content-Length (RSP-44). */
export const ErrContentLength = sentinel('ErrContentLength', 'http: wrote more than the declared Content-Length');
/** ErrHandlerTimeout is reported by writes of a handler after its `timeoutHandler` deadline (RSP-123). */
export const ErrHandlerTimeout = sentinel('ErrHandlerTimeout', 'http: Handler timeout');
/**
 * ErrWriteAfterHandler is returned by `write` after the handler returned (or its promise settled): the response was
 * already finished, so the bytes are dropped, and the first such write of a response is logged with the likely cause
 * (a missing `await` or `return`). Go leaves this case undefined (RSP-26); nethttp refuses it.
 */
export const ErrWriteAfterHandler = sentinel('ErrWriteAfterHandler', 'http: write after handler returned');
/** ErrBodyReadAfterClose is thrown by reading a request body that was closed (SRV-86). */
export const ErrBodyReadAfterClose = sentinel('ErrBodyReadAfterClose', 'http: invalid Read on closed Body');
/**
 * ErrAbortHandler, thrown by a handler, aborts the response and closes the connection without logging
 * (SRV-99). Only this exact value is silent; an error merely wrapping it is logged.
 */
export const ErrAbortHandler = sentinel('ErrAbortHandler', 'net/http: abort Handler');
/** ErrNotSupported is wrapped by {@link ResponseController} methods the writer cannot perform (RSP-90). */
export const ErrNotSupported = sentinel('ErrNotSupported', 'feature not supported');
/**
 * ErrBodyConsumed is thrown by reading the body of a request served through a Node carrier when something read the
 * Node stream before the handler, typically a body parser mounted in front (`express.json()`,
 * `express.urlencoded()`), and left no copy of the bytes. nethttp has no Go counterpart: in Go nothing else can
 * read the body first. Mount nethttp's middleware before the parser, or let the parser keep the bytes
 * (`express.json({ verify: keepRawBody })` from `nethttp/adapters/express`).
 */
export const ErrBodyConsumed = sentinel(
  'ErrBodyConsumed',
  'http: the request body was read before the handler, by middleware in front of it (a body parser such as express.json()), ' +
    'and no copy of its bytes was kept: mount the nethttp middleware before the body parser, or keep the bytes ' +
    '(express.json({ verify: keepRawBody }))',
);
/** ErrMissingFile is thrown by `formFile` when the field has no file. */
export const ErrMissingFile = sentinel('ErrMissingFile', 'http: no such file');
/** ErrNoCookie is thrown by `r.cookie(name)` when no such cookie was sent. */
export const ErrNoCookie = sentinel('ErrNoCookie', 'http: named cookie not present');
/** ErrNotMultipart is thrown by `parseMultipartForm` when the body is not multipart/form-data. */
export const ErrNotMultipart = sentinel('ErrNotMultipart', "request Content-Type isn't multipart/form-data");
/** ErrMissingBoundary is thrown when a multipart Content-Type has no boundary parameter. */
export const ErrMissingBoundary = sentinel('ErrMissingBoundary', 'no multipart boundary param in Content-Type');
/** ErrLineTooLong is thrown when a chunked body has a line too long to be valid. */
export const ErrLineTooLong = sentinel('ErrLineTooLong', 'header line too long');

/**
 * MaxBytesError is thrown by a body wrapped in {@link maxBytesReader} once more than `limit` bytes were
 * requested (RSP-140). Its message is Go's: `http: request body too large`.
 */
export class MaxBytesError extends NetHTTPError {
  /** The limit that was exceeded. */
  readonly limit: number;
  constructor(limit: number) {
    super('MaxBytesError', 'http: request body too large');
    this.name = 'MaxBytesError';
    this.limit = limit;
    (this as unknown as Record<symbol, boolean>)[kMaxBytes] = true;
  }
  static override [Symbol.hasInstance](x: unknown): boolean {
    return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[kMaxBytes] === true;
  }
}

/**
 * PatternError is thrown at registration by a {@link ServeMux} for an invalid pattern or a conflict between
 * two patterns (Go panics there). `pattern` is the offending pattern; the message says why.
 */
export class PatternError extends NetHTTPError {
  /** The pattern whose registration failed. */
  readonly pattern: string;
  /** For a conflict, the already registered pattern it conflicts with. */
  readonly conflictsWith: string | undefined;
  constructor(pattern: string, message: string, conflictsWith?: string) {
    super('PatternError', message);
    this.name = 'PatternError';
    this.pattern = pattern;
    this.conflictsWith = conflictsWith;
    (this as unknown as Record<symbol, boolean>)[kPattern] = true;
  }
  static override [Symbol.hasInstance](x: unknown): boolean {
    return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[kPattern] === true;
  }
}

/** ProtocolError describes a malformed HTTP request or response (Go's `*http.ProtocolError`). */
export class ProtocolError extends NetHTTPError {
  constructor(message: string) {
    super('ProtocolError', message);
    this.name = 'ProtocolError';
    (this as unknown as Record<symbol, boolean>)[kProtocol] = true;
  }
  static override [Symbol.hasInstance](x: unknown): boolean {
    return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[kProtocol] === true;
  }
}

/** ErrNotExist reports a file that does not exist (Go's `fs.ErrNotExist`); file servers answer it with 404. */
export const ErrNotExist = sentinel('ErrNotExist', 'file does not exist');
/** ErrPermission reports a file the process may not read (Go's `fs.ErrPermission`); file servers answer it with 403. */
export const ErrPermission = sentinel('ErrPermission', 'permission denied');
/** ErrInvalid reports an invalid argument, such as a file name that is not a valid path (Go's `fs.ErrInvalid`). */
export const ErrInvalid = sentinel('ErrInvalid', 'invalid argument');
/** ErrClosed reports use of a file after it was closed (Go's `fs.ErrClosed`). */
export const ErrClosed = sentinel('ErrClosed', 'file already closed');

const kPath = Symbol.for('nethttp.PathError');

/**
 * PathError records a file operation that failed, the file name and the cause (Go's `fs.PathError`). `cause` is the
 * underlying error ({@link ErrNotExist}, {@link ErrPermission}, a Node.js system error…), so that
 * `errorIs(err, ErrNotExist)` sees through it. The message is Go's: `open name: file does not exist`.
 */
export class PathError extends NetHTTPError {
  /** The operation: `open`, `stat`, `read`, `readdir`. */
  readonly op: string;
  /** The file name as given to the operation. */
  readonly path: string;
  constructor(op: string, path: string, cause: unknown) {
    super('PathError', `${op} ${path}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'PathError';
    this.op = op;
    this.path = path;
    (this as unknown as Record<symbol, boolean>)[kPath] = true;
  }
  static override [Symbol.hasInstance](x: unknown): boolean {
    return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[kPath] === true;
  }
}

const kJSONBody = Symbol.for('nethttp.JSONBodyError');

/**
 * JSONBodyError is the rejection of {@link readJSON}: `status` is the answer Go services give — 400 for an empty
 * or malformed body, 413 for one past the limit, 415 for a Content-Type that is not JSON (when asked). A handler
 * may catch it and answer in its own format; if it lets it escape before writing anything, the server answers
 * `error(w, err.message, err.status)` on every carrier instead of treating it as a panic.
 */
export class JSONBodyError extends NetHTTPError {
  /** The HTTP status that answers it: 400, 413 or 415. */
  readonly status: 400 | 413 | 415;
  constructor(status: 400 | 413 | 415, message: string, options?: { cause?: unknown }) {
    super('JSONBodyError', message, options);
    this.name = 'JSONBodyError';
    this.status = status;
    (this as unknown as Record<symbol, boolean>)[kJSONBody] = true;
  }
  static override [Symbol.hasInstance](x: unknown): boolean {
    return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[kJSONBody] === true;
  }
}

/** NetError is a network error (Go's `net.Error`): an accept error, where `temporary` errors (EMFILE, ENFILE, ECONNABORTED…) make the server retry (SRV-26). */
export class NetError extends Error {
  constructor(message: string, readonly temporary: boolean, readonly code?: string) {
    super(message);
    this.name = 'NetError';
  }
}

/**
 * @internal The error `write` returns once the client is gone (Go returns the failed write's `*net.OpError`, such as
 * `write: broken pipe` or `connection reset by peer`).
 */
export function peerGoneError(cause?: unknown): NetError {
  const e = new NetError('write: connection closed by the peer', false, 'ECONNRESET');
  if (cause !== undefined) (e as { cause?: unknown }).cause = cause;
  return e;
}

