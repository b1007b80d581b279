/**
 * The Express seam (issue #16): body parsers in front, fields set by earlier middleware, sendDate after a throw,
 * mount-aware relative redirects, unclean paths, declining, and the Express objects in handlers. Each case runs on
 * Express 4 and 5; the carrier-wide rules (header merge, short bodies) also on requestListener, inject and native.
 */

import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import express5 from 'express';
import express4 from 'express4';
import {
  ErrBodyConsumed, ErrUnexpectedEOF, ServeMux, dir, errorIs, fallThrough, fileServer, redirect, setCookie, type HandlerLike, type Request,
} from '../../../src/index';
import { expressRequest, expressResponse, keepRawBody, middleware, type MiddlewareOptions } from '../../../adapters/express';
import { requestListener } from '../../../adapters/node';
import { inject, newServer } from '../../../adapters/httptest';
import { httpSend, quietLog, type Reply, type Req } from '../carriers';

type Factory = typeof express5;
type App = ReturnType<Factory>;
type Next = (err?: unknown) => void;

async function listen(handler: http.RequestListener) {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    send: (r: Req): Promise<Reply> => httpSend(port, r),
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** An app: `setup` mounts things; a 404 and an error handler close it. */
async function serve(factory: Factory, setup: (app: App) => void) {
  const app = factory();
  setup(app);
  app.use((req: http.IncomingMessage, res: http.ServerResponse) => {
    res.statusCode = 404;
    res.end('express 404 ' + req.method + ' ' + req.url);
  });
  app.use((err: Error, _req: unknown, res: http.ServerResponse, _next: Next) => {
    res.statusCode = 500;
    res.end('express error: ' + ((err as { code?: string }).code ?? err.message));
  });
  return listen(app as unknown as http.RequestListener);
}

const mw = (h: HandlerLike, o?: MiddlewareOptions) => middleware(h, { errorLog: quietLog(), ...o }) as never;

/** A handler that answers with what it read, or the name of the error it got. */
async function echoBody(w: import('../../../src/index').ResponseWriter, r: Request): Promise<void> {
  try {
    const b = await r.body.readAll();
    w.write(`read ${b.length}: ${b.toString()}`);
  } catch (err) {
    w.writeHeader(500);
    w.write(`read error ${(err as { code?: string }).code}`);
  }
}

const json = (body: string): Req['headers'] => ({ 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) });

