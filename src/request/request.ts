/**
 * Request: an HTTP request as a server receives it (Go's `http.Request`, server side).
 * @module
 */

import { NoBody, type Body } from './body';
import { cookiePair, parseBasicAuth, readCookies, type Cookie, type CookieInit } from './cookie';
import { ErrNoCookie, fresh } from '../errors';
import { ensureParsed, formFile, multipartReader, parseForm, parseMultipartForm } from './form';
import type { FileHeader, MultipartForm, MultipartReader } from './multipart';
import { background, type Context } from '../context';
import { Header } from '../header';
import { bytesOf } from '../internal/text';
import { URL, Values } from './url';
import type { TLSSocket } from 'node:tls';

/** @internal A source of header fields, built into a Header when the handler first asks. */
export interface RawFields {
  build(): Header;
}

/** @internal What a carrier gives a Request to make its context lazily. */
export interface ContextSource {
  requestContext(): Context;
}

/**
 * @internal What the Express carrier attaches to a request it serves: the Node request and response, the mount path
 * Express took off the URL, and a way to decline the request (see src/carriers/serve-node.ts). Copies of the request share it.
 */
export interface Exchange {
  readonly req: object;
  readonly res: object;
  /** The mount path (Express's `req.baseUrl`), as the client sent it; "" at the root. */
  readonly mount: string;
  /** Passes the request on to the next Express route when the handler returns; false once the response was written. */
  decline(): boolean;
}

/**
 * Request is an HTTP request received by a server, or built for a test with `httptest.newRequest`.
 *
 * Every string it hands out is text decoded from the UTF-8 the client sent: `url.path` and the other URL fields,
 * `requestURI`, `host`, path values, query and form keys and values, header and trailer values, cookies, multipart
 * names and file names, `basicAuth`. `GET /hello/w%C3%B6rld` gives `pathValue('name') === 'wörld'`. Bytes that are
 * not valid UTF-8 are not lost: each becomes the lone surrogate U+DC80–U+DCFF, which {@link bytesOf}, and every
 * string nethttp writes, turns back into that byte — so `w.write(r.pathValue('x'))` sends exactly the bytes Go
 * sends, also for `%FF`. Routing works on the bytes, as Go's does.
 */
export class Request {
  /** The method exactly as sent (`GET`, `get`, `PROPFIND`). */
  method = 'GET';
  /** The parsed request-target. */
  url: URL;
  /** The protocol version as sent, e.g. `HTTP/1.1`. */
  proto = 'HTTP/1.1';
  protoMajor = 1;
  protoMinor = 1;
  private hdr: Header | null;
  /** @internal A Node request's raw fields, from which {@link Request.header} is built on first use. */
  rawFields: RawFields | null = null;
  /**
   * Request header fields, canonical keys; `Host` is moved to {@link Request.host}. (Requests that came through
   * node:http build it on first use, as Node builds `req.headers`.)
   */
  get header(): Header {
    if (this.hdr === null) {
      const raw = this.rawFields;
      this.rawFields = null;
      this.hdr = raw !== null ? raw.build() : new Header();
    }
    return this.hdr;
  }
  set header(h: Header) {
    this.hdr = h;
    this.rawFields = null;
  }
  /** The body; {@link NoBody} when the request has none. */
  body: Body = NoBody;
  /** The body length: the declared Content-Length, -1 when unknown (chunked), 0 for none. */
  contentLength = 0;
  /**
   * Transfer codings of the request, outermost last (`["chunked"]`); empty when none (a shared empty list, frozen:
   * assign a new list rather than push to it, as Go's append to a nil slice makes a new one).
   */
  declare transferEncoding: string[];
  /** Whether the connection will close after this request (the client asked, or HTTP/1.0 without keep-alive). */
  close = false;
  /** The host the request is for: the absolute-form target's host, else the Host header (port kept). */
  host = '';
  declare private trailerHeader: Header | null;
  /**
   * Trailer fields: declared names before the body is read, with values once it was read to its end. Made on
   * first use (most requests have no body to carry trailers); carriers make it up front for bodies that can.
   */
  get trailer(): Header {
    return (this.trailerHeader ??= new Header());
  }
  set trailer(h: Header) {
    this.trailerHeader = h;
  }
  /** The client's `ip:port` (`[ip]:port` for IPv6). */
  remoteAddr = '';
  /** The request-target exactly as sent. */
  requestURI = '';
  /** TLS connection details when served over TLS, else undefined. */
  declare tls: TLSInfo | undefined;
  /** The ServeMux pattern that matched this request, set by the mux (Go 1.23's `Request.Pattern`). */
  pattern = '';
  /** Query and body values after {@link Request.parseForm} (body values first), else null. */
  declare form: Values | null;
  /** Body values only (POST, PUT, PATCH) after {@link Request.parseForm}, else null. */
  declare postForm: Values | null;
  /** The parsed multipart form after {@link Request.parseMultipartForm}, else null. */
  declare multipartForm: MultipartForm | null;

