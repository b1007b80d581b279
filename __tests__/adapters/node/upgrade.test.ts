/**
 * upgradeListener: the handler that upgrades by hijacking on the native Server runs unchanged on node:http's and
 * Express's `'upgrade'` event (examples/websocket-node.ts).
 */

import type { Server as NodeServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { ServeMux, newResponseController } from '../../../src';
import { upgradeListener } from '../../../adapters/node';
import { expressEchoServer, nodeEchoServer } from '../../../examples/websocket-node';
import { Client } from '../../raw-client';
import { closeCodes, echoClients, handshakeWithFrame } from '../../ws-client';

async function listening(server: NodeServer): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

function closeAll(server: NodeServer, wss: WebSocketServer): Promise<void> {
  for (const ws of wss.clients) ws.terminate();
  return new Promise((resolve) => server.close(() => resolve()));
}

describe.each([
  ['node:http', nodeEchoServer],
  ['Express', expressEchoServer],
])('%s', (_name, make) => {
  test('100 concurrent sockets echo, then close with 1001 from the server', async () => {
    const wss = new WebSocketServer({ noServer: true });
    const server = make(wss);
    const port = await listening(server);
    try {
      const clients = await echoClients(`ws://127.0.0.1:${port}/echo`, 100);
      expect(wss.clients.size).toBe(100);
      const codes = closeCodes(clients);
      for (const ws of wss.clients) ws.close(1001, 'going away');
      expect(await codes).toEqual(new Array(100).fill(1001));
    } finally {
      await closeAll(server, wss);
    }
  }, 30_000);

  test('the bytes after the upgrade head (Node\'s `head`) reach the WebSocket', async () => {
    const wss = new WebSocketServer({ noServer: true });
    const server = make(wss);
    const port = await listening(server);
    try {
      const got = await handshakeWithFrame(port, '/echo', 'early bird');
      expect(got).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r\n/);
      expect(got.endsWith('\x81\x0aearly bird')).toBe(true);
    } finally {
      await closeAll(server, wss);
    }
  });

  test('plain requests still reach the same mux through the request listener', async () => {
    const wss = new WebSocketServer({ noServer: true });
    const server = make(wss);
    const port = await listening(server);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/echo`);
      expect(res.status).toBe(400);
      expect(await res.text()).toContain("'upgrade' token not found in 'Connection' header");
    } finally {
      await closeAll(server, wss);
    }
  });
});

test('an upgrade request the handler answers without hijacking gets Go\'s response, then the connection closes', async () => {
  const wss = new WebSocketServer({ noServer: true });
  const server = nodeEchoServer(wss);
  const port = await listening(server);
  try {
    const c = new Client(port);
    c.send('GET /echo HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n\r\n');
    await c.untilEnd();
    expect(c.text).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(c.text).toContain('X-Content-Type-Options: nosniff\r\n');
    expect(c.text).toContain("\r\n\r\nwebsocket: not a websocket handshake: 'Sec-WebSocket-Key' header must be Base64 encoded value of 16-byte in length\n");
    const other = new Client(port);
    other.send('GET /elsewhere HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n');
    await other.untilEnd();
    expect(other.text).toMatch(/^HTTP\/1\.1 404 Not Found\r\n[\s\S]*\r\n\r\n404 page not found\n$/);
  } finally {
    await closeAll(server, wss);
  }
});

test('hijack after writeHeader sends the head first (RSP-86) and hands over the socket with the bytes that followed', async () => {
  const mux = new ServeMux();
  mux.handleFunc('/raw', (w) => {
    w.header().set('Upgrade', 'x-raw');
    w.header().set('Connection', 'Upgrade');
    w.writeHeader(101);
    const { conn } = newResponseController(w).hijack();
    conn.on('data', (d: Buffer) => conn.end(`got ${d.toString()}`));
    conn.resume(); // a hijacked socket comes paused, as on the native Server
  });
  const server = new (require('node:http').Server)() as NodeServer;
  server.on('upgrade', upgradeListener(mux));
  const port = await listening(server);
  try {
    const c = new Client(port);
    c.send('GET /raw HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: x-raw\r\n\r\nafter');
    await c.untilEnd();
    expect(c.text).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r\n/);
    expect(c.text).toContain('Upgrade: x-raw\r\n');
    expect(c.text.endsWith('\r\n\r\ngot after')).toBe(true);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});
