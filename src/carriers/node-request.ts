/**
 * From a Node request (`IncomingMessage`, or `Http2ServerRequest` of the compatibility API) to a nethttp
 * {@link Request}, with a {@link Body} that pulls from the Node stream.
 * @module
 * Not part of the public API (its declarations are left out of the published types).
 */

import type { IncomingMessage } from 'node:http';
import type { Http2ServerRequest } from 'node:http2';
import { NoBody, PullBody, type BodySource } from '../request/body';
import { ErrBodyConsumed, ErrUnexpectedEOF, fresh } from '../errors';
import { Header, canonicalHeaderKey } from '../header';
import { Request, tlsInfoOf, type RawFields } from '../request/request';
import { joinHostPort } from '../server/listener';
import { textOf } from '../internal/text';
import { hasToken } from '../response/response';
import { parseRequestTarget } from '../request/url';

/** @internal Either kind of Node request. */
export type NodeRequest = IncomingMessage | Http2ServerRequest;

// Where a NodeBodySource that has started reading keeps itself on its Node request (see releaseNodeBody).
const kSource = Symbol('nethttp.bodySource');

/** What body parsers leave on a Node request that this carrier looks at. */
interface ParsedRequest {
  /** Bytes kept by the parser: `express.json({ verify: keepRawBody })`, and the convention of several platforms. */
  rawBody?: unknown;
  /** express.raw() leaves the bytes themselves here. */
  body?: unknown;
  /** body-parser 1.x (Express 4) marks a request it has read. */
  _body?: unknown;
  [kSource]?: NodeBodySource;
}

// The bytes of a body read before the handler, when the reader kept them (after any Content-Encoding was undone,
// as body parsers do); null when it did not. Strings are not taken: a parser's text was decoded with a charset.
function keptBytes(req: ParsedRequest): Buffer | null {
  const raw = req.rawBody;
  if (raw instanceof Uint8Array) return Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  if (Buffer.isBuffer(req.body)) return req.body;
  return null;
}

/**
 * Pulls body bytes from a Node readable, honouring backpressure: nothing is buffered beyond what Node holds
 * until the handler asks for more. Nothing touches the stream before the first read, so a request the handler
 * never reads (or declines, or a mux lets fall through) reaches the next Express route untouched.
 */
class NodeBodySource implements BodySource {
  private started = false;
  private ended = false;
  private err: Error | null = null;
  /** Found unreadable at the first read: every read fails with this. */
  private failed: Error | null = null;
  private rest: Buffer | null = null;
  private waiter: (() => void) | null = null;
  /** Bytes received, against the declared Content-Length (-1: none). */
  private got = 0;

  /** @internal Node says more may be read, or the stream ended or failed: the waiting pull looks again. */
  wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  /** @internal The stream's 'end'. */
  onEnd(): void {
    this.ended = true;
    this.addTrailers();
    this.wake();
  }

  /** @internal The stream's 'error'. */
  onError(e: Error): void {
    this.err ??= e.message === 'aborted' || (e as NodeJS.ErrnoException).code === 'ECONNRESET' ? ErrUnexpectedEOF : e;
    this.wake();
  }

  /** @internal The stream's 'close'. */
  onClose(): void {
    if (!this.ended) this.err ??= ErrUnexpectedEOF;
    this.wake();
  }

  constructor(
    private readonly req: NodeRequest,
    private readonly r: Request,
    private readonly declared: number,
  ) {}

  private addTrailers(): void {
    const raw = this.req.rawTrailers ?? [];
    for (let i = 0; i + 1 < raw.length; i += 2) this.r.trailer.add(raw[i], textOf(raw[i + 1]));
  }

  private start(): void {
    this.started = true;
    const req = this.req;
    const p = req as ParsedRequest;
    if (req.readableDidRead || req.readableEnded || req.readableFlowing === true || p._body === true) {
      // Read before the handler, by a body parser in front: its copy of the bytes if it kept one, else a named
      // error instead of a silently empty body.
      const kept = keptBytes(p);
      if (kept === null) {
        this.failed = ErrBodyConsumed;
        return;
      }
      this.rest = kept.length > 0 ? kept : null;
      this.ended = true;
      this.got = -1; // the copy may be decoded (gzip): its length says nothing about Content-Length
      if (req.complete) this.addTrailers();
      return;
    }
    if (req.destroyed && !req.complete) {
      this.failed = ErrUnexpectedEOF;
      return;
    }
    p[kSource] = this;
    req.on('readable', sourceReadable);
    req.on('end', sourceEnd);
    req.on('error', sourceError);
    req.on('close', sourceClose);
  }

