/**
 * fromExpress: an Express/Connect middleware `(req, res, next)` in front of Go-style handlers, on every carrier
 * (the native Server included), without Express.
 *
 * The middleware gets a request and a response that behave as Node's `IncomingMessage` and `ServerResponse` do for
 * what middleware uses (header fields, `writeHead`/`write`/`end` and the hooks that wrap them, the body as a
 * readable stream, `'finish'`), and that write through the handler's {@link ResponseWriter}: the response core still
 * decides the framing. When it calls `next()`, the next handler runs and writes through the same response object,
 * so what the middleware wrapped (compression's gzip, on-headers hooks) sees the handler's output.
 * @module
 */

import { EventEmitter } from 'node:events';
import { OutgoingMessage } from 'node:http';
import { Readable, Stream } from 'node:stream';
import {
  ErrAbortHandler, ErrBodyConsumed, ErrBodyNotAllowed, Header, bytesBody, bytesOf, canonicalHeaderKey, error as httpError,
  newResponseController, statusText, type Body, type Handler, type Logger, type Middleware, type Request,
  type ResponseWriter,
} from '../../src/index';
import { bodyAllowedForStatus, logf } from '../../src/carrier';

/** A Connect/Express middleware: `cors()`, `helmet()`, `morgan('tiny')`, `compression()`, `express.json()`… */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ConnectMiddleware = (req: any, res: any, next: (err?: unknown) => void) => unknown;

/** Options of {@link fromExpress}. */
export interface FromExpressOptions {
  /**
   * Answers an error the middleware passed to `next(err)` (or threw), as an Express error handler would. Default:
   * Express's final handler, in plain text: the status of `err.status` or `err.statusCode` when it is 4xx or 5xx
   * (else 500) with its status text, the fields of `err.headers`, and a log line for a 5xx.
   */
  onError?: (err: unknown, w: ResponseWriter, r: Request) => void | Promise<void>;
  /** Where the default error answer logs a 5xx; default stderr with Go's log prefix. */
  errorLog?: Logger;
}

/**
 * fromExpress turns a Connect/Express middleware into a nethttp {@link Middleware} `(next: Handler) => Handler`, to
 * put `cors()`, `helmet()`, `morgan()`, `compression()`, `express.json()` or `cookieParser()` in front of a
 * ServeMux on any carrier:
 *
 * ```ts
 * const h = chain(fromExpress(cors()), fromExpress(compression()))(mux);
 * await new Server({ handler: h, addr: ':8080' }).listenAndServe();
 * ```
 *
 * What the middleware does behaves as under Express: fields it sets are in the response (and in `w.header()`), a
 * response it ends (a CORS preflight) is the answer and `next` never runs, a body it transforms (gzip) is what the
 * client gets, and `next(err)` is answered by `options.onError` (Express's error handler). What it leaves on the
 * request (`req.body`, `req.cookies`) the next handler reads with {@link expressRequest}; a body it read is gone
 * from `r.body` (reads reject with {@link ErrBodyConsumed}) unless it kept the bytes ({@link keepRawBody}).
 */
export function fromExpress(mw: ConnectMiddleware, options: FromExpressOptions = {}): Middleware {
  if (typeof mw !== 'function') throw new TypeError('fromExpress: middleware must be a function (req, res, next)');
  const swaps = typeof (mw as { handle?: unknown }).handle === 'function';
  return (next: Handler): Handler => ({ serveHTTP: (w, r) => run(mw, next, w, r, options, swaps) });
}

// What the stand-ins keep through a prototype swap: their own members, less those Express's request defines itself
// (its `req.get`, `req.ip`, `req.protocol`, `req.secure` honour the app's settings, 'trust proxy' among them).
const EXPRESS_OWNS = new Set(['constructor', 'get', 'header', 'ip', 'protocol', 'secure']);
function members(proto: object): [string | symbol, PropertyDescriptor][] {
  const all = Object.getOwnPropertyDescriptors(proto) as Record<string | symbol, PropertyDescriptor>;
  return Reflect.ownKeys(all).filter((k) => typeof k === 'symbol' || !EXPRESS_OWNS.has(k)).map((k) => [k, all[k]]);
}
let requestMembers: [string | symbol, PropertyDescriptor][] | null = null;
let responseMembers: [string | symbol, PropertyDescriptor][] | null = null;