  /** @internal Wildcard names of the matched pattern, in pattern order (shared, never mutated). */
  patNames: readonly string[] | null = null;
  /** @internal Values of those wildcards, same order (set by the mux; overridden by setPathValue). */
  matches: string[] | null = null;
  /** @internal Values set by {@link Request.setPathValue} for names that are not wildcards of the pattern. */
  declare otherValues: Map<string, string> | null;
  /** @internal The context, created on first use when the carrier gave a factory. */
  declare ctx: Context | null;
  /** @internal Creates the context on first use (no AbortController for requests that never ask). */
  ctxSource: ContextSource | null = null;
  /** @internal Set by the Express carrier (see {@link Exchange}); null on every other carrier. */
  declare exchange: Exchange | null;

  constructor(method = 'GET', url: URL = new URL(), header?: Header) {
    this.method = method;
    this.url = url;
    this.hdr = header ?? null;
  }

  /**
   * context returns the request's context: cancelled when the client's connection closes, when the handler
   * returns, or when the server closes (SRV-96).
   */
  context(): Context {
    if (this.ctx === null) {
      this.ctx = this.ctxSource !== null ? this.ctxSource.requestContext() : background();
      this.ctxSource = null;
    }
    return this.ctx;
  }

  /** withContext returns a shallow copy whose context is `ctx` (Go's `Request.WithContext`). */
  withContext(ctx: Context): Request {
    const r = this.shallowCopy();
    r.ctx = ctx;
    r.ctxSource = null;
    return r;
  }

  /** clone returns a deep copy (header, URL, path values) with context `ctx` (Go's `Request.Clone`). */
  clone(ctx: Context = this.context()): Request {
    const r = this.shallowCopy();
    r.ctx = ctx;
    r.ctxSource = null;
    r.url = this.url.clone();
    r.header = this.header.clone();
    r.trailer = this.trailer.clone();
    r.transferEncoding = this.transferEncoding.slice();
    r.matches = this.matches === null ? null : this.matches.slice();
    r.otherValues = this.otherValues === null ? null : new Map(this.otherValues);
    r.form = cloneValues(this.form);
    r.postForm = cloneValues(this.postForm);
    return r;
  }

  /** @internal A shallow copy sharing every field (Go's `*r2 = *r`). */
  shallowCopy(): Request {
    void this.header; // built first, so that the copies share one map as Go's do
    return Object.assign(Object.create(Request.prototype) as Request, this);
  }

  /** protoAtLeast reports whether the protocol is at least `major.minor`. */
  protoAtLeast(major: number, minor: number): boolean {
    return this.protoMajor > major || (this.protoMajor === major && this.protoMinor >= minor);
  }

  /**
   * pathValue returns the value of the wildcard `name` of the matching ServeMux pattern, or "" (Go 1.22's
   * `Request.PathValue`).
   */
  pathValue(name: string): string {
    const names = this.patNames;
    const values = this.matches;
    // A loop, not indexOf: V8 calls a builtin for indexOf where the few names are compared in place.
    if (names !== null && values !== null) for (let i = 0; i < names.length; i++) if (names[i] === name) return values[i];
    return this.otherValues?.get(name) ?? '';
  }
  /**
   * setPathValue sets `name` so that {@link Request.pathValue} returns `value`: it overrides a wildcard of the
   * matched pattern, or is stored beside them (MUX-82).
   */
  setPathValue(name: string, value: string): void {
    const i = this.patNames === null ? -1 : this.patNames.indexOf(name);
    if (i >= 0 && this.matches !== null) this.matches[i] = value;
    else (this.otherValues ??= new Map()).set(name, value);
  }

  /** userAgent returns the `User-Agent` header. */
  userAgent(): string {
    return this.header.get('User-Agent');
  }
  /** referer returns the `Referer` header. */
  referer(): string {
    return this.header.get('Referer');
  }