  /** Stops listening and gives back what was pulled and not yet handed out (a declined request goes on to Express). */
  release(): void {
    const req = this.req;
    delete (req as ParsedRequest)[kSource];
    req.removeListener('readable', sourceReadable);
    req.removeListener('end', sourceEnd);
    req.removeListener('error', sourceError);
    req.removeListener('close', sourceClose);
    const b = this.rest;
    this.rest = null;
    if (b !== null && !this.ended && !req.readableEnded) req.unshift(b);
  }

  async pull(max: number): Promise<Buffer | null> {
    if (!this.started) this.start();
    if (this.failed !== null) throw this.failed;
    for (;;) {
      let b = this.rest;
      this.rest = null;
      if (b === null && !this.ended && this.err === null) {
        b = this.req.read() as Buffer | null;
        if (b !== null) {
          if (typeof b === 'string') b = Buffer.from(b, 'latin1');
          if (this.declared >= 0) {
            // A carrier without framing (an injected request) may hold more than was declared: Go reads no further.
            if (this.got + b.length > this.declared) b = b.subarray(0, this.declared - this.got);
            this.got += b.length;
          }
        }
      }
      if (b !== null && b.length > 0) {
        if (b.length <= max) return b;
        this.rest = b.subarray(max);
        return b.subarray(0, max);
      }
      if (this.ended || this.req.readableEnded) {
        // A body shorter than its Content-Length never ends normally (Go: io.ErrUnexpectedEOF).
        if (this.declared >= 0 && this.got >= 0 && this.got < this.declared) throw fresh(ErrUnexpectedEOF);
        return null;
      }
      if (this.err !== null) throw this.err;
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
  }

  abandon(): void {
    // Let Node discard the rest; it decides whether the connection can be reused.
    this.req.resume();
  }
}

// The listeners of every body source, shared: Node calls them with the request as `this`, which holds its reading
// source under kSource until it is released (no closures or once-wrappers per request). 'end' and 'close' come once.
function sourceReadable(this: ParsedRequest): void {
  this[kSource]?.wake();
}
function sourceEnd(this: ParsedRequest): void {
  this[kSource]?.onEnd();
}
function sourceError(this: ParsedRequest, e: Error): void {
  this[kSource]?.onError(e);
}
function sourceClose(this: ParsedRequest): void {
  this[kSource]?.onClose();
}

/** @internal Detaches the body reader of `nreq`, if a handler started one (a declined request goes on to Express). */
export function releaseNodeBody(nreq: NodeRequest): void {
  (nreq as ParsedRequest)[kSource]?.release();
}

/**
 * The header map of a Node request, from its raw fields: what {@link RawFields.build} of the request's exchange
 * returns when the handler first asks (see Request.header). The fields that bear on the map (framing, Pragma) are
 * looked at again here rather than kept from nodeToRequest, which then keeps nothing but the exchange for it.
 * @internal
 */
export function nodeHeader(nreq: NodeRequest): Header {
  const header = new Header();
  const m = header.m;
  const raw = nreq.rawHeaders;
  const h2 = nreq.httpVersionMajor === 2;
  let chunked = false;
  let pragma: string | null = null;
  let cacheControl = false;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const k = raw[i];
    if (k.charCodeAt(0) === 0x3a) continue; // HTTP/2 pseudo-fields
    const key = canonicalHeaderKey(k);
    if (key === 'Host') continue; // moved to r.host (REQ-20, REQ-21)
    const rv = raw[i + 1];
    if (key === 'Transfer-Encoding') chunked ||= !h2 && rv !== '';
    else if (key === 'Pragma') pragma ??= rv;
    else if (key === 'Cache-Control') cacheControl = true;
    // Node gives values one character per byte (latin1): decoded as text when a byte ≥ 0x80 is present.
    const v = textOf(rv);
    const vs = m.get(key);
    if (vs === undefined) m.set(key, [v]);
    else vs.push(v);
  }
  // Pragma: no-cache implies Cache-Control: no-cache (REQ-34).
  if (pragma === 'no-cache' && !cacheControl) m.set('Cache-Control', ['no-cache']);
  // A chunked body's length is its framing's, not a field of the map (as nodeToRequest sets r.contentLength).
  if (chunked) {
    m.delete('Transfer-Encoding');
    m.delete('Content-Length');
  }
  return header;
}

// ASCII case-insensitive equality with a lower-case name.
function eqFold(s: string, lower: string): boolean {
  if (s.length !== lower.length) return false;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) c |= 0x20;
    if (c !== lower.charCodeAt(i)) return false;
  }
  return true;
}

