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

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import { toHandler, type Context, type HandlerLike, type Logger } from '../../src/index';
import { ServerHandler, badRequest, nodeToRequest, serveNode, type ServeNodeOptions } from '../../src/carrier';

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
    onThrow: null,
  };
  return (req, res) => {
    const url = req.url ?? '/';
    const r = nodeToRequest(req, url, url);
    if (r === null) badRequest(res);
    else serveNode(h, r, req, res, o);
  };
}
