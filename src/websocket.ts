/**
 * WebSockets the way Go servers take them: the handler checks the upgrade request, hijacks the connection and
 * hands the raw socket to a WebSocket implementation (gorilla/websocket's `Upgrader.Upgrade` does the same in Go).
 * Here the protocol is done by the `ws` package's `WebSocketServer` in `noServer` mode, which nethttp does not
 * depend on: any object with ws's `handleUpgrade` works.
 *
 * ```ts
 * import { WebSocketServer } from 'ws';
 * import { Server, ServeMux } from 'nethttp';
 * import { upgradeWebSocket } from 'nethttp/websocket';
 *
 * const wss = new WebSocketServer({ noServer: true });
 * const mux = new ServeMux();
 * mux.handleFunc('GET /echo', async (w, r) => {
 *   const ws = await upgradeWebSocket(w, r, wss);
 *   if (ws === null) return; // not a WebSocket request: already answered with 400
 *   ws.on('message', (data, binary) => ws.send(data, { binary }));
 * });
 * const server = new Server({ addr: ':8080', handler: mux });
 * // Hijacked connections are no longer the server's: close them as Go programs do, from a shutdown hook.
 * server.registerOnShutdown(() => { for (const ws of wss.clients) ws.close(1001, 'server shutting down'); });
 * ```
 * @module nethttp/websocket
 */

import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { ResponseWriter } from './handler';
import { error } from './handlers/http-error';
import type { Request } from './request/request';
import { newResponseController } from './response/response-controller';
import { StatusBadRequest, StatusMethodNotAllowed } from './status';

/**
 * The part of ws's `WebSocketServer` that {@link upgradeWebSocket} uses: `handleUpgrade` in `noServer` mode. `T` is
 * the socket type it makes (ws's `WebSocket`).
 */
export interface WebSocketUpgrader<T> {
  handleUpgrade(req: IncomingMessage, socket: Socket, head: Buffer, callback: (ws: T, req: IncomingMessage) => void): void;
}

/** UpgradeError rejects {@link upgradeWebSocket} when the WebSocket server refused the hijacked connection. */
export class UpgradeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UpgradeError';
  }
}

function hasToken(values: readonly string[], token: string): boolean {
  for (const v of values) {
    for (const part of v.split(',')) if (part.trim().toLowerCase() === token) return true;
  }
  return false;
}

// The request a Node 'upgrade' listener would get, as far as ws reads it: method, url, lower-case header
// fields (repeated ones joined as node:http joins them), the socket.
function nodeLikeRequest(r: Request, socket: Socket): IncomingMessage {
  const headers: IncomingHttpHeaders = { host: r.host };
  for (const [k, vs] of r.header) {
    const key = k.toLowerCase();
    (headers as Record<string, string>)[key] = key === 'cookie' ? vs.join('; ') : vs.join(', ');
  }
  return {
    method: r.method,
    url: r.requestURI,
    httpVersion: `${r.protoMajor}.${r.protoMinor}`,
    headers,
    socket,
  } as unknown as IncomingMessage;
}

const keyPattern = /^[+/0-9A-Za-z]{22}==$/;

/**
 * upgradeWebSocket checks that `r` asks for a WebSocket (a GET with `Connection: upgrade`, `Upgrade: websocket`,
 * `Sec-WebSocket-Version: 13` and a well-formed key); if not, it answers through `w` with gorilla/websocket's
 * messages (405 for a method other than GET, 400 otherwise, with `Sec-WebSocket-Version: 13` when the version is
 * wrong) and resolves with `null`. Otherwise it hijacks the connection
 * and lets `wss` complete the handshake, resolving with the new socket; it rejects with {@link UpgradeError} if
 * `wss` refuses the connection (its `verifyClient`, for instance), and with the hijack's error where the carrier
 * has no raw connection. Add the socket's listeners right after the `await`: the connection starts flowing on the
 * next turn of the event loop. Extra response headers go through ws's `'headers'` event.
 *
 * The connection is no longer the server's once hijacked: `server.shutdown()` neither waits for it nor closes
 * it, so close the sockets from a `registerOnShutdown` hook (close code 1001, "going away").
 */
export async function upgradeWebSocket<T>(w: ResponseWriter, r: Request, wss: WebSocketUpgrader<T>): Promise<T | null> {
  const h = r.header;
  if (!hasToken(h.values('Connection'), 'upgrade')) {
    error(w, "websocket: the client is not using the websocket protocol: 'upgrade' token not found in 'Connection' header", StatusBadRequest);
    return null;
  }
  if (!hasToken(h.values('Upgrade'), 'websocket')) {
    error(w, "websocket: the client is not using the websocket protocol: 'websocket' token not found in 'Upgrade' header", StatusBadRequest);
    return null;
  }
  if (r.method !== 'GET') {
    error(w, 'websocket: the client is not using the websocket protocol: request method is not GET', StatusMethodNotAllowed);
    return null;
  }
  if (!hasToken(h.values('Sec-Websocket-Version'), '13')) {
    w.header().set('Sec-Websocket-Version', '13');
    error(w, "websocket: unsupported version: 13 not found in 'Sec-Websocket-Version' header", StatusBadRequest);
    return null;
  }
  if (!keyPattern.test(h.get('Sec-Websocket-Key'))) {
    error(w, "websocket: not a websocket handshake: 'Sec-WebSocket-Key' header must be Base64 encoded value of 16-byte in length", StatusBadRequest);
    return null;
  }
  const { conn } = newResponseController(w).hijack();
  const req = nodeLikeRequest(r, conn);
  return new Promise<T>((resolve, reject) => {
    // ws answers a refusal itself (an HTTP error on the socket, then closes it) and never calls back.
    const refused = (): void => reject(new UpgradeError('websocket: the WebSocket server refused the upgrade'));
    conn.once('close', refused);
    wss.handleUpgrade(req, conn, Buffer.alloc(0), (ws) => {
      conn.removeListener('close', refused);
      resolve(ws);
      // The hijack leaves the socket paused. It flows once the awaiting handler has run on and added its
      // 'message' listeners (setImmediate runs after the promise continuations), so that bytes that came with
      // the request are not delivered to nobody.
      setImmediate(() => conn.resume());
    });
  });
}
