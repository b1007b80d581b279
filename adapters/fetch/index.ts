/**
 * nethttp on the Fetch API: a handler becomes `(request: Request) => Response | Promise<Response>` (the type of a
 * Hono app's `app.fetch`), which `Bun.serve`, `Deno.serve`, Cloudflare Workers, Next.js route handlers, Hono's
 * `app.mount` and `@hono/node-server` all take; and a fetch handler (a Hono app) becomes a nethttp {@link Handler}.
 *
 * ```ts
 * import { serve } from '@hono/node-server';
 * import { ServeMux, toFetch } from 'nethttp/adapters/fetch';
 *
 * const mux = new ServeMux();
 * mux.handleFunc('GET /hello/{name}', (w, r) => void w.write(`hello, ${r.pathValue('name')}\n`));
 * serve({ fetch: toFetch(mux), port: 8080 });
 * ```
 *
 * Nothing this module loads imports a node: module, so it runs in a Worker. It re-exports the part of the nethttp
 * API that needs no Node (ServeMux, handlers, Header, the response helpers, contexts, cookies, forms, JSON), so that
 * code for a Worker imports from here alone.
 * @module nethttp/adapters/fetch
 */

import { NoBody, toHandler, type Context, type Handler, type HandlerLike, type Logger, type Request, type ResponseWriter } from '../../src/core';
import { ServerHandler, binaryOf, serveFetch, textOf, type NodeOutgoing, type ServeFetchOptions } from '../../src/carrier';

export * from '../../src/core';


/** Options of {@link toFetch}. */
export interface ToFetchOptions {
  /** Where error lines go (panics, superfluous writeHeader…); default stderr with Go's log prefix. */
  errorLog?: Logger;
  /** The parent of every request context (Go's `Server.BaseContext`), given the fetch request. */
  baseContext?: (request: globalThis.Request) => Context;
  /**
   * The client's address for `r.remoteAddr`, given the fetch call's arguments (the Fetch API does not carry it):
   * `(req, server) => server.requestIP(req)…` on Bun. Default: `@hono/node-server`'s `env.incoming.socket`, else "".
   */
  remoteAddr?: (request: globalThis.Request, ...rest: unknown[]) => string;
  /** Bytes a streamed response body holds before `drained()` waits for the platform to read (default 64 KiB). */
  highWaterMark?: number;
}

/** A fetch handler: `(request) => Response`, sync or async; extra arguments (env, context) are the platform's. */
export type FetchHandler = (request: globalThis.Request, ...rest: never[]) => globalThis.Response | Promise<globalThis.Response>;

function joinHostPort(host: string, port: number | string): string {
  return (host.includes(':') ? `[${host}]` : host) + ':' + port;
}

// Where the formatted address is kept on a socket (keep-alive requests share it).
const kRemoteAddr = Symbol('nethttp.remoteAddr');
type PeerSocket = { remoteAddress?: string; remotePort?: number; [kRemoteAddr]?: string };

// @hono/node-server passes { incoming, outgoing } as the second argument: the Node request's socket has the address.
function defaultRemoteAddr(_req: globalThis.Request, env?: unknown): string {
  const sock = (env as { incoming?: { socket?: PeerSocket } } | undefined)?.incoming?.socket;
  if (sock === undefined || sock === null) return '';
  let a = sock[kRemoteAddr];
  if (a === undefined) {
    if (sock.remoteAddress === undefined) return '';
    a = sock[kRemoteAddr] = joinHostPort(sock.remoteAddress, sock.remotePort ?? 0);
  }
  return a;
}

// @hono/node-server passes node:http's ServerResponse as env.outgoing: it writes Date itself (sendDate).
function nodeOutgoing(env: unknown): NodeOutgoing | null {
  const out = (env as { outgoing?: { sendDate?: unknown } } | null | undefined)?.outgoing;
  return out !== undefined && out !== null && typeof out.sendDate === 'boolean' ? (out as NodeOutgoing) : null;
}

/**
 * toFetch makes a fetch handler of a nethttp handler (`null`: {@link DefaultServeMux}). Go's ResponseWriter rules
 * hold as on every carrier: implicit 200, the header snapshot at `writeHeader`, sniffed Content-Type, an automatic
 * Content-Length for a body that fits the 2048-byte buffer, HEAD, 204 and 304 without a body. A handler that finished
 * before the fetch function returns gets its Response returned as it is (no promise, as a Hono app's fetch does), with
 * the whole body; otherwise a promise resolves with the Response as soon as the head is decided, and its body is a
 * ReadableStream fed as the handler writes, and `drained()` waits
 * while the platform has not read what was written (a handler that streams 1 GiB and awaits it stays in bounded
 * memory). `request.signal` cancels the request's context, as does the platform dropping the body stream; the
 * context is also cancelled when the handler returns. A throw is Go's panic: logged; before the head, the returned
 * promise rejects (the platform answers it, usually 500); after, the body stream errors and the platform cuts the
 * response. What the Fetch API cannot carry (1xx responses, trailers, statuses outside 200–599, a body on 205) is
 * listed in docs/fetch.md.
 */
