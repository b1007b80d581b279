/**
 * ReverseProxy: Go's `httputil.ReverseProxy`, a handler that sends each request on to another server and copies
 * the answer back, with the outbound side on undici.
 * @module
 */

import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { IncomingHttpHeaders } from 'node:http';
import { getGlobalDispatcher, type Dispatcher } from 'undici';
import { NoBody } from '../request/body';
import type { Context } from '../context';
import { ErrAbortHandler } from '../errors';
import type { Handler, ResponseWriter } from '../handler';
import { Header, canonicalHeaderKey } from '../header';
import { logf, type Logger } from '../log';
import type { Request } from '../request/request';
import { TrailerPrefix } from '../response/response';
import { newResponseController } from '../response/response-controller';
import { StatusBadGateway, StatusSwitchingProtocols, statusText } from '../status';
import { URL, parse, parseQuery } from '../request/url';

/** ProxyRequest is what a {@link ReverseProxy.rewrite} hook gets: the request received and the one to send. */
export class ProxyRequest {
  /** The request the proxy received; the hook must not change it. */
  readonly in: Request;
  /**
   * The request the proxy will send; the hook may change it or replace it. Hop-by-hop fields, `Forwarded` and
   * `X-Forwarded-*` are already gone from it, and so are query parameters that do not parse.
   */
  out: Request;

  constructor(inbound: Request, outbound: Request) {
    this.in = inbound;
    this.out = outbound;
  }

  /**
   * setURL routes the outbound request to the scheme, host and base path of `target` (a target path `/base` and a
   * request for `/dir` give `/base/dir`; their queries are joined), and makes its `Host` the target's host. To keep
   * the inbound `Host`, set `pr.out.host = pr.in.host` afterwards.
   */
  setURL(target: URL | string): void {
    rewriteRequestURL(this.out, typeof target === 'string' ? parse(target) : target);
    this.out.host = '';
  }

  /**
   * setXForwarded sets `X-Forwarded-For` (the client's IP, appended to what the outbound request already has),
   * `X-Forwarded-Host` (the host the client asked for) and `X-Forwarded-Proto` (`http` or `https`). To append to
   * the client's own `X-Forwarded-For`, copy it from `in` to `out` first.
   */
  setXForwarded(): void {
    const out = this.out.header;
    const ip = clientIP(this.in.remoteAddr);
    if (ip !== null) {
      const prior = out.getRaw('X-Forwarded-For');
      out.set('X-Forwarded-For', prior !== undefined && prior.length > 0 ? `${prior.join(', ')}, ${ip}` : ip);
    } else {
      out.del('X-Forwarded-For');
    }
    out.set('X-Forwarded-Host', this.in.host);
    out.set('X-Forwarded-Proto', this.in.tls === undefined ? 'http' : 'https');
  }
}

/**
 * ProxyResponse is the backend's response as {@link ReverseProxy.modifyResponse} sees it (Go's `http.Response`
 * from the transport); the hook may change its fields or replace its body. Hop-by-hop fields are gone from
 * `header`; `trailer` is filled once the body has been read.
 */
export interface ProxyResponse {
  statusCode: number;
  header: Header;
  /** Trailer fields: the announced names at first (values empty), the received values at the end of the body. */
  trailer: Header;
  /** The body's length, or -1 when unknown (chunked, or decompressed by the transport). */
  contentLength: number;
  body: AsyncIterable<Uint8Array>;
  /** The outbound request this answers. */
  request: Request;
}

