/**
 * fetchToRequest: a Fetch API `Request` as nethttp's {@link Request} — the fetch carrier's request source. Imports
 * no node: module (the fetch carrier loads in a Worker).
 * @module
 * Not part of the public API (its declarations are left out of the published types).
 */

import { NoBody, PullBody, type BodySource } from './body';
import { ErrUnexpectedEOF } from './errors';
import { Header } from './header';
import { textOf } from './internal/text';
import { Request } from './request';
import { parseRequestTarget } from './url';

/** The Fetch API's request (the platform's global), named apart from nethttp's {@link Request}. */
type FetchRequest = globalThis.Request;

/** @internal Options of {@link fetchToRequest}. */
export interface FetchRequestOptions {
  /** The client's `ip:port` for `r.remoteAddr` (the Fetch API does not carry it); "" when unknown. */
  remoteAddr: string;
}

// Body pieces as the API's Body hands them out: Buffers where the platform has them (a view, no copy).
const B = (globalThis as { Buffer?: typeof Buffer }).Buffer;
function asBytes(u: Uint8Array): Buffer {
  return (B !== undefined && !B.isBuffer(u) ? B.from(u.buffer, u.byteOffset, u.byteLength) : u) as Buffer;
}

/**
 * Pulls the body from the request's ReadableStream as the handler reads: nothing is read before the first read, and
 * no more than one piece is held, so the platform's backpressure reaches the client.
 */
class StreamSource implements BodySource {
  private reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  private rest: Uint8Array | null = null;
  // The request's body stream is taken at the first read: some platforms (@hono/node-server) build their full
  // Request object only when `body` is asked for.
  constructor(private readonly req: FetchRequest) {}

  async pull(max: number): Promise<Buffer | null> {
    let b = this.rest;
    this.rest = null;
    while (b === null) {
      let res: { done: boolean; value?: Uint8Array };
      try {
        if (this.reader === null) {
          const stream = this.req.body;
          if (stream === null) return null;
          this.reader = stream.getReader();
        }
        res = await this.reader.read();
      } catch {
        // The client went away (or the platform aborted the request) before the body's end.
        throw ErrUnexpectedEOF;
      }
      if (res.done) return null;
      if (res.value !== undefined && res.value.byteLength > 0) b = res.value;
    }
    if (b.byteLength > max) {
      this.rest = b.subarray(max);
      b = b.subarray(0, max);
    }
    return asBytes(b);
  }

  abandon(): void {
    const p = this.reader !== null ? this.reader.cancel() : this.req.body?.cancel();
    p?.catch(() => undefined);
  }
}

/**
 * @internal Builds the Request for a fetch request, or null when its target is not one Go accepts (the carrier answers
 * 400). The target is the URL's path and query as the platform normalised it (WHATWG: dot segments removed,
 * non-ASCII percent-encoded); header values, which a fetch `Headers` holds one character per byte, are decoded as
 * text (src/internal/text.ts).
 */
export function fetchToRequest(req: FetchRequest, o: FetchRequestOptions): Request | null {
  const method = req.method;
  const full = req.url;
  // The origin-form target: from the first '/' after the authority.
  const schemeEnd = full.indexOf('://');
  const pathStart = schemeEnd === -1 ? -1 : full.indexOf('/', schemeEnd + 3);
  let target = pathStart === -1 ? '/' : full.slice(pathStart);
  const hash = target.indexOf('#');
  if (hash !== -1) target = target.slice(0, hash);
  const url = parseRequestTarget(method, target);
  if (url === null) return null;
  const header = new Header();
  let host = '';
  let cl = '';
  let te = '';
  let pragma = '';
  for (const [k, v] of req.headers) {
    // Headers gives lower-case names, repeated fields joined with ", " (as Go's reader keeps them apart, the
    // handler sees one value; Cookie is joined with "; " by fetch itself where it matters).
    switch (k) {
      case 'host':
        host = textOf(v);
        continue;
      case 'content-length':
        cl = v;
        break;
      case 'transfer-encoding':
        te = v;
        continue;
      case 'pragma':
        pragma = v;
        break;
    }
    header.add(k, textOf(v));
  }
  // Pragma: no-cache implies Cache-Control: no-cache (REQ-34).
  if (pragma === 'no-cache' && !header.hasRaw('Cache-Control')) header.set('Cache-Control', 'no-cache');
  const r = new Request(method, url, header);
  r.requestURI = target;
  if (host === '') {
    const authEnd = pathStart === -1 ? full.length : pathStart;
    host = schemeEnd === -1 ? '' : full.slice(schemeEnd + 3, authEnd);
  }
  r.host = host;
  r.remoteAddr = o.remoteAddr;
  // GET and HEAD requests have no body in the Fetch API.
  const bodyless = method === 'GET' || method === 'HEAD';
  if (te !== '') {
    header.deleteRaw('Content-Length');
    r.transferEncoding = ['chunked'];
    r.contentLength = -1;
  } else if (cl !== '') {
    r.contentLength = Number(cl);
  } else {
    r.contentLength = bodyless ? 0 : -1;
  }
  r.body = bodyless || r.contentLength === 0 ? NoBody : new PullBody(new StreamSource(req));
  return r;
}