export function toFetch(handler: HandlerLike | null, options: ToFetchOptions = {}): (request: globalThis.Request, env?: unknown, ctx?: unknown) => globalThis.Response | Promise<globalThis.Response> {
  const h = new ServerHandler(handler === null ? null : toHandler(handler), false);
  const o: ServeFetchOptions = {
    errorLog: options.errorLog ?? null,
    baseContext: options.baseContext ?? null,
    highWaterMark: options.highWaterMark ?? 65536,
  };
  const remote = options.remoteAddr ?? defaultRemoteAddr;
  // The carrier's serve step as the closure's own: a call through the module's re-exports reads a getter on an
  // exports object V8 keeps in dictionary mode (some 130 instructions a call).
  const serve = serveFetch;
  // The platform's extra arguments (env, context) go to remoteAddr; named, not gathered (no array per request).
  const fetchHandler = (request: globalThis.Request, env?: unknown, ctx?: unknown): globalThis.Response | Promise<globalThis.Response> =>
    serve(h, request, remote(request, env, ctx), o, nodeOutgoing(env));
  return fetchHandler;
}

// The request-target as URL text: its bytes, with every byte >= 0x80 percent-encoded (WHATWG would encode a lone
// surrogate as U+FFFD; a path value of the stray byte %FF stays %FF).
function targetOf(r: Request): string {
  const b = binaryOf(r.requestURI !== '' && r.requestURI !== '*' ? r.requestURI : r.url.requestURI());
  let out = '';
  let run = 0;
  for (let i = 0; i < b.length; i++) {
    const c = b.charCodeAt(i);
    if (c < 0x80) continue;
    out += b.slice(run, i) + '%' + c.toString(16).toUpperCase().padStart(2, '0');
    run = i + 1;
  }
  return out + b.slice(run);
}

/** Options of {@link fromFetch}. */
export interface FromFetchOptions {
  /** The scheme of the URL the fetch handler sees; default `https` when the request came over TLS, else `http`. */
  scheme?: string;
}

/**
 * fromFetch makes a nethttp {@link Handler} of a fetch handler — a Hono app's `app.fetch`, or any
 * `(request) => Response` — to mount in a {@link ServeMux}: `mux.handle('/api/', fromFetch(app.fetch))`. The fetch
 * handler gets a Request with the method, the URL (scheme, `r.host`, the target as sent), the header, the body as a
 * stream read as it reads, and `signal` from the request's context. Its Response is written through the
 * ResponseWriter: status, header fields, and the body as it arrives (flushed when the next piece is not ready yet,
 * so a server-sent event stream reaches the client as it goes). A throw or rejection is the handler's (Go's panic).
 */
export function fromFetch(fetchFn: FetchHandler, options: FromFetchOptions = {}): Handler {
  if (typeof fetchFn !== 'function') throw new TypeError('fromFetch: a fetch handler (request) => Response is required');
  return {
    async serveHTTP(w: ResponseWriter, r: Request): Promise<void> {
      const scheme = options.scheme ?? (r.tls !== undefined ? 'https' : 'http');
      const headers = new Headers();
      for (const [k, vs] of r.header) for (const v of vs) headers.append(k, binaryOf(v));
      const hasBody = r.body !== NoBody && r.method !== 'GET' && r.method !== 'HEAD';
      const init: RequestInit & { duplex?: 'half' } = { method: r.method, headers, signal: r.context().signal };
      if (hasBody) {
        const body = r.body;
        init.body = new ReadableStream<Uint8Array>({
          async pull(c) {
            const b = await body.read(65536);
            if (b === null) c.close();
            else c.enqueue(b);
          },
          cancel() {
            body.close();
          },
        });
        init.duplex = 'half';
      }
      const req = new globalThis.Request(`${scheme}://${binaryOf(r.host) || 'localhost'}${targetOf(r)}`, init);
      const res = await (fetchFn as (request: globalThis.Request) => globalThis.Response | Promise<globalThis.Response>)(req);
      const h = w.header();
      for (const [k, v] of res.headers) {
        if (k === 'set-cookie') continue;
        h.add(k, textOf(v));
      }
      for (const c of res.headers.getSetCookie()) h.add('Set-Cookie', textOf(c));
      w.writeHeader(res.status);
      if (res.body === null) return;
      const reader = res.body.getReader();
      const fixed = res.headers.has('content-length');
      let next = reader.read();
      try {
        for (;;) {
          const { done, value } = await next;
          if (done) return;
          w.write(value);
          next = reader.read();
          // A piece not ready at once: what was written goes out now (a stream of events), unless the length is
          // declared (the whole body is coming). Then wait for the client to take it (backpressure).
          if (!fixed && !(await settled(next))) (w as unknown as { flush?: () => void }).flush?.();
          await (w as unknown as { drained?: () => Promise<void> }).drained?.();
        }
      } finally {
        reader.cancel().catch(() => undefined);
      }
    },
  };
}

// Whether `p` settles before a timer turn (a piece already queued in the stream does; one still being made does not).
function settled(p: Promise<unknown>): Promise<boolean> {
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), 0);
    p.then(
      () => {
        clearTimeout(t);
        resolve(true);
      },
      () => {
        clearTimeout(t);
        resolve(true);
      },
    );
  });
}