/**
 * An Express app (and a router holding one) replaces the prototypes of the request and response it is given with
 * its own, made from Node's `IncomingMessage` and `ServerResponse` (`Object.setPrototypeOf(req, app.request)`).
 * The stand-ins' members are copied onto the objects themselves, so they are still what runs after the swap.
 */
function pin(req: MiddlewareRequest, res: MiddlewareResponse): void {
  requestMembers ??= members(MiddlewareRequest.prototype);
  responseMembers ??= members(MiddlewareResponse.prototype);
  for (const [k, d] of requestMembers) Object.defineProperty(req, k, d);
  for (const [k, d] of responseMembers) Object.defineProperty(res, k, d);
}

type Outcome = { kind: 'ended' } | { kind: 'next' } | { kind: 'error'; err: unknown };

async function run(mw: ConnectMiddleware, next: Handler, w: ResponseWriter, r: Request, o: FromExpressOptions, swaps: boolean): Promise<void> {
  const outer = r.exchange;
  const req = new MiddlewareRequest(r, outer?.req as { [k: string]: unknown } | undefined);
  const res = new MiddlewareResponse(w, req, outer?.res as { locals?: unknown } | undefined);
  req.res = res;
  if (swaps) pin(req, res);
  const out = await new Promise<Outcome>((resolve) => {
    let called = false;
    res.onEnded = () => resolve({ kind: 'ended' });
    const nextFn = (err?: unknown): void => {
      if (called) return;
      called = true;
      // 'route' and 'router' skip the rest of an Express router: here there is only the next handler.
      resolve(err === undefined || err === null || err === 'route' || err === 'router' ? { kind: 'next' } : { kind: 'error', err });
    };
    try {
      const p = mw(req, res, nextFn) as Promise<unknown> | undefined;
      // Express 5 passes a rejected promise of a middleware to next(err).
      if (p !== null && typeof p === 'object' && typeof p.then === 'function') {
        p.then(undefined, (e: unknown) => nextFn(e ?? new Error('Rejected promise')));
      }
    } catch (e) {
      nextFn(e);
    }
  });
  if (out.kind === 'ended') return res.whenEnded();
  const mw2 = new MiddlewareWriter(w, res);
  if (out.kind === 'error') {
    if (res.headersSent) throw ErrAbortHandler; // Express's final handler destroys the socket then
    if (o.onError !== undefined) await o.onError(out.err, mw2, r);
    else answerError(out.err, mw2, o.errorLog);
    return mw2.end();
  }
  // The next handler reads what the middleware left of the body, and reaches the middleware's objects.
  if (req.touched) r.body = leftBody(req);
  const x = new MiddlewareExchange(req, res, outer);
  r.exchange = x;
  try {
    await next.serveHTTP(mw2, r);
  } catch (err) {
    res.abandon();
    throw err;
  } finally {
    r.exchange = outer;
  }
  if (x.declined) {
    res.abandon();
    return;
  }
  return mw2.end();
}

// What a body reader left: the bytes it kept (keepRawBody, express.raw()), else an error naming what happened.
function leftBody(req: MiddlewareRequest): Body {
  const raw = (req as { rawBody?: unknown }).rawBody ?? (Buffer.isBuffer((req as { body?: unknown }).body) ? (req as { body?: unknown }).body : undefined);
  if (raw instanceof Uint8Array) return bytesBody(raw);
  return consumedBody;
}
const consumedBody: Body = Object.freeze({
  read: () => Promise.reject(ErrBodyConsumed),
  readAll: () => Promise.reject(ErrBodyConsumed),
  close: () => undefined,
  [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(ErrBodyConsumed) }),
}) as unknown as Body;

// Express's final handler, in plain text (Go's http.Error): the error's own 4xx/5xx status, else 500.
function answerError(err: unknown, w: ResponseWriter, log: Logger | undefined): void {
  const e = (err ?? {}) as { status?: unknown; statusCode?: unknown; headers?: unknown; stack?: unknown };
  let code = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : 500;
  if (!(code >= 400 && code <= 599)) code = 500;
  const h = w.header();
  h.del('Content-Encoding');
  h.del('Content-Language');
  h.del('Content-Range');
  if (code < 500 && e.headers !== null && typeof e.headers === 'object') {
    for (const [k, v] of Object.entries(e.headers as Record<string, unknown>)) h.set(k, String(v));
  }
  if (code >= 500) logf(log ?? null, `http: middleware error: ${typeof e.stack === 'string' ? e.stack : String(err)}`);
  httpError(w, statusText(code) || String(code), code);
}