/** Options of {@link ReverseProxy}: the fields of Go's `httputil.ReverseProxy`. */
export interface ReverseProxyOptions {
  /** Turns the inbound request into the outbound one (Go's `Rewrite`). Exactly one of rewrite and director. */
  rewrite?: (pr: ProxyRequest) => void | Promise<void>;
  /**
   * The older hook (Go's `Director`): changes the outbound request in place. Hop-by-hop fields are removed after
   * it runs, and `X-Forwarded-For` gets the client's IP appended unless the director left the key with no
   * values (`header.setRaw('X-Forwarded-For', [])`).
   */
  director?: (out: Request) => void;
  /** The undici dispatcher that sends the requests (Go's `Transport`); default undici's global dispatcher. */
  transport?: Dispatcher;
  /**
   * How often to flush the response to the client while copying its body, in ms (Go's `FlushInterval`): 0 never
   * (the response core flushes as its buffer fills), negative after every write. Streaming responses
   * (`text/event-stream`, or no `Content-Length`) are flushed after every write whatever the setting.
   */
  flushInterval?: number;
  /** Where proxy errors are logged; default standard error with Go's log prefix. */
  errorLog?: Logger;
  /** Sees or changes the backend's response before it is copied (Go's `ModifyResponse`); a throw goes to errorHandler. */
  modifyResponse?: (res: ProxyResponse) => void | Promise<void>;
  /** Answers a request the backend could not (Go's `ErrorHandler`); default: log and 502 Bad Gateway. */
  errorHandler?: (w: ResponseWriter, r: Request, err: unknown) => void | Promise<void>;
}

// Fields that belong to one connection, not to the message (RFC 9110 7.6.1 and the older list of RFC 2616).
const hopHeaders = ['Connection', 'Proxy-Connection', 'Keep-Alive', 'Proxy-Authenticate', 'Proxy-Authorization', 'Te', 'Trailer', 'Transfer-Encoding', 'Upgrade'];

/**
 * ReverseProxy is a handler that sends each request to another server and copies the response back to the client
 * (Go's `httputil.ReverseProxy`). Go's rules hold: hop-by-hop fields (the fixed list and those named in
 * `Connection`) are removed both ways, `Te: trailers` is passed on, `X-Forwarded-For` gets the client's IP,
 * trailers are forwarded, streaming responses are flushed as they come, the request's context cancels the outbound
 * request, and a backend that cannot be reached gets the client a 502. The backend's 1xx responses reach the
 * client before the final one. Upgrades (WebSockets) are proxied by hijacking the client's connection; an upgrade
 * the backend declines is passed on as an ordinary response. Requests go out through undici.
 */
export class ReverseProxy implements Handler {
  rewrite: ReverseProxyOptions['rewrite'];
  director: ReverseProxyOptions['director'];
  transport: Dispatcher | undefined;
  flushInterval: number;
  errorLog: Logger | undefined;
  modifyResponse: ReverseProxyOptions['modifyResponse'];
  errorHandler: ReverseProxyOptions['errorHandler'];

  constructor(options: ReverseProxyOptions = {}) {
    this.rewrite = options.rewrite;
    this.director = options.director;
    this.transport = options.transport;
    this.flushInterval = options.flushInterval ?? 0;
    this.errorLog = options.errorLog;
    this.modifyResponse = options.modifyResponse;
    this.errorHandler = options.errorHandler;
  }

  private logf(line: string): void {
    logf(this.errorLog, line);
  }

  private fail(w: ResponseWriter, r: Request, err: unknown): void | Promise<void> {
    if (this.errorHandler !== undefined) return this.errorHandler(w, r, err);
    this.logf(`http: proxy error: ${errorText(err)}`);
    w.writeHeader(StatusBadGateway);
  }