describe.each([
  ['express4', express4 as unknown as Factory],
  ['express5', express5],
])('%s', (_name, factory) => {
  describe('1. body parsers in front', () => {
    const mux = new ServeMux();
    mux.handleFunc('POST /echo', echoBody);
    mux.handleFunc('POST /form', async (w, r) => {
      try {
        w.write('name=' + (await r.formValue('name')));
      } catch (err) {
        w.writeHeader(500);
        w.write(`form error ${errorIs(err, ErrBodyConsumed) ? 'ErrBodyConsumed' : String(err)}`);
      }
    });

    test('a body read by express.json() is a named error, never an empty body', async () => {
      const a = await serve(factory, (app) => app.use('/api', factory.json(), mw(mux)));
      try {
        const r = await a.send({ method: 'POST', path: '/api/echo', headers: json('{"name":"Ann"}'), body: '{"name":"Ann"}' });
        expect([r.status, r.body.toString()]).toEqual([500, 'read error ErrBodyConsumed']);
        // A body the parser skipped (not its Content-Type) is the handler's as usual.
        const t = await a.send({ method: 'POST', path: '/api/echo', headers: { 'Content-Type': 'text/plain' }, body: 'plain' });
        expect(t.body.toString()).toBe('read 5: plain');
      } finally {
        await a.close();
      }
    });

    test('formValue behind express.urlencoded() rejects with ErrBodyConsumed instead of giving ""', async () => {
      const a = await serve(factory, (app) => app.use('/api', factory.urlencoded({ extended: false }), mw(mux)));
      try {
        const r = await a.send({ method: 'POST', path: '/api/form', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'name=Ann' });
        expect([r.status, r.body.toString()]).toEqual([500, 'form error ErrBodyConsumed']);
      } finally {
        await a.close();
      }
    });

    test('with verify: keepRawBody, or express.raw(), the handler reads the exact bytes', async () => {
      const body = '{ "name" : "Ann", "n": 12345678901234567890 }';
      const a = await serve(factory, (app) => {
        app.use('/api', factory.json({ verify: keepRawBody }), mw(mux));
        app.use('/raw', factory.raw({ type: '*/*' }), mw(mux));
        app.use('/form', factory.urlencoded({ extended: false, verify: keepRawBody }), mw(mux));
      });
      try {
        expect((await a.send({ method: 'POST', path: '/api/echo', headers: json(body), body })).body.toString()).toBe(`read ${body.length}: ${body}`);
        expect((await a.send({ method: 'POST', path: '/raw/echo', headers: { 'Content-Type': 'x/y' }, body: 'bytes' })).body.toString()).toBe('read 5: bytes');
        const f = await a.send({ method: 'POST', path: '/form/form', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'name=Ann' });
        expect(f.body.toString()).toBe('name=Ann');
      } finally {
        await a.close();
      }
    });

    test('a request the mux lets fall through reaches a body parser after it untouched', async () => {
      const a = await serve(factory, (app) => {
        app.use('/api', mw(mux));
        app.post('/api/later', factory.json(), (req: http.IncomingMessage & { body: unknown }, res: http.ServerResponse) => {
          res.end(JSON.stringify(req.body));
        });
      });
      try {
        const r = await a.send({ method: 'POST', path: '/api/later', headers: json('{"a":1}'), body: '{"a":1}' });
        expect([r.status, r.body.toString()]).toEqual([200, '{"a":1}']);
      } finally {
        await a.close();
      }
    });
  });

  describe('2. fields set before the handler', () => {
    const mux = new ServeMux();
    mux.handleFunc('GET /fields', (w) => {
      setCookie(w, { name: 'pref', value: 'dark' });
      w.header().add('Vary', 'Accept');
      w.header().set('Cache-Control', 'no-store');
      w.header().set('X-Request-Id', 'handler');
      w.write('{}');
    });
    mux.handleFunc('GET /plain', (w) => void w.write('{}'));
    mux.handleFunc('GET /two', (w) => {
      setCookie(w, { name: 'a', value: '1' });
      setCookie(w, { name: 'b', value: '2' });
      w.write('two');
    });

    test('survive the handler: list fields merge, the handler wins single-valued ones', async () => {
      const a = await serve(factory, (app) => {
        app.use((_req: unknown, res: http.ServerResponse, next: Next) => {
          res.setHeader('Set-Cookie', ['sid=abc; HttpOnly', 'csrf=t0k']);
          res.setHeader('Vary', 'Origin');
          res.setHeader('Cache-Control', 'private');
          res.setHeader('X-Request-Id', 'middleware');
          res.setHeader('X-Frame-Options', 'DENY');
          next();
        });
        app.use('/api', mw(mux));
      });
      try {
        const r = await a.send({ method: 'GET', path: '/api/fields' });
        expect(r.status).toBe(200);
        expect(r.headers['set-cookie']).toEqual(['sid=abc; HttpOnly', 'csrf=t0k', 'pref=dark']);
        expect(r.headers.vary).toBe('Origin, Accept');
        expect(r.headers['cache-control']).toBe('private, no-store');
        expect(r.headers['x-request-id']).toBe('handler');
        expect(r.headers['x-frame-options']).toBe('DENY');
        expect(r.headers['content-length']).toBe('2');
        expect(r.headers.date).toBeDefined();
      } finally {
        await a.close();
      }
    });

    test("the handler's repeated fields all arrive when Express has set X-Powered-By", async () => {
      const a = await serve(factory, (app) => app.use('/api', mw(mux)));
      try {
        const r = await a.send({ method: 'GET', path: '/api/two' });
        expect([r.headers['set-cookie'], r.headers['x-powered-by']]).toEqual([['a=1', 'b=2'], 'Express']);
      } finally {
        await a.close();
      }
    });

    test('a Content-Type set before the handler wins over a sniffed one; a stale Content-Length does not survive', async () => {
      const a = await serve(factory, (app) => {
        app.use((_req: unknown, res: http.ServerResponse, next: Next) => {
          res.setHeader('Content-Type', 'application/json; charset=utf-8');
          res.setHeader('Content-Length', '999');
          next();
        });
        app.use('/api', mw(mux));
      });
      try {
        const r = await a.send({ method: 'GET', path: '/api/plain' });
        expect([r.status, r.headers['content-type'], r.headers['content-length'], r.body.toString()]).toEqual([200, 'application/json; charset=utf-8', '2', '{}']);
      } finally {
        await a.close();
      }
    });
  });

  test('3. after a throw, the error page Express sends has its Date', async () => {
    const mux = new ServeMux();
    mux.handleFunc('GET /throw', () => {
      throw new Error('boom');
    });
    const a = await serve(factory, (app) => app.use('/api', mw(mux)));
    try {
      const r = await a.send({ method: 'GET', path: '/api/throw' });
      expect([r.status, r.body.toString()]).toEqual([500, 'express error: boom']);
      expect(r.headers.date).toMatch(/ GMT$/);
    } finally {
      await a.close();
    }
  });

  test('4. relative redirects keep the mount; absolute ones name a path of the site', async () => {
    const mux = new ServeMux();
    mux.handleFunc('GET /users/{id}/old', (w, r) => redirect(w, r, 'edit', 302));
    mux.handleFunc('GET /users/{id}/up', (w, r) => redirect(w, r, '../list?x=1', 303));
    mux.handleFunc('GET /login-first', (w, r) => redirect(w, r, '/login', 302));
    const a = await serve(factory, (app) => {
      app.use('/api', mw(mux));
      const router = factory.Router();
      router.use('/v2', mw(mux));
      app.use('/deep', router);
    });
    try {
      expect((await a.send({ method: 'GET', path: '/api/users/7/old' })).headers.location).toBe('/api/users/7/edit');
      expect((await a.send({ method: 'GET', path: '/api/users/7/up' })).headers.location).toBe('/api/users/list?x=1');
      expect((await a.send({ method: 'GET', path: '/deep/v2/users/7/old' })).headers.location).toBe('/deep/v2/users/7/edit');
      expect((await a.send({ method: 'GET', path: '/api/login-first' })).headers.location).toBe('/login');
    } finally {
      await a.close();
    }
  });

  test("5. an unclean path is redirected only when the mux answers the cleaned path; 'always' keeps Go's rule", async () => {
    const mux = new ServeMux();
    mux.handleFunc('GET /files/{name}', (w, r) => void w.write('file ' + r.pathValue('name')));
    const routes = (app: App, o?: MiddlewareOptions) => {
      app.use('/api', mw(mux, o));
      app.use('/api/files', (_req: unknown, res: http.ServerResponse) => {
        res.statusCode = 403;
        res.end('express 403');
      });
    };
    const a = await serve(factory, (app) => routes(app));
    try {
      const up = await a.send({ method: 'GET', path: '/api/files/../index.js' });
      expect([up.status, up.body.toString()]).toEqual([403, 'express 403']);
      const clean = await a.send({ method: 'GET', path: '/api/x/../files/a.txt' });
      expect([clean.status, clean.headers.location]).toEqual([301, '/api/files/a.txt']);
      expect((await a.send({ method: 'GET', path: '/api/nothing/../x' })).status).toBe(404);
    } finally {
      await a.close();
    }
    const b = await serve(factory, (app) => routes(app, { uncleanPath: 'always' }));
    try {
      const r = await b.send({ method: 'GET', path: '/api/nothing/../x' });
      expect([r.status, r.headers.location]).toEqual([301, '/api/x']);
    } finally {
      await b.close();
    }
  });

  describe('6. declining', () => {
    let root: string;
    beforeAll(() => {
      root = mkdtempSync(path.join(os.tmpdir(), 'nethttp-seam-'));
      mkdirSync(path.join(root, 'a'));
      writeFileSync(path.join(root, 'a', 'one.txt'), 'one');
      mkdirSync(path.join(root, 'b'));
      writeFileSync(path.join(root, 'b', 'two.txt'), 'two');
    });
    afterAll(() => rmSync(root, { recursive: true, force: true }));

    test('fallThrough passes the request to the next Express route, with its body untouched', async () => {
      const mux = new ServeMux();
      mux.handleFunc('POST /items/{id}', (w, r) => {
        w.header().set('X-Dropped', 'yes');
        if (r.pathValue('id') === 'new') return fallThrough(w, r);
        w.write('mux item ' + r.pathValue('id'));
      });
      const a = await serve(factory, (app) => {
        app.use('/api', mw(mux));
        app.post('/api/items/new', factory.json(), (req: http.IncomingMessage & { body: unknown }, res: http.ServerResponse) => {
          res.end('express created ' + JSON.stringify(req.body));
        });
      });
      try {
        const r = await a.send({ method: 'POST', path: '/api/items/new', headers: json('{"a":1}'), body: '{"a":1}' });
        expect([r.status, r.body.toString(), r.headers['x-dropped']]).toEqual([200, 'express created {"a":1}', undefined]);
        expect((await a.send({ method: 'POST', path: '/api/items/3', headers: json('{}'), body: '{}' })).body.toString()).toBe('mux item 3');
      } finally {
        await a.close();
      }
    });

    test('an async handler declines after awaiting; a write after declining keeps the response', async () => {
      const log = quietLog();
      const mux = new ServeMux();
      mux.handleFunc('GET /later', async (w, r) => {
        await new Promise((resolve) => setImmediate(resolve));
        fallThrough(w, r);
      });
      mux.handleFunc('GET /both', (w, r) => {
        fallThrough(w, r);
        w.write('written anyway');
      });
      const a = await serve(factory, (app) => app.use('/api', middleware(mux, { errorLog: log }) as never));
      try {
        expect((await a.send({ method: 'GET', path: '/api/later' })).body.toString()).toBe('express 404 GET /api/later');
        expect((await a.send({ method: 'GET', path: '/api/both' })).body.toString()).toBe('written anyway');
        expect(log.lines.join('\n')).toContain('response written after fallThrough');
      } finally {
        await a.close();
      }
    });

    test('fileServer({ fallThrough: true }) chains static roots; without it the 404 stands', async () => {
      const a = await serve(factory, (app) => {
        app.use('/static', mw(fileServer(dir(path.join(root, 'a')), { fallThrough: true })));
        app.use('/static', mw(fileServer(dir(path.join(root, 'b')), { fallThrough: true })));
        app.use('/strict', mw(fileServer(dir(path.join(root, 'a')))));
      });
      try {
        expect((await a.send({ method: 'GET', path: '/static/one.txt' })).body.toString()).toBe('one');
        expect((await a.send({ method: 'GET', path: '/static/two.txt' })).body.toString()).toBe('two');
        expect((await a.send({ method: 'GET', path: '/static/three.txt' })).body.toString()).toBe('express 404 GET /static/three.txt');
        const strict = await a.send({ method: 'GET', path: '/strict/two.txt' });
        expect([strict.status, strict.body.toString()]).toEqual([404, '404 page not found\n']);
      } finally {
        await a.close();
      }
    });
  });

  test('7. expressRequest and expressResponse reach what earlier middleware set', async () => {
    const mux = new ServeMux();
    mux.handleFunc('GET /me', (w, r) => {
      const req = expressRequest<http.IncomingMessage & { user?: { name: string } }>(r);
      const res = expressResponse(r);
      // Copies of the request reach them too.
      const copy = r.withContext(r.context());
      w.write(`${req?.user?.name} ${res?.locals.theme} ${expressRequest(copy) === req}`);
    });
    const a = await serve(factory, (app) => {
      app.use((req: http.IncomingMessage & { user?: unknown }, res: http.ServerResponse & { locals: Record<string, unknown> }, next: Next) => {
        req.user = { name: 'ann' };
        res.locals.theme = 'dark';
        next();
      });
      app.use('/api', mw(mux));
    });
    try {
      expect((await a.send({ method: 'GET', path: '/api/me' })).body.toString()).toBe('ann dark true');
    } finally {
      await a.close();
    }
  });
});