/** The exchange the next handler sees: {@link expressRequest} gives the middleware's request; declining goes outward. */
class MiddlewareExchange {
  declined = false;
  constructor(
    readonly req: MiddlewareRequest,
    readonly res: MiddlewareResponse,
    private readonly outer: Request['exchange'],
  ) {}
  get mount(): string {
    return this.outer?.mount ?? '';
  }
  decline(): boolean {
    if (this.outer === null || this.res.headersSent) return false;
    this.declined = this.outer.decline();
    return this.declined;
  }
}

/** A stand-in for the socket: the peer's address, and events nobody emits (on-finished listens to them). */
class MiddlewareSocket extends EventEmitter {
  readonly remoteAddress: string;
  readonly remotePort: number | undefined;
  readonly encrypted: boolean;
  readonly writable = true;
  readonly readable = true;
  constructor(r: Request) {
    super();
    const a = r.remoteAddr;
    const i = a.lastIndexOf(':');
    const host = i === -1 ? a : a.slice(0, i);
    this.remoteAddress = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
    this.remotePort = i === -1 ? undefined : Number(a.slice(i + 1));
    this.encrypted = r.tls !== undefined;
  }
  setTimeout(): this {
    return this;
  }
  destroy(): this {
    return this;
  }
}

/**
 * The request a middleware sees: `method`, `url`, `originalUrl`, `headers` (lower-case names), `httpVersion`,
 * `socket`, and the body as a readable stream pulled from `r.body` as it is read.
 */
class MiddlewareRequest extends Readable {
  readonly method: string;
  url: string;
  originalUrl: string;
  readonly httpVersion: string;
  readonly httpVersionMajor: number;
  readonly httpVersionMinor: number;
  baseUrl: string;
  params: Record<string, unknown>;
  complete = false;
  aborted = false;
  /** Whether the middleware started reading the body. */
  touched = false;
  res: MiddlewareResponse | null = null;
  private hdrs: Record<string, string | string[]> | null = null;
  private sock: MiddlewareSocket | null = null;

  constructor(
    readonly r: Request,
    outer: { [k: string]: unknown } | undefined,
  ) {
    super({ highWaterMark: 16384 });
    this.method = r.method;
    this.url = r.requestURI !== '' ? r.requestURI : r.url.requestURI();
    this.originalUrl = typeof outer?.originalUrl === 'string' ? outer.originalUrl : this.url;
    this.baseUrl = typeof outer?.baseUrl === 'string' ? outer.baseUrl : '';
    this.params = {};
    this.httpVersionMajor = r.protoMajor;
    this.httpVersionMinor = r.protoMinor;
    this.httpVersion = `${r.protoMajor}.${r.protoMinor}`;
  }

  /** Node's `req.headers`: lower-case names; repeated fields joined with `, ` (`; ` for Cookie), Set-Cookie a list. */
  get headers(): Record<string, string | string[]> {
    if (this.hdrs !== null) return this.hdrs;
    const r = this.r;
    const out: Record<string, string | string[]> = {};
    if (r.host !== '') out.host = r.host;
    for (const [k, vs] of r.header) {
      const lk = k.toLowerCase();
      if (lk === 'host') continue;
      out[lk] = lk === 'set-cookie' ? [...vs] : vs.join(lk === 'cookie' ? '; ' : ', ');
    }
    // Go keeps the framing out of the header map; body parsers look at these two to know there is a body.
    if (r.transferEncoding.length > 0 && out['transfer-encoding'] === undefined) out['transfer-encoding'] = r.transferEncoding.join(', ');
    if (r.contentLength > 0 && out['content-length'] === undefined) out['content-length'] = String(r.contentLength);
    return (this.hdrs = out);
  }
  set headers(v: Record<string, string | string[]>) {
    this.hdrs = v;
  }