  /** serveHTTP proxies one request. */
  async serveHTTP(w: ResponseWriter, r: Request): Promise<void> {
    const ctx = r.context();
    let out = r.clone(ctx);
    // Go's clone shares the body; a request without one goes out without one.
    if (r.contentLength === 0) out.body = NoBody;
    if ((this.director !== undefined) === (this.rewrite !== undefined)) {
      return this.fail(w, r, new Error('ReverseProxy must have exactly one of Director or Rewrite set'));
    }
    if (this.director !== undefined) {
      this.director(out);
      if (out.form !== null) out.url.rawQuery = cleanQueryParams(out.url.rawQuery);
    }
    const upType = upgradeType(out.header);
    if (!isPrintableASCII(upType)) return this.fail(w, r, new Error(`client tried to switch to invalid protocol ${JSON.stringify(upType)}`));
    removeHopByHopHeaders(out.header);
    // The client said it takes trailers: tell the backend so (the field itself was hop-by-hop).
    if (hasToken(r.header.values('Te'), 'trailers')) out.header.set('Te', 'trailers');
    if (upType !== '') {
      out.header.set('Connection', 'Upgrade');
      out.header.set('Upgrade', upType);
    }
    if (this.rewrite !== undefined) {
      for (const k of ['Forwarded', 'X-Forwarded-For', 'X-Forwarded-Host', 'X-Forwarded-Proto']) out.header.del(k);
      out.url.rawQuery = cleanQueryParams(out.url.rawQuery);
      const pr = new ProxyRequest(r, out);
      await this.rewrite(pr);
      out = pr.out;
    } else {
      const ip = clientIP(r.remoteAddr);
      if (ip !== null) {
        const prior = out.header.getRaw('X-Forwarded-For');
        // A key left with no values means: do not send the field.
        const omit = prior !== undefined && prior.length === 0;
        if (!omit) out.header.set('X-Forwarded-For', prior !== undefined ? `${prior.join(', ')}, ${ip}` : ip);
      }
    }

    let got: Outcome;
    try {
      got = await send(this.transport ?? getGlobalDispatcher(), out, ctx, upType, (code, header) => informational(w, code, header));
    } catch (err) {
      return this.fail(w, out, err);
    }
    if (got.kind === 'switch') return this.switchProtocols(w, out, got, upType, ctx);
    const sent = got.sent;
    const res = sent.res;
    removeHopByHopHeaders(res.header);
    if (this.modifyResponse !== undefined) {
      try {
        await this.modifyResponse(res);
      } catch (err) {
        sent.discard();
        return this.fail(w, out, err);
      }
    }
    const h = w.header();
    for (const [k, vs] of res.header) for (const v of vs) h.add(k, v);
    const announced = res.trailer.size;
    if (announced > 0) h.add('Trailer', [...res.trailer.keys()].join(', '));
    w.writeHeader(res.statusCode);

    const err = await this.copyResponse(w, res.body, this.flushIntervalFor(res), ctx);
    if (err !== null) {
      sent.discard();
      throw ErrAbortHandler; // the client gets a cut response, as in Go (Go panics with ErrAbortHandler)
    }
    sent.fillTrailer();
    if (res.trailer.size > 0) {
      // Chunked framing for the trailers to go in, even when the body fits the buffer.
      newResponseController(w).flush();
    }
    if (res.trailer.size === announced) {
      for (const [k, vs] of res.trailer) for (const v of vs) h.add(k, v);
      return;
    }
    for (const [k, vs] of res.trailer) for (const v of vs) h.add(TrailerPrefix + k, v);
  }

  private flushIntervalFor(res: ProxyResponse): number {
    const ct = res.header.get('Content-Type');
    const base = ct.split(';')[0].trim().toLowerCase();
    if (base === 'text/event-stream') return -1;
    if (res.contentLength === -1) return -1;
    return this.flushInterval;
  }

