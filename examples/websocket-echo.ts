/**
 * A WebSocket echo server on the native Server, the way Go programs upgrade: the handler hijacks the connection
 * (through upgradeWebSocket) and the `ws` package speaks the protocol. Shutdown closes every socket with 1001.
 *   node dist/examples/websocket-echo.js   then connect a WebSocket client to ws://127.0.0.1:9093/echo
 */

import { WebSocketServer } from 'ws';
import { Server, ServeMux } from 'nethttp';
import { upgradeWebSocket } from 'nethttp/websocket';

/** The routes: `/echo` sends every message back; the same mux runs on any carrier. */
export function echoMux(wss: WebSocketServer): ServeMux {
  const mux = new ServeMux();
  mux.handleFunc('GET /echo', async (w, r) => {
    const ws = await upgradeWebSocket(w, r, wss);
    if (ws === null) return; // not a WebSocket request: answered with 400
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  });
  return mux;
}

/** A native Server for the mux whose shutdown closes the WebSockets with 1001 (going away). */
export function echoServer(addr: string): { server: Server; wss: WebSocketServer } {
  const wss = new WebSocketServer({ noServer: true });
  const server = new Server({ addr, handler: echoMux(wss) });
  // Hijacked connections are no longer the server's: shutdown neither waits for them nor closes them.
  server.registerOnShutdown(() => {
    for (const ws of wss.clients) ws.close(1001, 'server shutting down');
  });
  return { server, wss };
}

if (require.main === module) {
  const { server } = echoServer('127.0.0.1:9093');
  process.once('SIGINT', () => void server.shutdown());
  server.listenAndServe().catch((err: unknown) => console.log(String(err)));
}