  get socket(): MiddlewareSocket {
    return (this.sock ??= new MiddlewareSocket(this.r));
  }
  get connection(): MiddlewareSocket {
    return this.socket;
  }
  get ip(): string {
    return this.socket.remoteAddress;
  }
  get protocol(): string {
    return this.r.tls !== undefined ? 'https' : 'http';
  }
  get secure(): boolean {
    return this.r.tls !== undefined;
  }
  /** Express's `req.get(name)`. */
  get(name: string): string | string[] | undefined {
    const k = name.toLowerCase();
    return this.headers[k === 'referrer' ? 'referer' : k];
  }
  header(name: string): string | string[] | undefined {
    return this.get(name);
  }

  override _read(size: number): void {
    this.touched = true;
    this.r.body.read(Math.max(size, 16384)).then(
      (b) => {
        if (b === null) {
          this.complete = true;
          this.push(null);
        } else {
          this.push(b);
        }
      },
      (err: unknown) => this.destroy(err instanceof Error ? err : new Error(String(err))),
    );
  }
}

/** Node's error for a header change after the head went out. */
function headersSentError(what: string): Error {
  return Object.assign(new Error(`Cannot ${what} headers after they are sent to the client`), { code: 'ERR_HTTP_HEADERS_SENT' });
}

// The symbol under which Node's OutgoingMessage keeps its header fields (an object of [name, value] by lower name).
const kOutHeaders: symbol = Object.getOwnPropertySymbols(new OutgoingMessage()).find((k) => k.description === 'kOutHeaders') ?? Symbol('kOutHeaders');

// Written bytes past which `write` returns false, until the carrier drained them (as a ServerResponse does).
const HIGH_WATER = 16384;

/**
 * The response a middleware sees: Node's `ServerResponse` for what middleware uses. Its header fields are the
 * handler's `w.header()`; `writeHead` sets the status through `w.writeHeader`; `write` and `end` go to `w.write`.
 * Middleware that wraps these methods (on-headers, compression) wraps what the next handler writes through.
 */
class MiddlewareResponse extends Stream {
  statusCode = 200;
  statusMessage = '';
  headersSent = false;
  /** Node's `finished` and `writableEnded`: `end` was called. */
  writableEnded = false;
  writableFinished = false;
  readonly locals: Record<string, unknown>;
  readonly socket = null;
  readonly connection = null;
  readonly sendDate = true;
  /** Called when `end` ran (the response is complete). */
  onEnded: (() => void) | null = null;
  /** The writer asked to flush: written bytes are pushed on at once (compression's flushed pieces). */
  autoFlush = false;
  /** The last error `w.write` returned (ErrContentLength, ErrBodyNotAllowed…). */
  lastError: Error | null = null;
  /** `write` returned false: `'drain'` comes when the carrier drained. */
  needDrain = false;
  private pending = 0;
  /** The length `end` is about to write when it sends the head, or -1: the automatic Content-Length. */
  private endingLength = -1;
  private removedLength = false;
  private arrays: Set<string> | null = null;
  private outHeaders: Record<string, [string, string | string[]]> | null = null;

  constructor(
    readonly w: ResponseWriter,
    readonly req: MiddlewareRequest,
    outer: { locals?: unknown } | undefined,
  ) {
    super();
    this.locals = (outer?.locals as Record<string, unknown> | undefined) ?? {};
  }

  get finished(): boolean {
    return this.writableEnded;
  }
  get writable(): boolean {
    return !this.writableEnded;
  }
  /**
   * Node's head text once it went out, else null; middleware of an older style tests it for truth (compression
   * before 1.8: `if (!res._header) res._implicitHeader()`), so it is the status line here, never empty.
   */
  get _header(): string | null {
    return this.headersSent ? `HTTP/1.1 ${this.statusCode} ${this.statusMessage || statusText(this.statusCode)}\r\n` : null;
  }
  /** Node's `_implicitHeader`: the head with the current status (what `write` does first). */
  _implicitHeader(): void {
    this.writeHead(this.statusCode);
  }