  // Copies the body; resolves with the read or write error that cut it, or null.
  private async copyResponse(w: ResponseWriter, body: AsyncIterable<Uint8Array>, interval: number, ctx: Context): Promise<unknown> {
    const rc = newResponseController(w);
    let timer: NodeJS.Timeout | null = null;
    let pending = false;
    const delayed = (): void => {
      timer = null;
      if (!pending) return;
      pending = false;
      rc.flush();
    };
    if (interval > 0) {
      // The head goes out after one interval even when the body is slow to come.
      pending = true;
      timer = setTimeout(delayed, interval);
    } else if (interval < 0) {
      // At once for streaming responses: even one with no body goes out chunked, as Go's proxy sends it (its
      // initial flush timer fires at once for a negative interval).
      rc.flush();
    }
    try {
      for await (const chunk of body) {
        const werr = w.write(chunk);
        if (werr !== null) return werr;
        if (interval < 0) rc.flush();
        else if (interval > 0 && !pending) {
          pending = true;
          timer ??= setTimeout(delayed, interval);
        }
        await rc.drained();
      }
      return null;
    } catch (err) {
      if (ctx.err() === null) this.logf(`httputil: ReverseProxy read error during body copy: ${errorText(err)}`);
      return err;
    } finally {
      pending = false;
      if (timer !== null) clearTimeout(timer);
    }
  }

  // The backend switched protocols (WebSocket…) (PRX-4): once modifyResponse has seen the 101, the client's
  // connection is hijacked, the 101 written on it, and the two connections joined.
  private async switchProtocols(w: ResponseWriter, out: Request, up: Switched, upType: string, ctx: Context): Promise<void> {
    const back = up.socket;
    const res: ProxyResponse = {
      statusCode: StatusSwitchingProtocols,
      header: up.header,
      trailer: new Header(),
      contentLength: -1,
      body: Readable.from([]),
      request: out,
    };
    if (this.modifyResponse !== undefined) {
      try {
        await this.modifyResponse(res);
      } catch (err) {
        back.destroy();
        return this.fail(w, out, err);
      }
    }
    const resType = upgradeType(res.header);
    if (!isPrintableASCII(resType)) {
      back.destroy();
      return this.fail(w, out, new Error(`backend tried to switch to invalid protocol ${JSON.stringify(resType)}`));
    }
    if (resType.toLowerCase() !== upType.toLowerCase()) {
      back.destroy();
      return this.fail(w, out, new Error(`backend tried to switch protocol ${JSON.stringify(resType)} when ${JSON.stringify(upType)} was requested`));
    }
    let conn: Socket;
    try {
      conn = newResponseController(w).hijack().conn;
    } catch (err) {
      back.destroy();
      return this.fail(w, out, new Error(`can't switch protocols using non-Hijacker ResponseWriter: ${errorText(err)}`));
    }
    const h = w.header();
    for (const [k, vs] of res.header) for (const v of vs) h.add(k, v);
    let head = `HTTP/1.1 101 ${statusText(StatusSwitchingProtocols)}\r\n`;
    for (const k of [...h.keys()].sort()) for (const v of h.values(k)) head += `${k}: ${v.replace(/[\r\n]+/g, ' ')}\r\n`;
    conn.write(head + '\r\n', 'latin1');
    await join(conn, back, ctx);
  }
}

/**
 * newSingleHostReverseProxy returns a {@link ReverseProxy} that sends every request to the scheme, host and base
 * path of `target` (Go's `NewSingleHostReverseProxy`): a target path `/base` and a request for `/dir` give
 * `/base/dir`. The `Host` field is passed on unchanged; use a `rewrite` hook with `setURL` to change it.
 */
export function newSingleHostReverseProxy(target: URL | string): ReverseProxy {
  const t = typeof target === 'string' ? parse(target) : target;
  return new ReverseProxy({ director: (out) => rewriteRequestURL(out, t) });
}

function rewriteRequestURL(out: Request, target: URL): void {
  const u = out.url;
  const q = target.rawQuery;
  u.scheme = target.scheme;
  u.host = target.host;
  const [p, raw] = joinURLPath(target, u);
  u.path = p;
  u.rawPath = raw;
  u.rawQuery = q === '' || u.rawQuery === '' ? q + u.rawQuery : `${q}&${u.rawQuery}`;
}

function singleJoiningSlash(a: string, b: string): string {
  const as = a.endsWith('/');
  const bs = b.startsWith('/');
  if (as && bs) return a + b.slice(1);
  if (!as && !bs) return `${a}/${b}`;
  return a + b;
}