  /**
   * parseForm fills {@link Request.form} from the query and, for POST, PUT and PATCH with an urlencoded body, the
   * body (at most 10 MB unless the body has a `maxBytesReader`), and {@link Request.postForm} from the body (Go's
   * `ParseForm`). It rejects with the first problem (a `;` or bad escape in a pair, a too large body) after
   * filling what it could, as Go returns the error with the maps filled.
   */
  async parseForm(): Promise<void> {
    const err = await parseForm(this);
    if (err !== null) throw err;
  }
  /**
   * parseMultipartForm parses a `multipart/form-data` body (after {@link Request.parseForm}): values go to `form`
   * and `postForm`, files to `multipartForm`, kept in memory up to `maxMemory` bytes and in temporary files
   * beyond, removed when the handler returns (Go's `ParseMultipartForm`). Rejects with {@link ErrNotMultipart}
   * for other bodies.
   */
  async parseMultipartForm(maxMemory: number): Promise<void> {
    const err = await parseMultipartForm(this, maxMemory);
    if (err !== null) throw err;
  }
  /**
   * formValue returns the first value of `key` in the query or the body, parsing them first (Go's `FormValue`).
   * Parse errors are ignored, as in Go, except {@link ErrBodyConsumed} (middleware read the body first), which rejects.
   */
  async formValue(key: string): Promise<string> {
    await ensureParsed(this);
    return this.form?.get(key) ?? '';
  }
  /** postFormValue returns the first body value of `key` (Go's `PostFormValue`). */
  async postFormValue(key: string): Promise<string> {
    await ensureParsed(this);
    return this.postForm?.get(key) ?? '';
  }
  /** formFile returns the first file uploaded as `key`; rejects with {@link ErrMissingFile} (Go's `FormFile`). */
  formFile(key: string): Promise<FileHeader> {
    return formFile(this, key);
  }
  /**
   * multipartReader returns a reader of the parts of a `multipart/form-data` or `multipart/mixed` body, to stream
   * them instead of parsing the form (Go's `MultipartReader`).
   */
  multipartReader(): MultipartReader {
    return multipartReader(this);
  }

  /** cookies returns the cookies of the `Cookie` headers, in order; invalid pairs are skipped (Go's `Request.Cookies`). */
  cookies(): Cookie[] {
    return readCookies(this.header, '');
  }
  /** cookiesNamed returns the cookies named `name` (Go 1.23's `Request.CookiesNamed`); none for "". */
  cookiesNamed(name: string): Cookie[] {
    return name === '' ? [] : readCookies(this.header, name);
  }
  /** cookie returns the first cookie named `name`; throws {@link ErrNoCookie} when there is none (Go's `Request.Cookie`). */
  cookie(name: string): Cookie {
    const c = name === '' ? undefined : readCookies(this.header, name)[0];
    if (c === undefined) throw fresh(ErrNoCookie);
    return c;
  }
  /** addCookie appends `name=value` of `c` to the `Cookie` header; other attributes are not sent (Go's `AddCookie`). */
  addCookie(c: Cookie | CookieInit): void {
    const cur = this.header.get('Cookie');
    this.header.set('Cookie', cur !== '' ? cur + '; ' + cookiePair(c) : cookiePair(c));
  }
  /**
   * basicAuth returns the user name and password of an `Authorization: Basic` header, or null when there is none
   * or it is malformed (Go's `Request.BasicAuth`). The strings are text decoded from the credentials' UTF-8.
   */
  basicAuth(): { username: string; password: string } | null {
    const auth = this.header.get('Authorization');
    return auth === '' ? null : parseBasicAuth(auth);
  }
  /** setBasicAuth sets `Authorization: Basic` for `username` and `password` (UTF-8 encoded; Go's `SetBasicAuth`). */
  setBasicAuth(username: string, password: string): void {
    this.header.set('Authorization', 'Basic ' + bytesOf(username + ':' + password).toString('base64'));
  }
}

// Fields most requests never set start on the prototype: each request is eight fields and a list smaller, and gets
// its own value where one is set (a copy from shallowCopy shares only what the original set).
Object.assign(Request.prototype, {
  transferEncoding: Object.freeze([]) as unknown as string[],
  trailerHeader: null, tls: undefined, form: null, postForm: null, multipartForm: null, otherValues: null, ctx: null, exchange: null,
});

/** TLSInfo describes the TLS connection a request came over (part of Go's `tls.ConnectionState`). */
export interface TLSInfo {
  /** The negotiated protocol version, e.g. `TLSv1.3`. */
  version: string;
  /** The ALPN protocol, e.g. `http/1.1`, or "" when none. */
  negotiatedProtocol: string;
  /** The SNI server name the client asked for, or "". */
  serverName: string;
  /** The cipher suite name. */
  cipherSuite: string;
}

/** @internal The TLSInfo of a socket, or undefined when it is not a TLS socket. */
export function tlsInfoOf(sock: unknown): TLSInfo | undefined {
  const t = sock as TLSSocket | undefined;
  if (t === undefined || t === null || t.encrypted !== true) return undefined;
  const sn = (t as { servername?: unknown }).servername;
  return {
    version: t.getProtocol() ?? '',
    negotiatedProtocol: typeof t.alpnProtocol === 'string' ? t.alpnProtocol : '',
    serverName: typeof sn === 'string' ? sn : '',
    cipherSuite: t.getCipher()?.name ?? '',
  };
}

function cloneValues(v: Values | null): Values | null {
  if (v === null) return null;
  const out = new Values();
  for (const [k, vs] of v) for (const x of vs) out.add(k, x);
  return out;
}