  setHeader(name: string, value: string | number | readonly string[]): this {
    if (this.headersSent) throw headersSentError('set');
    const k = canonicalHeaderKey(name);
    if (Array.isArray(value)) {
      this.w.header().setRaw(k, value.map(String));
      (this.arrays ??= new Set()).add(k);
    } else {
      this.w.header().set(k, String(value));
      this.arrays?.delete(k);
    }
    if (k === 'Content-Length') this.removedLength = false;
    return this;
  }
  appendHeader(name: string, value: string | readonly string[]): this {
    if (this.headersSent) throw headersSentError('append');
    const k = canonicalHeaderKey(name);
    for (const v of Array.isArray(value) ? value : [value]) this.w.header().add(k, String(v));
    return this;
  }
  getHeader(name: string): string | string[] | undefined {
    const k = canonicalHeaderKey(name);
    const vs = this.w.header().getRaw(k);
    if (vs === undefined || vs.length === 0) return undefined;
    return vs.length > 1 || k === 'Set-Cookie' || this.arrays?.has(k) === true ? [...vs] : vs[0];
  }
  getHeaders(): Record<string, string | string[]> {
    const out: Record<string, string | string[]> = Object.create(null);
    for (const k of this.w.header().keys()) {
      const v = this.getHeader(k);
      if (v !== undefined) out[k.toLowerCase()] = v;
    }
    return out;
  }
  getHeaderNames(): string[] {
    return [...this.w.header().keys()].map((k) => k.toLowerCase());
  }
  hasHeader(name: string): boolean {
    return this.w.header().hasRaw(canonicalHeaderKey(name));
  }
  removeHeader(name: string): void {
    if (this.headersSent) throw headersSentError('remove');
    const k = canonicalHeaderKey(name);
    this.w.header().deleteRaw(k);
    if (k === 'Content-Length') this.removedLength = true;
  }

  /**
   * Node's own header store, for code that calls `http.OutgoingMessage.prototype.setHeader` (or `getHeader`…) on
   * the response directly, as the `cookies` package (cookie-session's) does on an Express response: a view of the
   * handler's header, `{ 'set-cookie': ['Set-Cookie', value] }`, whose writes and deletes are this response's.
   */
  get [kOutHeaders](): Record<string, [string, string | string[]]> {
    return (this.outHeaders ??= new Proxy(Object.create(null) as Record<string, [string, string | string[]]>, {
      get: (_t, k) => {
        if (typeof k !== 'string') return undefined;
        const v = this.getHeader(k);
        return v === undefined ? undefined : [canonicalHeaderKey(k), v];
      },
      set: (_t, k, entry: [string, string | string[]]) => {
        if (typeof k !== 'string' || !Array.isArray(entry)) return false;
        this.setHeader(entry[0], entry[1]);
        return true;
      },
      deleteProperty: (_t, k) => {
        if (typeof k === 'string') this.removeHeader(k);
        return true;
      },
      has: (_t, k) => typeof k === 'string' && this.hasHeader(k),
      ownKeys: () => this.getHeaderNames(),
      getOwnPropertyDescriptor: (_t, k) => {
        if (typeof k !== 'string' || !this.hasHeader(k)) return undefined;
        return { value: [canonicalHeaderKey(k), this.getHeader(k)], enumerable: true, configurable: true, writable: true };
      },
    }));
  }
  set [kOutHeaders](_v: unknown) {
    // Node resets its store to null; the handler's header stays the store.
  }

  /** Node's `writeHead(status[, message][, headers])`; the head is fixed here (Go's writeHeader). */
  writeHead(status: number, message?: string | Record<string, unknown> | unknown[], headers?: Record<string, unknown> | unknown[]): this {
    if (this.headersSent) throw headersSentError('write');
    // As Node: the status is made an integer ('410' and 410.1 are 410), and one outside 100-999 throws before
    // anything is sent (Express 4's res.status does not check; its router answers the throw with a 500).
    const code = status | 0;
    if (code < 100 || code > 999) {
      throw Object.assign(new RangeError(`Invalid status code: ${String(status)}`), { code: 'ERR_HTTP_INVALID_STATUS_CODE' });
    }
    status = code;
    if (typeof message !== 'string') {
      headers = message;
    } else {
      this.statusMessage = message;
    }
    this.statusCode = status;
    if (Array.isArray(headers)) {
      for (let i = 0; i + 1 < headers.length; i += 2) this.appendHeader(String(headers[i]), String(headers[i + 1]));
    } else if (headers !== undefined && headers !== null) {
      for (const [k, v] of Object.entries(headers)) if (v !== undefined) this.setHeader(k, v as string);
    }
    const h = this.w.header();
    // end() with the whole body and no length set: Node adds Content-Length, unless a hook removed it.
    if (this.endingLength >= 0 && !this.removedLength && !h.hasRaw('Content-Length') && !h.hasRaw('Transfer-Encoding') &&
      bodyAllowedForStatus(status) && this.req.method !== 'HEAD') {
      h.set('Content-Length', String(this.endingLength));
    }
    this.headersSent = true;
    this.w.writeHeader(status);
    return this;
  }