// Joins the paths; when either has a raw (escaped) form, the raw forms are joined alongside.
function joinURLPath(a: URL, b: URL): [string, string] {
  if (a.rawPath === '' && b.rawPath === '') return [singleJoiningSlash(a.path, b.path), ''];
  const ap = a.escapedPath();
  const bp = b.escapedPath();
  const as = ap.endsWith('/');
  const bs = bp.startsWith('/');
  if (as && bs) return [a.path + b.path.slice(1), ap + bp.slice(1)];
  if (!as && !bs) return [`${a.path}/${b.path}`, `${ap}/${bp}`];
  return [a.path + b.path, ap + bp];
}

function hasToken(values: readonly string[], token: string): boolean {
  for (const v of values) for (const part of v.split(',')) if (part.trim().toLowerCase() === token) return true;
  return false;
}

function upgradeType(h: Header): string {
  return hasToken(h.values('Connection'), 'upgrade') ? h.get('Upgrade') : '';
}

function isPrintableASCII(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

function removeHopByHopHeaders(h: Header): void {
  for (const v of h.values('Connection')) {
    for (const part of v.split(',')) {
      const f = part.trim();
      if (f !== '') h.del(f);
    }
  }
  for (const k of hopHeaders) h.del(k);
}

// The client's IP from `host:port`, or null when the address has no port (Go's net.SplitHostPort failing).
function clientIP(addr: string): string | null {
  if (addr.startsWith('[')) {
    const end = addr.indexOf(']:');
    return end === -1 ? null : addr.slice(1, end);
  }
  const i = addr.lastIndexOf(':');
  if (i === -1 || addr.indexOf(':') !== i) return null;
  return addr.slice(0, i);
}

// Query strings with a `;` or a bad escape are re-encoded from what parses (Go drops what does not).
function cleanQueryParams(s: string): string {
  for (let i = 0; i < s.length; ) {
    const c = s[i];
    if (c === ';') return parseQuery(s).values.encode();
    if (c === '%') {
      if (i + 2 >= s.length || !isHex(s[i + 1]) || !isHex(s[i + 2])) return parseQuery(s).values.encode();
      i += 3;
    } else {
      i++;
    }
  }
  return s;
}

function isHex(c: string): boolean {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function headerOf(fields: Record<string, string | string[] | undefined>): Header {
  const h = new Header();
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const x of v) h.add(k, x);
    else h.add(k, v);
  }
  return h;
}

// The outbound head as Go's transport writes it: User-Agent first, then the fields in sorted order (undici
// writes `host` and `connection` before them and the body's framing after). Fields undici refuses or
// writes itself are left to it; among them `Expect`, which Go passes on (PRX-3): the body goes at once instead.
function outboundHeaders(out: Request, upgrade: boolean): string[] {
  const h = out.header;
  const lines: string[] = ['host', cleanHost(out.host !== '' ? out.host : out.url.host)];
  const ua = h.get('User-Agent');
  if (ua !== '') lines.push('User-Agent', ua);
  for (const k of [...h.keys()].sort()) {
    if (k === 'User-Agent' || k === 'Host' || k === 'Content-Length' || k === 'Transfer-Encoding' || k === 'Expect') continue;
    if (upgrade && (k === 'Connection' || k === 'Upgrade')) continue;
    if (k === 'Connection' || k === 'Keep-Alive') continue;
    for (const v of h.values(k)) lines.push(k, v.replace(/[\r\n]+/g, ' '));
  }
  return lines;
}

// Go's transport cuts a Host value at the first character that cannot be in one.
function cleanHost(host: string): string {
  const i = host.search(/[ /\t\r\n]/);
  return i === -1 ? host : host.slice(0, i);
}

interface Sent {
  res: ProxyResponse;
  /** Stops the transfer (the body is not wanted any more). */
  discard(): void;
  /** Copies the received trailer fields into `res.trailer`. */
  fillTrailer(): void;
}

