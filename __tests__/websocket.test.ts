/**
 * WebSockets on the native Server: upgradeWebSocket hijacks the connection and `ws` speaks the protocol; the
 * server's shutdown hook closes the hijacked sockets with 1001.
 */

import * as net from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { ServeMux, listen, type Server } from '../src';
import { UpgradeError, upgradeWebSocket } from '../src/websocket';
import { echoServer } from '../examples/websocket-echo';
import { Client, get, serveOn } from './raw-client';
import { closeCodes, echoClients, handshakeWithFrame } from './ws-client';

async function start(): Promise<{ server: Server; wss: WebSocketServer; port: number; serving: Promise<never> }> {
  const { server, wss } = echoServer('127.0.0.1:0');
  const ln = await listen('tcp', '127.0.0.1:0');
  const serving = server.serve(ln);
  serving.catch(() => undefined);
  return { server, wss, port: ln.addr().port, serving };
}

test('100 concurrent sockets echo; a graceful shutdown closes every one with 1001', async () => {
  const { server, wss, port } = await start();
  const clients = await echoClients(`ws://127.0.0.1:${port}/echo`, 100);
  expect(wss.clients.size).toBe(100);
  const codes = closeCodes(clients);
  const serverSide = closeCodes([...wss.clients]);
  // Hijacked connections are not the server's (SRV-44): shutdown does not wait for them, the hook closes them.
  await server.shutdown();
  expect(await codes).toEqual(new Array(100).fill(1001));
  // The closing handshake completes on the server's side too (the client echoes the 1001).
  expect(await serverSide).toEqual(new Array(100).fill(1001));
  expect(wss.clients.size).toBe(0);
}, 30_000);

test('a frame sent in the same write as the upgrade request reaches the WebSocket', async () => {
  const { server, port } = await start();
  try {
    const got = await handshakeWithFrame(port, '/echo', 'early bird');
    expect(got).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r\n/);
    expect(got).toContain('Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n');
    // The unmasked server frame: FIN + text, length, payload.
    expect(got.endsWith('\x81\x0aearly bird')).toBe(true);
  } finally {
    await server.close();
  }
});

test('a request that is not a WebSocket handshake is answered through the ResponseWriter', async () => {
  const { server, port } = await start();
  try {
    const plain = await fetch(`http://127.0.0.1:${port}/echo`);
    expect(plain.status).toBe(400);
    expect(await plain.text()).toBe("websocket: the client is not using the websocket protocol: 'upgrade' token not found in 'Connection' header\n");
    const c = new Client(port);
    c.send(get('/echo', 'Connection: upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 8\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n'));
    await c.until(() => c.text.includes('\r\n\r\n') && c.text.endsWith('\n'));
    expect(c.text).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(c.text).toContain('Sec-Websocket-Version: 13\r\n');
    // Answered like any response: the connection stays open for the next request.
    c.send(get('/nope'));
    await c.until(() => c.responses() === 2);
    c.close();
  } finally {
    await server.close();
  }
});

test('a WebSocket server that refuses the hijacked connection rejects with UpgradeError', async () => {
  const wss = new WebSocketServer({ noServer: true, verifyClient: () => false });
  const seen: unknown[] = [];
  const mux = new ServeMux();
  mux.handleFunc('GET /ws', async (w, r) => {
    await upgradeWebSocket(w, r, wss).catch((err: unknown) => seen.push(err));
  });
  const { srv, port } = await serveOn(mux);
  try {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
    const status = await new Promise<number>((resolve) => ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
    expect(status).toBe(401);
    await new Promise((r) => setTimeout(r, 50));
    expect(seen.length).toBe(1);
    expect(seen[0]).toBeInstanceOf(UpgradeError);
  } finally {
    await srv.close();
  }
});

test('the socket ws gets is the connection itself, with its remote address', async () => {
  const wss = new WebSocketServer({ noServer: true });
  const mux = new ServeMux();
  let remote = '';
  mux.handleFunc('GET /ws', async (w, r) => {
    const ws = await upgradeWebSocket(w, r, wss);
    if (ws === null) return;
    remote = r.remoteAddr;
    ws.close(1000);
  });
  const { srv, port } = await serveOn(mux);
  try {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
    const local = await new Promise<number>((resolve) => ws.once('open', () => resolve((ws as unknown as { _socket: net.Socket })._socket.localPort!)));
    expect(await new Promise((resolve) => ws.once('close', resolve))).toBe(1000);
    expect(remote).toBe(`127.0.0.1:${local}`);
  } finally {
    await srv.close();
  }
});
