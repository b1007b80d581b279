/** examples/reverse-proxy.ts: the gateway of docs/proxy.md in front of two nethttp services, natively and on node:http. */

import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { ServeMux, stripPrefix } from '../../src';
import { gateway, nodeGateway } from '../../examples/reverse-proxy';
import { echoMux } from '../../examples/websocket-echo';
import { Client, serveOn } from '../raw-client';

test('the gateway routes /api/ with the client\'s Host and /users/ with the backend\'s, and answers 503 when users is down', async () => {
  const api = new ServeMux();
  api.handleFunc('GET /v1/items', (w, r) => void w.write(`items for ${r.host} via ${r.header.get('X-Forwarded-For')}\n`));
  const users = new ServeMux();
  users.handleFunc('GET /users/{id}', (w, r) => void w.write(`user ${r.pathValue('id')} host=${r.host} fwd-host=${r.header.get('X-Forwarded-Host')} proto=${r.header.get('X-Forwarded-Proto')}\n`));
  const a = await serveOn(api);
  const u = await serveOn(users);
  const g = await serveOn(gateway(`http://127.0.0.1:${a.port}`, `http://127.0.0.1:${u.port}`));
  try {
    const items = await fetch(`http://127.0.0.1:${g.port}/api/items`);
    expect(items.headers.get('x-served-by')).toBe('api');
    expect(await items.text()).toBe(`items for 127.0.0.1:${g.port} via 127.0.0.1\n`);
    const user = await fetch(`http://127.0.0.1:${g.port}/users/7`);
    expect(await user.text()).toBe(`user 7 host=127.0.0.1:${u.port} fwd-host=127.0.0.1:${g.port} proto=http\n`);
    await u.srv.close();
    const down = await fetch(`http://127.0.0.1:${g.port}/users/7`);
    expect(down.status).toBe(503);
    expect(await down.text()).toMatch(/^users service unavailable: /);
  } finally {
    await g.srv.close();
    await a.srv.close();
  }
});

test('the gateway on node:http: 103 Early Hints reach the client (PRX-2) and a WebSocket goes through (PRX-4)', async () => {
  const api = new ServeMux();
  api.handleFunc('GET /v1/page', (w) => {
    w.header().set('Link', '</app.css>; rel=preload; as=style');
    w.writeHeader(103);
    w.write('page\n');
  });
  const wss = new WebSocketServer({ noServer: true });
  const a = await serveOn(api);
  // The gateway sends /users/echo on as it is; the echo service answers /echo.
  const users = new ServeMux();
  users.handle('/users/', stripPrefix('/users', echoMux(wss)));
  const u = await serveOn(users);
  const server = nodeGateway(`http://127.0.0.1:${a.port}`, `http://127.0.0.1:${u.port}`);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  try {
    const c = new Client(port);
    c.send('GET /api/page HTTP/1.1\r\nHost: x\r\nAccept-Encoding: identity\r\nConnection: close\r\n\r\n');
    await c.untilEnd();
    expect(c.text).toMatch(/^HTTP\/1\.1 103 Early Hints\r\nLink: <\/app\.css>; rel=preload; as=style\r\n\r\nHTTP\/1\.1 200 OK\r\n/);
    expect(c.text.endsWith('\r\n\r\npage\n')).toBe(true);
    const ws = new WebSocket(`ws://127.0.0.1:${port}/users/echo`);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    ws.send('hello');
    expect(await new Promise<string>((resolve) => ws.once('message', (d) => resolve(String(d))))).toBe('hello');
    ws.close();
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await a.srv.close();
    await u.srv.close();
  }
});