/** A 101 from the backend: its fields and the connection, which now speaks the new protocol. */
interface Switched {
  kind: 'switch';
  header: Header;
  socket: Duplex;
}

/** What the backend answered: a response to copy, or a switch of protocols. */
type Outcome = { kind: 'response'; sent: Sent } | Switched;

// A 1xx from the backend goes to the client at once with the backend's fields, and the header map is emptied
// after it so that the final response starts from the backend's own fields (PRX-2).
function informational(w: ResponseWriter, code: number, fields: Header): void {
  const h = w.header();
  for (const [k, vs] of fields) for (const v of vs) h.add(k, v);
  w.writeHeader(code);
  for (const k of [...h.keys()]) h.del(k);
}

// The outbound exchange on undici's dispatch API, which shows what its request() and upgrade() hide: each 1xx
// before the final head, and the answer to an upgrade request whichever it is (a 101 with the connection, or an
// ordinary response when the backend declines). The body is a stream that pauses the connection while full.
class Exchange implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | null = null;
  private body: Readable | null = null;
  private settled = false;
  private informational = 0;
  trailers: Record<string, string | string[] | undefined> = {};

  constructor(
    private readonly ctx: Context,
    private readonly onInfo: (code: number, header: Header) => void,
    private readonly resolve: (o: { status: number; header: Header; body: Readable } | Switched) => void,
    private readonly reject: (err: unknown) => void,
  ) {
    ctx.signal.addEventListener('abort', this.cancel);
  }

  private readonly cancel = (): void => {
    this.controller?.abort(this.ctx.err() ?? new Error('context canceled'));
  };

  private done(): void {
    this.ctx.signal.removeEventListener('abort', this.cancel);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.ctx.signal.aborted) this.cancel();
  }

  onRequestUpgrade(_c: Dispatcher.DispatchController, _status: number, headers: IncomingHttpHeaders, socket: Duplex): void {
    this.done();
    this.settled = true;
    this.resolve({ kind: 'switch', header: headerOf(headers), socket });
  }

  onResponseStart(controller: Dispatcher.DispatchController, status: number, headers: IncomingHttpHeaders): void {
    if (status < 200) {
      // Go's transport takes five 1xx and fails the exchange on a sixth (PRX-2); undici has no bound.
      if (++this.informational > 5) controller.abort(new Error('net/http: too many 1xx informational responses'));
      else this.onInfo(status, headerOf(headers));
      return;
    }
    const body = new Readable({
      read: () => controller.resume(),
      destroy: (err, cb) => {
        // Not wanted any more (a no-op once the exchange has completed).
        controller.abort(err ?? new Error('response body discarded'));
        cb(err);
      },
    });
    this.body = body;
    this.settled = true;
    this.resolve({ status, header: headerOf(headers), body });
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.body !== null && !this.body.push(chunk)) controller.pause();
  }

  onResponseEnd(_c: Dispatcher.DispatchController, trailers: IncomingHttpHeaders): void {
    this.done();
    this.trailers = trailers;
    this.body?.push(null);
  }

  onResponseError(_c: Dispatcher.DispatchController, err: Error): void {
    this.done();
    if (!this.settled) {
      this.settled = true;
      this.reject(err);
    } else {
      this.body?.destroy(err);
    }
  }
}