// The socket's `ip:port` as Go writes RemoteAddr, cached on HTTP/1 sockets under this key.
const kRemoteAddr = Symbol('nethttp.remoteAddr');

function remoteAddrOf(sock: { remoteAddress?: string; remotePort?: number } | null | undefined): string {
  return joinHostPort(sock?.remoteAddress ?? '', sock?.remotePort ?? 0);
}

/**
 * Builds the Request for a Node request, or returns null when the request-target is not one Go accepts (the
 * carrier answers 400). `target` is the path the handler routes on (Express: relative to the mount point);
 * `requestURI` is what the client sent; `fields` builds the header map when the handler first asks (the request's
 * exchange, with {@link nodeHeader}).
 * @internal
 */
export function nodeToRequest(nreq: NodeRequest, target: string, requestURI: string, fields: RawFields): Request | null {
  const method = nreq.method ?? 'GET';
  const h2 = nreq.httpVersionMajor === 2;
  // Node's strings hold one character per byte; the request's are text (src/internal/text.ts).
  const text = textOf(target);
  const url = parseRequestTarget(method, text);
  if (url === null) return null;
  // One pass for the fields the request's own fields depend on; the header map itself is built only when the
  // handler asks for it (nodeHeader), as Node builds `req.headers` lazily.
  const raw = nreq.rawHeaders;
  let host = '';
  let hostField: string | null = null;
  let conn = '';
  let te = '';
  let cl = '';
  let trailer: string[] | null = null;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const k = raw[i];
    const v = raw[i + 1];
    switch (k.length) {
      case 4:
        if (eqFold(k, 'host')) hostField ??= v;
        break;
      case 7:
        if (eqFold(k, 'trailer')) (trailer ??= []).push(v);
        break;
      case 10:
        if (k === ':authority') host ||= v;
        else if (conn === '' && eqFold(k, 'connection')) conn = v;
        break;
      case 14:
        if (cl === '' && eqFold(k, 'content-length')) cl = v;
        break;
      case 17:
        if (te === '' && eqFold(k, 'transfer-encoding')) te = v;
        break;
    }
  }
  if (hostField !== null && (!h2 || host === '')) host = hostField;
  const r = new Request(method, url);
  r.requestURI = requestURI === target ? text : textOf(requestURI);
  r.host = url.host !== '' ? url.host : textOf(host);
  r.protoMajor = nreq.httpVersionMajor;
  r.protoMinor = nreq.httpVersionMinor;
  r.proto = h2 ? 'HTTP/2.0' : nreq.httpVersion === '1.1' ? 'HTTP/1.1' : 'HTTP/' + nreq.httpVersion;
  if (!h2) {
    r.close = r.protoMinor === 0 && r.protoMajor === 1 ? !hasToken(conn, 'keep-alive') || hasToken(conn, 'close') : hasToken(conn, 'close');
  }
  // Framing: Node has validated it (it refuses Content-Length with chunked and bad lengths).
  const chunked = !h2 && te !== '';
  if (chunked) {
    r.transferEncoding = ['chunked'];
    r.contentLength = -1;
  } else if (cl !== '') {
    r.contentLength = Number(cl);
  } else if (h2) {
    r.contentLength = (nreq as Http2ServerRequest).stream.endAfterHeaders ? 0 : -1;
  }
  r.rawFields = fields;
  if (trailer !== null) for (const v of trailer) for (const k of v.split(',')) if (k.trim() !== '') r.trailer.setRaw(k.trim(), null);
  if (r.contentLength === 0) {
    r.body = NoBody;
  } else {
    // Made now for a body that can carry trailers (chunked, HTTP/2, or framed by neither), so that copies of the
    // request (withContext) share the map they are read into. A Content-Length body on HTTP/1 has none: its map
    // is made only if asked for (a Header and its Map, about 200 bytes of most POSTs).
    if (trailer === null && (chunked || h2 || r.contentLength < 0)) r.trailer = new Header();
    r.body = new PullBody(new NodeBodySource(nreq, r, r.contentLength));
  }
  const sock = nreq.socket as (NodeRequest['socket'] & { [kRemoteAddr]?: string }) | null;
  if (h2 || sock === null) {
    r.remoteAddr = remoteAddrOf(sock);
  } else {
    // Formatted once per connection (keep-alive requests share it); not cached while the address is unknown.
    let ra = sock[kRemoteAddr];
    if (ra === undefined) {
      ra = remoteAddrOf(sock);
      if (sock.remoteAddress !== undefined) sock[kRemoteAddr] = ra;
    }
    r.remoteAddr = ra;
  }
  r.tls = tlsInfoOf(sock);
  return r;
}
