/**
 * fetchToRequest: a Fetch API `Request` as nethttp's {@link Request} — the fetch carrier's request source. Imports
 * no node: module (the fetch carrier loads in a Worker).
 * @module
 * Not part of the public API (its declarations are left out of the published types).
 */

import { NoBody, PullBody, type BodySource } from '../request/body';
import { ErrUnexpectedEOF } from '../errors';
import { Header } from '../header';
import { textOf } from '../internal/text';
import { Request, type RawFields } from '../request/request';
import { parseRequestTarget } from '../request/url';

/** The Fetch API's request (the platform's global), named apart from nethttp's {@link Request}. */
type FetchRequest = globalThis.Request;


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
 * @internal The header map of a fetch request, built on first use: Headers gives lower-case names and repeated
 * fields joined with ", "; values, one character per byte, are decoded as text. Host is the request's `host`, and a
 * chunked request's Content-Length and Transfer-Encoding are framing, not fields (as Go's reader leaves them out).
 */
export function fetchHeader(req: FetchRequest, chunked: boolean): Header {
  const header = new Header();
  for (const [k, v] of req.headers) {
    if (k === 'host' || k === 'transfer-encoding' || (chunked && k === 'content-length')) continue;
    header.add(k, textOf(v));
  }
  // Pragma: no-cache implies Cache-Control: no-cache (REQ-34).
  if (header.get('Pragma') === 'no-cache' && !header.hasRaw('Cache-Control')) header.set('Cache-Control', 'no-cache');
  return header;
}

/**
 * @internal Where a fetch request's header map comes from (see fetchHeader): the request, not its Headers, since
 * some platforms (@hono/node-server) build the Headers object on first use. The fetch carrier's exchange is one, so
 * that no object is made for it per request.
 */
export interface FetchFields extends RawFields {
  readonly req: FetchRequest;
  /** The request's body is chunked (set by fetchToRequest). */
  chunkedBody: boolean;
}

class OwnFields implements FetchFields {
  chunkedBody = false;
  constructor(readonly req: FetchRequest) {}
  build(): Header {
    return fetchHeader(this.req, this.chunkedBody);
  }
}

// Whether `://` starts at `i`.
function slashesAt(s: string, i: number): boolean {
  return s.charCodeAt(i) === 0x3a && s.charCodeAt(i + 1) === 0x2f && s.charCodeAt(i + 2) === 0x2f;
}

// The authority of the last URL seen and its host text: a server's requests repeat theirs.
let lastAuthority = '';
let lastHost = '';

// The bytes a path keeps unescaped (REQ-12, without `%`, `[` and `]`, which need a closer look): a target whose path
// has only these and whose query has no control byte is the common origin-form one (url.ts's PLAIN_TARGET).
const PLAIN_PATH = new Uint8Array(128);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~$&+,/:;=@") PLAIN_PATH[c.charCodeAt(0)] = 1;
// The same target read in place from the path's `/` (sticky), up to a fragment's `#` or the URL's end.
const PLAIN_AT = /\/[A-Za-z0-9\-._~$&+,/:;=@]*(?:\?[^\x00-\x1f\x7f#]*)?(?=#|$)/y;

/** Whether the target read by targetEnd is plain (url.ts's PLAIN_TARGET). */
let scanPlain = false;

// The end of the target that starts at `from` (the path's `/`): the first `#`, or the end. Sets scanPlain: the
// path up to the first `?` has only PLAIN_PATH bytes and the query no control byte (0x00-0x1f, 0x7f), exactly what
// url.ts's PLAIN_TARGET accepts, so parseRequestTarget skips that expression. In place, no slice to scan: a loop
// for a few characters (V8 checks the string's representation at every charCodeAt, some 30 instructions a
// character), past that a sticky regular expression (a call of some 250 instructions, then a few a character).
function targetEnd(url: string, from: number): number {
  const n = url.length;
  if (n - from > 8) {
    PLAIN_AT.lastIndex = from;
    if (PLAIN_AT.test(url)) {
      scanPlain = true;
      return PLAIN_AT.lastIndex;
    }
  }
  let plain = true;
  let i = from;
  for (; i < n; i++) {
    const c = url.charCodeAt(i);
    if (c === 0x3f || c === 0x23) break;
    if (c >= 0x80 || PLAIN_PATH[c] === 0) plain = false;
  }
  if (i < n && url.charCodeAt(i) === 0x3f) {
    for (i++; i < n; i++) {
      const c = url.charCodeAt(i);
      if (c === 0x23) break;
      if (c < 0x20 || c === 0x7f) plain = false;
    }
  }
  scanPlain = plain;
  return i;
}

/**
 * @internal Builds the Request for a fetch request (`remoteAddr`: the client's `ip:port`, which the Fetch API does not
 * carry; "" when unknown; `fields`: the source of its header map, for `req`), or null when its target is not one Go accepts (the carrier answers
 * 400). The target is the URL's path and query as the platform normalised it (WHATWG: dot segments removed,
 * non-ASCII percent-encoded); header values, which a fetch `Headers` holds one character per byte, are decoded as
 * text (src/internal/text.ts).
 */
export function fetchToRequest(req: FetchRequest, remoteAddr: string, fields: FetchFields = new OwnFields(req)): Request | null {
  const method = req.method;
  const full = req.url;
  // The origin-form target: from the first '/' after the authority, up to a fragment. `http://` and `https://` are
  // recognised without a search; the path's '/' is found by indexOf (a builtin's scan, not a loop of charCodeAt).
  const schemeEnd = slashesAt(full, 4) ? 4 : slashesAt(full, 5) ? 5 : full.indexOf('://');
  const pathStart = schemeEnd === -1 ? -1 : full.indexOf('/', schemeEnd + 3);
  let host = '';
  if (schemeEnd !== -1) {
    // The Host field is the URL's authority (the platform builds the URL from it).
    const a = full.slice(schemeEnd + 3, pathStart === -1 ? full.length : pathStart);
    if (a === lastAuthority) {
      host = lastHost;
    } else {
      host = textOf(a);
      if (a.length <= 256) {
        lastAuthority = a;
        lastHost = host;
      }
    }
  }
  let target = '/';
  let plain = true;
  if (pathStart !== -1) {
    const end = targetEnd(full, pathStart);
    target = full.slice(pathStart, end);
    plain = scanPlain;
  }
  const url = parseRequestTarget(method, target, plain);
  if (url === null) return null;
  const r = new Request(method, url);
  r.requestURI = target;
  r.host = host;
  r.remoteAddr = remoteAddr;
  // GET and HEAD requests have no body in the Fetch API: their framing fields are not looked at, and the header map
  // is built only when the handler asks (some platforms build their Headers object only then, too).
  const bodyless = method === 'GET' || method === 'HEAD';
  const chunked = !bodyless && req.headers.has('transfer-encoding');
  // Written only when true: the exchange keeps `false` on its prototype.
  if (chunked) fields.chunkedBody = true;
  r.rawFields = fields;
  if (bodyless) {
    r.contentLength = 0;
  } else if (chunked) {
    r.transferEncoding = ['chunked'];
    r.contentLength = -1;
  } else {
    const cl = req.headers.get('content-length');
    r.contentLength = cl !== null ? Number(cl) : -1;
  }
  r.body = bodyless || r.contentLength === 0 ? NoBody : new PullBody(new StreamSource(req));
  return r;
}