// Sends `out` and resolves when the final response head is in (1xx heads go to `onInfo` as they come), or with
// the connection when the backend switches to `upType`. Like Go's default transport, a request that names no
// encoding asks for gzip and gets the body decompressed.
async function send(d: Dispatcher, out: Request, ctx: Context, upType: string, onInfo: (code: number, header: Header) => void): Promise<Outcome> {
  const headers = outboundHeaders(out, upType !== '');
  const h = out.header;
  const gzip = !h.has('Accept-Encoding') && !h.has('Range') && out.method !== 'HEAD';
  if (gzip) headers.push('Accept-Encoding', 'gzip');
  let body: Readable | null = null;
  if (out.body !== NoBody) {
    const src = out.body;
    body = Readable.from((async function* () {
      for await (const chunk of src) yield chunk;
    })());
    if (out.contentLength > 0) {
      headers.push('content-length', String(out.contentLength));
    } else {
      // A chunked body announces the trailer names the client announced (PRX-1). Their values are not sent:
      // Go's copy of the request took the names before the body was read, and undici writes no request trailers.
      const names = [...out.trailer.keys()].sort();
      if (names.length > 0) headers.push('Trailer', names.join(','));
    }
  } else if (out.contentLength === 0 && methodExpectsBody(out.method)) {
    headers.push('content-length', '0');
  }
  const opts: Dispatcher.DispatchOptions = {
    origin: `${out.url.scheme}://${out.url.host}`,
    path: out.url.requestURI(),
    method: out.method as Dispatcher.HttpMethod,
    headers,
    body,
    headersTimeout: 0,
    bodyTimeout: 0,
    ...(upType !== '' ? { upgrade: upType } : {}),
    // undici closes the connection after a HEAD unless told otherwise; Go's transport keeps it (and a backend
    // that is told `close` drops the Connection field it set, which names fields to remove).
    ...(out.method === 'HEAD' ? { reset: false } : {}),
  };
  let exchange!: Exchange;
  const got = await new Promise<{ status: number; header: Header; body: Readable } | Switched>((resolve, reject) => {
    exchange = new Exchange(ctx, onInfo, resolve, reject);
    d.dispatch(opts, exchange);
  });
  if ('kind' in got) return got;
  const header = got.header;
  const trailer = new Header();
  for (const v of header.values('Trailer')) {
    for (const part of v.split(',')) {
      const k = part.trim();
      if (k !== '') trailer.setRaw(canonicalHeaderKey(k), []);
    }
  }
  header.del('Trailer');
  let contentLength = -1;
  const cl = header.get('Content-Length');
  if (/^[0-9]+$/.test(cl) && !header.has('Transfer-Encoding')) contentLength = Number(cl);
  header.del('Transfer-Encoding');
  const raw = got.body;
  let stream: Readable = raw;
  if (gzip && header.get('Content-Encoding').toLowerCase() === 'gzip' && !noBodyExpected(out.method, got.status)) {
    header.del('Content-Encoding');
    header.del('Content-Length');
    contentLength = -1;
    stream = raw.pipe(createGunzip());
    raw.on('error', (err) => stream.destroy(err));
  }
  const res: ProxyResponse = { statusCode: got.status, header, trailer, contentLength, body: stream, request: out };
  return {
    kind: 'response',
    sent: {
      res,
      discard: () => {
        raw.destroy();
        if (stream !== raw) stream.destroy();
      },
      fillTrailer: () => {
        for (const [k, v] of Object.entries(exchange.trailers)) {
          if (v === undefined) continue;
          for (const x of Array.isArray(v) ? v : [v]) res.trailer.add(k, x);
        }
      },
    },
  };
}

function methodExpectsBody(m: string): boolean {
  return m === 'POST' || m === 'PUT' || m === 'PATCH';
}

function noBodyExpected(method: string, status: number): boolean {
  return method === 'HEAD' || status === 204 || status === 304 || (status >= 100 && status < 200);
}

// Copies bytes both ways until either side ends; the request's context ending closes both.
function join(client: Duplex, back: Duplex, ctx: Context): Promise<void> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      ctx.signal.removeEventListener('abort', finish);
      client.destroy();
      back.destroy();
      resolve();
    };
    ctx.signal.addEventListener('abort', finish);
    for (const [a, b] of [[client, back], [back, client]] as const) {
      a.on('error', finish);
      a.on('close', finish);
      a.on('end', finish);
      a.pipe(b, { end: false });
    }
    client.resume();
  });
}
