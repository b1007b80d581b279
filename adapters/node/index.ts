/**
 * nethttp on any Node server: a handler becomes a Node `requestListener` for `http.createServer`,
 * `https.createServer` or `http2.createServer`/`createSecureServer` (compatibility API).
 *
 * ```ts
 * import { createServer } from 'node:http';
 * import { ServeMux } from 'nethttp';
 * import { requestListener } from 'nethttp/adapters/node';
 *
 * const mux = new ServeMux();
 * mux.handleFunc('GET /hello/{name}', (w, r) => { w.write(`hello, ${r.pathValue('name')}\n`); });
 * createServer(requestListener(mux)).listen(8080);
 * ```
 * @module nethttp/adapters/node
 */

import { ServerResponse, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import { toHandler, type Context, type HandlerLike, type Logger } from '../../src/index';
import { ServerHandler, type SinkResponse } from '../../src/carrier';
import { badRequest, serveNode, type ServeNodeOptions, type NodeSink } from '../../src/carrier-node';

/** Options of {@link requestListener}. */
export interface RequestListenerOptions {
  /** Where error lines go (panics, superfluous writeHeader…); default stderr with Go's log prefix. */
  errorLog?: Logger;
  /** The parent of every request context (Go's `Server.BaseContext`), given the Node request. */
  baseContext?: (req: IncomingMessage | Http2ServerRequest) => Context;
  /** Pass `OPTIONS *` to the handler instead of answering it (Go's `Server.DisableGeneralOptionsHandler`). */
  disableGeneralOptionsHandler?: boolean;
}

/** A Node request listener, for `'request'` (and `'checkContinue'`, to send 100 Continue only when the body is read). */
export type NodeRequestListener = (req: IncomingMessage | Http2ServerRequest, res: ServerResponse | Http2ServerResponse) => void;

/**
 * requestListener makes a Node request listener of a nethttp handler (`null`: {@link nethttp!DefaultServeMux}),
 * with Go's serverHandler in front: `OPTIONS *` gets the global options reply. The response follows Go's rules
 * (implicit 200, sniffed Content-Type, Content-Length for bodies that fit the 2048-byte buffer, chunked otherwise,
 * HEAD/204/304 bodies dropped, trailers, 1xx); a throw is Go's panic: logged, the connection aborted. The
 * request context is cancelled when the client goes away or the handler returns.
 */
export function requestListener(handler: HandlerLike | null, options: RequestListenerOptions = {}): NodeRequestListener {
  const h = new ServerHandler(handler === null ? null : toHandler(handler), options.disableGeneralOptionsHandler === true);
  const o: ServeNodeOptions = {
    errorLog: options.errorLog ?? null,
    baseContext: options.baseContext ?? null,
  };
  return (req, res) => serveNode(h, req, res, o);
}

/** A Node `'upgrade'` listener: the request, its raw socket, and the bytes that came after the request head. */
export type NodeUpgradeListener = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

/**
 * upgradeListener makes a listener for a Node server's `'upgrade'` event of a nethttp handler, so that the handler
 * that upgrades by hijacking on the native Server (`newResponseController(w).hijack()`, or
 * `upgradeWebSocket` from `nethttp/websocket`) runs unchanged on `http.createServer` and Express servers:
 *
 * ```ts
 * const server = createServer(requestListener(mux));
 * server.on('upgrade', upgradeListener(mux));
 * ```
 *
 * Node hands such requests (`Connection: upgrade` with an `Upgrade` field) to `'upgrade'` listeners and not to the
 * request listener. Here `hijack()` returns the socket paused, as the native Server does, with the bytes that
 * followed the head put back into it (`resume()` it, or give it to a reader that does). A
 * handler that answers without hijacking is answered by the usual response rules, and the connection then closes
 * (node:http serves no further request on a socket it passed to `'upgrade'`).
 */
export function upgradeListener(handler: HandlerLike | null, options: RequestListenerOptions = {}): NodeUpgradeListener {
  const h = new ServerHandler(handler === null ? null : toHandler(handler), options.disableGeneralOptionsHandler === true);
  return (req, socket, head) => {
    const res = new ServerResponse(req);
    res.shouldKeepAlive = false;
    res.assignSocket(socket as never);
    res.on('finish', () => {
      if (!hijacked) socket.end();
    });
    let hijacked = false;
    const o: ServeNodeOptions = {
      errorLog: options.errorLog ?? null,
      baseContext: options.baseContext ?? null,
      hijack: (w: SinkResponse, sink: NodeSink) => {
        // A status set before the hijack goes out first (RSP-86); buffered body bytes do not.
        w.sendHeadForHijack();
        if (w.wroteHeader) sink.flush();
        hijacked = true;
        res.detachSocket(socket as never);
        // As on the native Server: the socket comes paused, the bytes already received put back in front.
        socket.pause();
        if (head.length > 0) socket.unshift(head);
        return { conn: socket };
      },
    };
    serveNode(h, req, res, o);
  };
}