  /** Node's `flushHeaders`: the head now (through `writeHead`, so hooks run). */
  flushHeaders(): void {
    if (!this.headersSent) this.writeHead(this.statusCode);
  }

  write(chunk: string | Uint8Array, encoding?: BufferEncoding | ((err?: Error | null) => void), cb?: (err?: Error | null) => void): boolean {
    if (typeof encoding === 'function') {
      cb = encoding;
      encoding = undefined;
    }
    if (this.writableEnded) {
      const err = Object.assign(new Error('write after end'), { code: 'ERR_STREAM_WRITE_AFTER_END' });
      if (cb !== undefined) process.nextTick(cb, err);
      return false;
    }
    if (!this.headersSent) this.writeHead(this.statusCode);
    const ok = this.put(chunk, encoding);
    if (cb !== undefined) process.nextTick(cb);
    return ok;
  }

  private put(chunk: string | Uint8Array | undefined | null, encoding: BufferEncoding | undefined): boolean {
    if (chunk === undefined || chunk === null) return !this.needDrain;
    // Strings are text (UTF-8 by the text rule), unless another encoding is named.
    const data = typeof chunk === 'string' && encoding !== undefined && encoding !== 'utf8' && encoding !== 'utf-8' ? Buffer.from(chunk, encoding) : chunk;
    const len = typeof data === 'string' ? data.length : data.byteLength;
    if (len === 0) return !this.needDrain;
    const err = this.w.write(data);
    if (err !== null) this.lastError = err;
    if (this.autoFlush) newResponseController(this.w).flush();
    this.pending += len;
    if (this.pending >= HIGH_WATER && !this.needDrain) {
      this.needDrain = true;
      newResponseController(this.w).drained().then(() => {
        this.pending = 0;
        this.needDrain = false;
        this.emit('drain');
      }, () => undefined);
    }
    return !this.needDrain;
  }

  end(chunk?: string | Uint8Array | (() => void), encoding?: BufferEncoding | (() => void), cb?: () => void): this {
    if (typeof chunk === 'function') {
      cb = chunk;
      chunk = undefined;
    } else if (typeof encoding === 'function') {
      cb = encoding;
      encoding = undefined;
    }
    if (this.writableEnded) {
      if (cb !== undefined) process.nextTick(cb);
      return this;
    }
    if (!this.headersSent) {
      this.endingLength = chunk === undefined || chunk === null ? 0 : typeof chunk === 'string' ? Buffer.byteLength(chunk, (encoding as BufferEncoding | undefined) ?? 'utf8') : chunk.byteLength;
      this.writeHead(this.statusCode);
    }
    this.put(chunk, encoding as BufferEncoding | undefined);
    this.writableEnded = true;
    const ended = this.onEnded;
    this.onEnded = null;
    ended?.();
    process.nextTick(() => {
      this.writableFinished = true;
      this.emit('prefinish');
      this.emit('finish');
      cb?.();
      this.emit('close');
    });
    return this;
  }

  /** Resolves when `end` ran (compression ends after its stream finished). */
  whenEnded(): Promise<void> {
    if (this.writableEnded) return Promise.resolve();
    return new Promise((resolve) => {
      this.onEnded = resolve;
    });
  }

  /** The handler failed or declined: the response is not ended here; listeners learn it closed. */
  abandon(): void {
    if (this.writableEnded) return;
    this.writableEnded = true;
    this.onEnded = null;
    process.nextTick(() => this.emit('close'));
  }
}

