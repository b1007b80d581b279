/** The mux as Express middleware: fall-through, 405 option, mount prefix, req.params, next(err), plain handlers. */

import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import express5 from 'express';
import express4 from 'express4';
import { ServeMux, type HandlerFunc } from '../../../src/index';
import { middleware, type MiddlewareOptions } from '../../../adapters/express';
import { httpSend } from '../carriers';

type Factory = typeof express5;

async function app(factory: Factory, mount: string, handler: ServeMux | HandlerFunc, opts?: MiddlewareOptions) {
  const a = factory();
  a.use(mount, middleware(handler, opts) as never);
  a.get('/api/users/:id', (req: http.IncomingMessage & { params: Record<string, string> }, res: http.ServerResponse) => {
    res.end('express users ' + req.params.id);
  });
  a.use((req: http.IncomingMessage, res: http.ServerResponse) => {
    res.statusCode = 404;
    res.end('express 404 ' + req.method);
  });
  a.use((err: Error, _req: unknown, res: http.ServerResponse, _next: unknown) => {
    res.statusCode = 500;
    res.end('express error: ' + err.message);
  });
  const server = http.createServer(a as unknown as http.RequestListener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    send: (method: string, path: string) => httpSend(port, { method, path }),
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe.each([
  ['express4', express4 as unknown as Factory],
  ['express5', express5],
])('%s', (_name, factory) => {
  const mux = new ServeMux();
  mux.handleFunc('GET /users/{id}', (w, r) => void w.write(`mux user ${r.pathValue('id')}`));
  mux.handleFunc('GET /docs/', (w) => void w.write('docs'));
  mux.handleFunc('GET /p/{a}/{rest...}', (w) => void w.write('ok'));
  mux.handleFunc('GET /throw', async () => {
    await Promise.resolve();
    throw new Error('nope');
  });

  test('matched requests are served by the mux, the rest fall through', async () => {
    const a = await app(factory, '/api', mux);
    try {
      expect((await a.send('GET', '/api/users/7')).body.toString()).toBe('mux user 7');
      expect((await a.send('GET', '/api/nothing')).body.toString()).toBe('express 404 GET');
      // A method mismatch falls through by default: Express's own route for the same path is reached.
      expect((await a.send('POST', '/api/users/7')).body.toString()).toBe('express 404 POST');
      expect((await a.send('GET', '/elsewhere')).body.toString()).toBe('express 404 GET');
    } finally {
      await a.close();
    }
  });

  test("methodNotAllowed: 'respond' answers Go's 405", async () => {
    const a = await app(factory, '/api', mux, { methodNotAllowed: 'respond' });
    try {
      const r = await a.send('POST', '/api/users/7');
      expect(r.status).toBe(405);
      expect(r.headers.allow).toBe('GET, HEAD');
    } finally {
      await a.close();
    }
  });

  test('redirects keep the mount prefix, also when mounted deeper', async () => {
    const a = await app(factory, '/api/v1', mux);
    try {
      const r1 = await a.send('GET', '/api/v1/docs?q=1');
      expect(r1.status).toBe(301);
      expect(r1.headers.location).toBe('/api/v1/docs/?q=1');
      expect(r1.body.toString()).toBe('<a href="/api/v1/docs/?q=1">Moved Permanently</a>.\n\n');
      const r2 = await a.send('GET', '/api/v1/x/../users/3');
      expect(r2.headers.location).toBe('/api/v1/users/3');
    } finally {
      await a.close();
    }
  });

  test('path values also appear in req.params (decoded as UTF-8)', async () => {
    const seen: unknown[] = [];
    const a = factory();
    a.use('/api', middleware(mux) as never);
    const server = http.createServer((req, res) => {
      a(req as never, res as never);
      res.on('finish', () => seen.push((req as unknown as { params: unknown }).params));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    try {
      const r = await httpSend((server.address() as AddressInfo).port, { method: 'GET', path: '/api/p/caf%C3%A9/x/y' });
      expect(r.status).toBe(200);
      expect(seen[0]).toMatchObject({ a: 'café', rest: 'x/y' });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test('a handler that throws or rejects goes to next(err)', async () => {
    const a = await app(factory, '/api', mux);
    try {
      const r = await a.send('GET', '/api/throw');
      expect([r.status, r.body.toString()]).toEqual([500, 'express error: nope']);
    } finally {
      await a.close();
    }
  });

  test('any handler can be mounted; it answers everything under the mount', async () => {
    const a = await app(factory, '/h', (w, r) => void w.write(`plain ${r.url.path} ${r.requestURI}`));
    try {
      expect((await a.send('GET', '/h/a/b?x')).body.toString()).toBe('plain /a/b /h/a/b?x');
      expect((await a.send('GET', '/api/users/1')).body.toString()).toBe('express users 1');
    } finally {
      await a.close();
    }
  });
});
