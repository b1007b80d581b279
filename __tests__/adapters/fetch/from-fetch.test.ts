/**
 * fromFetch with the real Hono: a Hono app mounted in a ServeMux on the native Server (its routes, JSON bodies both
 * ways, cookies, a server-sent event stream reaching the client as it goes, the request's signal), and the other way
 * round: a nethttp mux mounted in Hono with toFetch, all served by @hono/node-server.
 */

import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { serve } from '@hono/node-server';
import { ServeMux, fromFetch, toFetch } from '../../../adapters/fetch';
import { newServer } from '../../../adapters/httptest';
import { httpSend, quietLog } from '../carriers';

function honoApp(aborted: (reason: string) => void): Hono {
  const app = new Hono().basePath('/hono');
  app.get('/hello/:name', (c) => c.text(`hello, ${c.req.param('name')}`));
  app.post('/items', async (c) => {
    const item = await c.req.json<{ name: string }>();
    c.header('Set-Cookie', 'a=1', { append: true });
    c.header('Set-Cookie', 'b=2', { append: true });
    return c.json({ created: item.name, query: c.req.query('q') ?? null, ua: c.req.header('user-agent') ?? null }, 201);
  });
  app.get('/events', (c) =>
    streamSSE(c, async (s) => {
      await s.writeSSE({ data: 'one' });
      await s.sleep(150);
      await s.writeSSE({ data: 'two' });
    }),
  );
  app.get('/wait', async (c) => {
    await new Promise<void>((resolve) => c.req.raw.signal.addEventListener('abort', () => resolve(), { once: true }));
    aborted(String(c.req.raw.signal.aborted));
    return c.text('gone');
  });
  return app;
}

describe('a Hono app in a ServeMux (fromFetch) on the native Server', () => {
  let abortedSeen: (v: string) => void = () => {};
  const mux = new ServeMux();
  mux.handle('/hono/', fromFetch(honoApp((v) => abortedSeen(v)).fetch));
  mux.handleFunc('GET /go', (w) => void w.write('from the mux'));
  let ts: Awaited<ReturnType<typeof newServer>>;
  let port = 0;
  beforeAll(async () => {
    ts = await newServer(mux, { errorLog: quietLog() });
    port = ts.listener.addr().port;
  });
  afterAll(() => ts.close());

  test('a route of the Hono app, and one of the mux beside it', async () => {
    const a = await httpSend(port, { method: 'GET', path: '/hono/hello/w%C3%B6rld' });
    expect([a.status, a.headers['content-type'], a.headers['content-length'], a.body.toString()]).toEqual([200, 'text/plain;charset=UTF-8', '13', 'hello, wörld']);
    const b = await httpSend(port, { method: 'GET', path: '/go' });
    expect(b.body.toString()).toBe('from the mux');
  });

  test('a JSON body in and out, status, query, request and response fields, two Set-Cookie', async () => {
    const r = await httpSend(port, {
      method: 'POST',
      path: '/hono/items?q=7',
      headers: { 'content-type': 'application/json', 'user-agent': 'test/1' },
      body: JSON.stringify({ name: 'pen' }),
    });
    expect(r.status).toBe(201);
    expect(r.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(JSON.parse(r.body.toString())).toEqual({ created: 'pen', query: '7', ua: 'test/1' });
  });

  test('Hono\'s 404 and HEAD pass through', async () => {
    expect((await httpSend(port, { method: 'GET', path: '/hono/nope' })).status).toBe(404);
    const h = await httpSend(port, { method: 'HEAD', path: '/hono/hello/x' });
    expect([h.status, h.body.length]).toEqual([200, 0]);
  });

  test('a server-sent event stream reaches the client piece by piece', async () => {
    const times: number[] = [];
    const got = await new Promise<string>((resolve, reject) => {
      const t0 = Date.now();
      http.get({ host: '127.0.0.1', port, path: '/hono/events' }, (res) => {
        let out = '';
        res.on('data', (d: Buffer) => {
          out += d.toString();
          times.push(Date.now() - t0);
        });
        res.on('end', () => resolve(out));
      }).on('error', reject);
    });
    expect(got).toBe('data: one\n\ndata: two\n\n');
    // The first event arrived before the handler slept 150 ms: it was flushed, not held for the end.
    expect(times[0]).toBeLessThan(120);
    expect(times[times.length - 1]).toBeGreaterThanOrEqual(140);
  });

  test('the client going away aborts the Hono request\'s signal (the request context)', async () => {
    const seen = new Promise<string>((resolve) => (abortedSeen = resolve));
    const req = http.get({ host: '127.0.0.1', port, path: '/hono/wait' });
    req.on('error', () => undefined);
    await new Promise((r) => setTimeout(r, 50));
    req.destroy();
    await expect(seen).resolves.toBe('true');
  });
});

describe('the other way round: a ServeMux inside Hono (toFetch), on @hono/node-server', () => {
  test('app.mount gives the mux its requests; Go\'s rules hold on its answers', async () => {
    const mux = new ServeMux();
    mux.handleFunc('GET /go/hello/{name}', (w, r) => void w.write(`<p>hi ${r.pathValue('name')}</p>`));
    mux.handleFunc('GET /go/big', (w) => void w.write('b'.repeat(5000)));
    const app = new Hono();
    app.get('/', (c) => c.text('hono root'));
    app.mount('/go', toFetch(mux), { replaceRequest: false });
    const server = await new Promise<http.Server>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as http.Server));
    });
    const port = (server.address() as AddressInfo).port;
    try {
      const a = await httpSend(port, { method: 'GET', path: '/go/hello/ann' });
      expect([a.status, a.headers['content-type'], a.headers['content-length'], a.body.toString()]).toEqual([200, 'text/html; charset=utf-8', '13', '<p>hi ann</p>']);
      const b = await httpSend(port, { method: 'GET', path: '/go/big' });
      expect([b.headers['transfer-encoding'], b.body.length]).toEqual(['chunked', 5000]);
      expect((await httpSend(port, { method: 'GET', path: '/go/none' })).body.toString()).toBe('404 page not found\n');
      expect((await httpSend(port, { method: 'GET', path: '/' })).body.toString()).toBe('hono root');
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