/**
 * The ResponseWriter the next handler gets: its header is the middleware response's, and its writes go through
 * that response's (perhaps wrapped) `writeHead`, `write` and `end`. Like Go's buffered writer, bytes are held until
 * 2048 are written, a flush, or the end, so `end` learns a short body's length (compression skips small bodies,
 * Node sets Content-Length) as it does for `res.send`. The head is the header as it was at `writeHeader` (RSP-15).
 */
class MiddlewareWriter implements ResponseWriter {
  private status = 0;
  private snapshot: Header | null = null;
  private held: (string | Uint8Array)[] = [];
  private heldLen = 0;

  constructor(
    private readonly w: ResponseWriter,
    private readonly res: MiddlewareResponse,
  ) {}

  header(): Header {
    return this.w.header();
  }

  writeHeader(code: number): void {
    if (this.status !== 0 || this.res.headersSent) {
      // A second final status: the core logs it as Go does (RSP-17).
      this.w.writeHeader(code);
      return;
    }
    if (code >= 100 && code <= 199 && code !== 101) {
      this.w.writeHeader(code);
      return;
    }
    if (!Number.isInteger(code) || code < 100 || code > 999) throw new Error(`invalid WriteHeader code ${code}`);
    this.status = code;
    this.res.statusCode = code;
    this.snapshot = this.w.header().clone();
  }

  write(data: string | Uint8Array): Error | null {
    if (this.res.writableEnded) return this.res.lastError ?? ErrAbortHandler;
    if (this.status === 0) this.writeHeader(200);
    if (!bodyAllowedForStatus(this.status)) {
      const len = typeof data === 'string' ? data.length : data.byteLength;
      return len === 0 ? null : ErrBodyNotAllowed;
    }
    if (this.res.lastError !== null) return this.res.lastError;
    this.held.push(data);
    this.heldLen += typeof data === 'string' ? data.length : data.byteLength;
    if (this.heldLen > 2048) this.release(false);
    return this.res.lastError;
  }

  /** flush: held bytes and the head go out now, and through the middleware's own flush (compression's). */
  flush(): void {
    if (this.res.writableEnded) return;
    if (this.status === 0) this.writeHeader(200);
    this.res.autoFlush = true;
    this.release(false);
    this.res.flushHeaders();
    const f = (this.res as unknown as { flush?: () => void }).flush;
    if (typeof f === 'function') f.call(this.res);
    newResponseController(this.w).flush();
  }

  /** drained: the middleware's stream (compression's) and then the carrier took what was written. */
  async drained(): Promise<void> {
    if (this.res.needDrain || (this.res as unknown as { write: unknown }).write !== MiddlewareResponse.prototype.write) {
      // A wrapped write (compression) reports its stream's state through res.write's result and 'drain'.
      if (this.heldLen > 0) this.release(false);
      if (this.res.needDrain) await new Promise<void>((resolve) => this.res.once('drain', () => resolve()));
    }
    await newResponseController(this.w).drained();
  }

  unwrap(): ResponseWriter {
    return this.w;
  }

  private restoreSnapshot(): void {
    const s = this.snapshot;
    this.snapshot = null;
    if (s === null || this.res.headersSent) return;
    const h = this.w.header();
    for (const k of [...h.keys()]) if (!s.hasRaw(k)) h.deleteRaw(k);
    for (const [k, vs] of s) h.setRaw(k, vs);
  }

  private take(): Buffer | null {
    if (this.heldLen === 0 && this.held.length === 0) return null;
    const parts = this.held.map((p) => (typeof p === 'string' ? bytesOf(p) : p));
    this.held = [];
    this.heldLen = 0;
    return parts.length === 1 ? Buffer.from(parts[0].buffer, parts[0].byteOffset, parts[0].byteLength) : Buffer.concat(parts);
  }

  private release(ending: boolean): void {
    this.restoreSnapshot();
    const body = this.take();
    if (ending) {
      this.res.end(body ?? undefined);
      return;
    }
    if (body !== null) this.res.write(body);
  }

  /** The handler returned: the rest goes out through `res.end`, and the response is complete when it ran. */
  end(): Promise<void> {
    if (this.res.writableEnded) return this.res.whenEnded();
    if (this.status === 0) this.writeHeader(200);
    this.release(true);
    return this.res.whenEnded();
  }
}
