/**
 * newRequest: a server-side {@link Request} for calling a handler directly (Go's `httptest.NewRequest`).
 * @module
 * Not part of the public API (its declarations are left out of the published types).
 */

import { Header, NoBody, Request, background, bytesBody, bytesOf, parseRequestURI, type Body, type Context } from '../../src/index';
import { PullBody } from '../../src/carrier';

/** A request body for {@link newRequest}: bytes (length known) or any async iterable of chunks (length unknown). */
export type RequestBody = string | Uint8Array | AsyncIterable<Uint8Array | string>;

function iterableBody(src: AsyncIterable<Uint8Array | string>): Body {
  const it = src[Symbol.asyncIterator]();
  let rest: Buffer | null = null;
  return new PullBody({
    async pull(max: number): Promise<Buffer | null> {
      while (rest === null || rest.length === 0) {
        const n = await it.next();
        if (n.done === true) return null;
        rest = typeof n.value === 'string' ? bytesOf(n.value) : Buffer.from(n.value.buffer, n.value.byteOffset, n.value.byteLength);
      }
      const out: Buffer = rest.length <= max ? rest : rest.subarray(0, max);
      rest = rest.length <= max ? null : rest.subarray(max);
      return out;
    },
    abandon(): void {
      void it.return?.();
    },
  });
}

/**
 * newRequest returns a Request as a server would hand it to a handler (Go's `httptest.NewRequest`): `target` is a
 * path (`/users?id=1`) or an absolute URL (`https://api.example/x`, which also sets `tls`); the host defaults to
 * `example.com`, the remote address is `192.0.2.1:1234`, the protocol HTTP/1.1. A string or byte body sets
 * `contentLength`; an iterable body has length -1. Throws for a method or target a server would refuse.
 */
export function newRequest(method: string, target: string, body?: RequestBody | null, ctx: Context = background()): Request {
  const m = method === '' ? 'GET' : method;
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(m)) throw new TypeError(`invalid NewRequest arguments; invalid method ${JSON.stringify(method)}`);
  let url;
  try {
    url = parseRequestURI(target);
  } catch (err) {
    throw new TypeError(`invalid NewRequest arguments; ${(err as Error).message}`);
  }
  const r = new Request(m, url, new Header());
  r.requestURI = target;
  r.host = url.host !== '' ? url.host : 'example.com';
  r.remoteAddr = '192.0.2.1:1234';
  r.ctx = ctx;
  if (body !== undefined && body !== null) {
    if (typeof body === 'string' || body instanceof Uint8Array) {
      const bytes = typeof body === 'string' ? bytesOf(body) : body;
      r.body = bytesBody(bytes);
      r.contentLength = bytes.byteLength;
      if (r.contentLength === 0) r.body = NoBody;
    } else {
      r.body = iterableBody(body);
      r.contentLength = -1;
    }
  }
  if (target.startsWith('https://')) r.tls = { version: 'TLSv1.2', negotiatedProtocol: '', serverName: r.host, cipherSuite: '' };
  return r;
}