describe('on the other carriers', () => {
  test('6. fallThrough answers 404 where nothing follows; 7. no Express objects', async () => {
    const h = (w: import('../../../src/index').ResponseWriter, r: Request) => {
      w.header().set('X-Express', String(expressRequest(r) === undefined && expressResponse(r) === undefined));
      fallThrough(w, r);
    };
    const ts = await newServer(h);
    try {
      const r = await httpSend(ts.listener.addr().port, { method: 'GET', path: '/x' });
      expect([r.status, r.body.toString(), r.headers['x-express']]).toEqual([404, '404 page not found\n', 'true']);
    } finally {
      await ts.close();
    }
    const inj = await inject(h, '/x');
    expect([inj.statusCode, inj.body]).toEqual([404, '404 page not found\n']);
  });

  test('2. requestListener in any Node server merges fields set before it', async () => {
    const listener = requestListener((w) => {
      setCookie(w, { name: 'b', value: '2' });
      w.write('ok');
    });
    const a = await listen((req, res) => {
      res.setHeader('Set-Cookie', 'a=1');
      res.setHeader('Server', 'front');
      listener(req, res);
    });
    try {
      const r = await a.send({ method: 'GET', path: '/' });
      expect([r.headers['set-cookie'], r.headers.server, r.body.toString()]).toEqual([['a=1', 'b=2'], 'front', 'ok']);
    } finally {
      await a.close();
    }
  });

  describe('1. a body shorter than its Content-Length is ErrUnexpectedEOF', () => {
    const h = async (w: import('../../../src/index').ResponseWriter, r: Request) => {
      try {
        const b = await r.body.readAll();
        w.write(`read ${b.length}`);
      } catch (err) {
        w.write(errorIs(err, ErrUnexpectedEOF) ? 'ErrUnexpectedEOF' : `other ${String(err)}`);
      }
    };
    // Sends 5 of 20 declared bytes, half-closes, and returns what the handler saw (or '' if nothing came back).
    const shortBody = (port: number) =>
      new Promise<string>((resolve) => {
        const s = net.connect(port, '127.0.0.1', () => {
          s.end('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 20\r\n\r\nhello');
        });
        const parts: Buffer[] = [];
        s.on('data', (d: Buffer) => parts.push(d));
        s.on('close', () => resolve(Buffer.concat(parts).toString()));
        s.on('error', () => undefined);
      });
    const seen: string[] = [];
    const recordingHandler = async (w: import('../../../src/index').ResponseWriter, r: Request) => {
      try {
        await r.body.readAll();
        seen.push('no error');
      } catch (err) {
        seen.push(errorIs(err, ErrUnexpectedEOF) ? 'ErrUnexpectedEOF' : String(err));
      }
      w.write('x');
    };

    test('native server and requestListener', async () => {
      const ts = await newServer(recordingHandler, { errorLog: quietLog() });
      try {
        await shortBody(ts.listener.addr().port);
      } finally {
        await ts.close();
      }
      const a = await listen(requestListener(recordingHandler) as http.RequestListener);
      try {
        await shortBody(a.port);
      } finally {
        await a.close();
      }
      for (let i = 0; i < 100 && seen.length < 2; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(seen).toEqual(['ErrUnexpectedEOF', 'ErrUnexpectedEOF']);
    });

    test('inject: a payload shorter than the declared length; a longer one is cut at it', async () => {
      const short = await inject(h, { method: 'POST', url: '/', headers: { 'content-length': '20' }, payload: 'hello' });
      expect(short.body).toBe('ErrUnexpectedEOF');
      const long = await inject(h, { method: 'POST', url: '/', headers: { 'content-length': '3' }, payload: 'hello' });
      expect(long.body).toBe('read 3');
    });
  });
});
