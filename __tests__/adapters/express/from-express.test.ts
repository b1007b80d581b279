/**
 * fromExpress on the native Server with the real middleware packages: cors, helmet, morgan, compression,
 * express.json and cookie-parser in front of a ServeMux, each compared with the same middleware under Express.
 */

import * as http from 'node:http';
import * as zlib from 'node:zlib';
import type { AddressInfo } from 'node:net';
import express from 'express';
import cors from 'cors';
import helmet from 'helmet';
import morgan from 'morgan';
import compression from 'compression';
import cookieParser from 'cookie-parser';
import { ErrBodyConsumed, ServeMux, chain, handlerFunc, readJSON, type Handler, type Middleware } from '../../../src/index';
import { expressRequest, fromExpress, keepRawBody, type ConnectMiddleware } from '../../../adapters/express';
import { newServer } from '../../../adapters/httptest';
import { everyCarrier, httpSend, quietLog, type Reply, type Req } from '../carriers';

const text = 'hello, world\n'.repeat(400); // 5200 bytes: past compression's 1 KiB threshold and the 2048-byte buffer

function mux(): ServeMux {
  const m = new ServeMux();
  // Content-Length declared, as Express's res.send does, so that both sides' handlers say the same.
  m.handleFunc('GET /text', (w) => {
    w.header().set('Content-Type', 'text/plain; charset=utf-8');
    w.header().set('Content-Length', String(text.length));
    w.write(text);
  });
  m.handleFunc('GET /small', (w) => {
    w.header().set('Content-Type', 'text/plain; charset=utf-8');
    w.write('small\n');
  });
  return m;
}

// The same routes as Express handlers.
function expressRoutes(app: express.Express): void {
  app.get('/text', (_req, res) => void res.type('text/plain').send(text));
  app.get('/small', (_req, res) => void res.type('text/plain').send('small\n'));
}

async function serveNative(h: Handler): Promise<{ send: (r: Req) => Promise<Reply>; close: () => Promise<void> }> {
  const ts = await newServer(h, { errorLog: quietLog() });
  const port = ts.listener.addr().port;
  return { send: (r) => httpSend(port, r), close: () => ts.close() };
}

async function serveExpress(mws: ConnectMiddleware[]): Promise<{ send: (r: Req) => Promise<Reply>; close: () => Promise<void> }> {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  for (const m of mws) app.use(m as express.RequestHandler);
  expressRoutes(app);
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    send: (r) => httpSend(port, r),
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

// What may differ between two servers: the time, and what node:http adds (Connection/Keep-Alive). Two framing
// differences are Go's rules, asserted where they show: a 204 loses the Content-Length: 0 a middleware set
// (RSP-62), and a transformed body that ends up within the 2048-byte buffer gets Content-Length, not chunked (RSP-40).
const ignored = new Set(['date', 'connection', 'keep-alive']);
function comparable(r: Reply): { status: number; headers: Record<string, unknown>; body: string } {
  const headers: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r.headers)) if (!ignored.has(k)) headers[k] = v;
  if (r.status === 204) delete headers['content-length'];
  if (r.headers['content-encoding'] !== undefined) {
    delete headers['content-length'];
    delete headers['transfer-encoding'];
  }
  const enc = r.headers['content-encoding'];
  const body = enc === 'gzip' ? zlib.gunzipSync(r.body) : enc === 'br' ? zlib.brotliDecompressSync(r.body) : r.body;
  return { status: r.status, headers, body: body.toString('latin1') };
}

/** Runs `reqs` through the middleware under Express and in front of the mux on the native Server: same answers. */
async function sameAsExpress(make: () => ConnectMiddleware[], reqs: Req[]): Promise<Reply[]> {
  const ex = await serveExpress(make());
  const nh = await serveNative(chain(...make().map((m) => fromExpress(m)))(mux()));
  try {
    const out: Reply[] = [];
    for (const r of reqs) {
      const a = await ex.send(r);
      const b = await nh.send(r);
      expect({ req: r, ...comparable(b) }).toEqual({ req: r, ...comparable(a) });
      out.push(b);
    }
    return out;
  } finally {
    await ex.close();
    await nh.close();
  }
}

describe('fromExpress on the native Server, compared with Express', () => {
  test('cors(): the fields on a simple request, and the preflight answered by the middleware (204) without the mux', async () => {
    const [simple, preflight] = await sameAsExpress(() => [cors({ origin: 'https://a.example', credentials: true })], [
      { method: 'GET', path: '/small', headers: { origin: 'https://a.example' } },
      { method: 'OPTIONS', path: '/small', headers: { origin: 'https://a.example', 'access-control-request-method': 'PUT' } },
    ]);
    expect(simple.headers['access-control-allow-origin']).toBe('https://a.example');
    expect(simple.body.toString()).toBe('small\n');
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-methods']).toBe('GET,HEAD,PUT,PATCH,POST,DELETE');
    expect(preflight.headers['content-length']).toBeUndefined(); // RSP-62: Go drops it from a 204 (Express sends 0)
  });

  test('helmet(): its security fields on the handler\'s response', async () => {
    const [r] = await sameAsExpress(() => [helmet()], [{ method: 'GET', path: '/small' }]);
    expect(r.headers['content-security-policy']).toContain("default-src 'self'");
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['strict-transport-security']).toBeDefined();
  });

  test('compression(): a large body gzipped (and brotli), a small one not; Vary set either way', async () => {
    const [gz, small, br, none] = await sameAsExpress(() => [compression()], [
      { method: 'GET', path: '/text', headers: { 'accept-encoding': 'gzip' } },
      { method: 'GET', path: '/small', headers: { 'accept-encoding': 'gzip' } },
      { method: 'GET', path: '/text', headers: { 'accept-encoding': 'br' } },
      { method: 'GET', path: '/text', headers: { 'accept-encoding': 'identity' } },
    ]);
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(zlib.gunzipSync(gz.body).toString()).toBe(text);
    expect(gz.headers['content-length']).toBe(String(gz.body.length)); // RSP-40: 64 gzipped bytes fit the buffer
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(small.headers['content-length']).toBe('6');
    expect(br.headers['content-encoding']).toBe('br');
    expect(none.headers['content-encoding']).toBeUndefined();
    expect(none.headers.vary).toBe('Accept-Encoding');
  });

  test('cors + helmet + compression stacked: the same as the same stack under Express', async () => {
    await sameAsExpress(() => [cors(), helmet(), compression()], [
      { method: 'GET', path: '/text', headers: { 'accept-encoding': 'gzip', origin: 'https://b.example' } },
      { method: 'OPTIONS', path: '/text', headers: { origin: 'https://b.example', 'access-control-request-method': 'DELETE' } },
      { method: 'HEAD', path: '/small' },
    ]);
  });
});

describe('fromExpress: what the middleware leaves for the handler', () => {
  test('morgan: one log line per request with method, path, status and length, written when the response finished', async () => {
    const lines: string[] = [];
    const m = mux();
    const nh = await serveNative(fromExpress(morgan(':method :url :status :res[content-length] :remote-addr', { stream: { write: (l: string) => void lines.push(l) } }))(m));
    try {
      await nh.send({ method: 'GET', path: '/small' });
      await nh.send({ method: 'GET', path: '/nope' });
      await new Promise((r) => setTimeout(r, 20));
      expect(lines).toEqual(['GET /small 200 6 127.0.0.1\n', 'GET /nope 404 19 127.0.0.1\n']);
    } finally {
      await nh.close();
    }
  });

  test('express.json(): the parsed body through expressRequest(r); r.body is consumed; a malformed body is 400 from next(err)', async () => {
    const m = new ServeMux();
    m.handleFunc('POST /echo', async (w, r) => {
      const seen = expressRequest<{ body: unknown }>(r)?.body;
      let read = 'read';
      try {
        await r.body.readAll();
      } catch (e) {
        read = e === ErrBodyConsumed ? 'ErrBodyConsumed' : String(e);
      }
      w.write(JSON.stringify({ seen, read }));
    });
    const nh = await serveNative(fromExpress(express.json())(m));
    try {
      const ok = await nh.send({ method: 'POST', path: '/echo', headers: { 'content-type': 'application/json' }, body: '{"a":[1,2]}' });
      expect(JSON.parse(ok.body.toString())).toEqual({ seen: { a: [1, 2] }, read: 'ErrBodyConsumed' });
      const chunked = await nh.send({ method: 'POST', path: '/echo', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, body: '{"b":true}' });
      expect(JSON.parse(chunked.body.toString()).seen).toEqual({ b: true });
      const bad = await nh.send({ method: 'POST', path: '/echo', headers: { 'content-type': 'application/json' }, body: '{"a":' });
      expect(bad.status).toBe(400);
      expect(bad.body.toString()).toBe('Bad Request\n');
      expect(bad.headers['x-content-type-options']).toBe('nosniff');
    } finally {
      await nh.close();
    }
  });

  test('express.json({ verify: keepRawBody }): readJSON behind it reads the kept bytes', async () => {
    const m = new ServeMux();
    m.handleFunc('POST /echo', async (w, r) => {
      const v = await readJSON<{ n: number }>(r);
      w.write(String(v.n + 1));
    });
    const nh = await serveNative(fromExpress(express.json({ verify: keepRawBody }))(m));
    try {
      const r = await nh.send({ method: 'POST', path: '/echo', headers: { 'content-type': 'application/json' }, body: '{"n":41}' });
      expect(r.body.toString()).toBe('42');
    } finally {
      await nh.close();
    }
  });

  test('cookie-parser: req.cookies and signed cookies through expressRequest(r)', async () => {
    const m = new ServeMux();
    m.handleFunc('GET /c', (w, r) => {
      const req = expressRequest<{ cookies: Record<string, string>; signedCookies: Record<string, string> }>(r)!;
      w.write(JSON.stringify([req.cookies, req.signedCookies]));
    });
    const nh = await serveNative(fromExpress(cookieParser('s3cret'))(m));
    try {
      const signed = 's:' + require('cookie-signature').sign('v', 's3cret');
      const r = await nh.send({ method: 'GET', path: '/c', headers: { cookie: `a=1; b=${encodeURIComponent(signed)}` } });
      expect(JSON.parse(r.body.toString())).toEqual([{ a: '1' }, { b: 'v' }]);
    } finally {
      await nh.close();
    }
  });

  test('next(err): the status of the error, 500 otherwise (logged); onError answers instead when given', async () => {
    const log = quietLog();
    const fail = (status?: number): ConnectMiddleware => (_req, _res, next) => next(Object.assign(new Error('boom'), status === undefined ? {} : { status }));
    const h500 = fromExpress(fail(), { errorLog: log })(mux());
    const h403 = fromExpress(fail(403))(mux());
    const thrown = fromExpress(() => {
      throw new Error('sync throw');
    }, { onError: (err, w) => void w.write('handled: ' + (err as Error).message) })(mux());
    const rejected = fromExpress(async () => {
      throw Object.assign(new Error('async'), { statusCode: 418 });
    })(mux());
    for (const [h, status, body] of [[h500, 500, 'Internal Server Error\n'], [h403, 403, 'Forbidden\n'], [thrown, 200, 'handled: sync throw'], [rejected, 418, "I'm a teapot\n"]] as const) {
      const nh = await serveNative(h);
      const r = await nh.send({ method: 'GET', path: '/small' });
      await nh.close();
      expect([r.status, r.body.toString()]).toEqual([status, body]);
    }
    expect(log.lines.some((l) => l.includes('http: middleware error: Error: boom'))).toBe(true);
  });

  test('the handler\'s Go rules hold behind the middleware: header snapshot at writeHeader, write after 204', async () => {
    const m = new ServeMux();
    const results: unknown[] = [];
    m.handleFunc('GET /snap', (w) => {
      w.header().set('X-Before', '1');
      w.writeHeader(202);
      w.header().set('X-After', '1'); // not sent (RSP-15)
      w.write('x');
    });
    m.handleFunc('GET /204', (w) => {
      w.writeHeader(204);
      results.push(w.write('no'));
    });
    const nh = await serveNative(chain(fromExpress(helmet()), fromExpress(compression()))(m));
    try {
      const r = await nh.send({ method: 'GET', path: '/snap' });
      expect([r.status, r.headers['x-before'], r.headers['x-after'], r.body.toString(), r.headers['content-length']]).toEqual([202, '1', undefined, 'x', '1']);
      const n = await nh.send({ method: 'GET', path: '/204' });
      expect([n.status, n.body.length]).toEqual([204, 0]);
      expect(String(results[0])).toContain('does not allow body');
    } finally {
      await nh.close();
    }
  });

  test('a streamed gzip response: flush pushes each piece through compression\'s flush to the client', async () => {
    const m = new ServeMux();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    m.handleFunc('GET /events', async (w) => {
      w.header().set('Content-Type', 'text/event-stream');
      w.write('data: one\n\n');
      (w as unknown as { flush(): void }).flush();
      await gate;
      w.write('data: two\n\n');
    });
    const ts = await newServer(fromExpress(compression({ threshold: 0 }))(m), { errorLog: quietLog() });
    try {
      const got = await new Promise<string>((resolve, reject) => {
        const cr = http.get({ host: '127.0.0.1', port: ts.listener.addr().port, path: '/events', headers: { 'accept-encoding': 'gzip' } }, (res) => {
          const gunzip = zlib.createGunzip();
          let out = '';
          res.pipe(gunzip);
          gunzip.on('data', (d: Buffer) => {
            out += d.toString();
            if (out === 'data: one\n\n') release(); // the first piece arrived before the handler finished
          });
          gunzip.on('end', () => resolve(out));
        });
        cr.on('error', reject);
      });
      expect(got).toBe('data: one\n\ndata: two\n\n');
    } finally {
      await ts.close();
    }
  });
});

describe('Middleware and chain', () => {
  test('chain(a, b)(h) runs a, then b, then h; a middleware may answer without calling next', async () => {
    const order: string[] = [];
    const tag = (name: string): Middleware => (next) => handlerFunc(async (w, r) => {
      order.push(name);
      if (r.url.path === '/stop' && name === 'b') return void w.write('stopped by b');
      await next.serveHTTP(w, r);
    });
    const h = chain(tag('a'), tag('b'))((w) => void w.write('h'));
    const nh = await serveNative(h);
    try {
      expect((await nh.send({ method: 'GET', path: '/x' })).body.toString()).toBe('h');
      expect((await nh.send({ method: 'GET', path: '/stop' })).body.toString()).toBe('stopped by b');
      expect(order).toEqual(['a', 'b', 'a', 'b']);
    } finally {
      await nh.close();
    }
    expect(() => chain(42 as unknown as Middleware)).toThrow(TypeError);
  });
});

describe('fromExpress on every carrier', () => {
  // The middleware stack in front of a mux, mounted in an outer mux so that every carrier of the matrix serves it.
  const build = (): ServeMux => {
    const outer = new ServeMux();
    outer.handle('/', chain(fromExpress(cors()), fromExpress(compression()))(mux()));
    return outer;
  };
  const log = quietLog();
  for (const [name, make] of Object.entries(everyCarrier(build, log))) {
    test(`${name}: a CORS preflight answered by cors(), a gzipped body from compression()`, async () => {
      const c = await make();
      try {
        const pre = await c.send({ method: 'OPTIONS', path: '/text', headers: { origin: 'https://c.example', 'access-control-request-method': 'PUT' } });
        expect([pre.status, pre.headers['access-control-allow-origin'], pre.body.length]).toEqual([204, '*', 0]);
        const gz = await c.send({ method: 'GET', path: '/text', headers: { 'accept-encoding': 'gzip', origin: 'https://c.example' } });
        expect([gz.status, gz.headers['content-encoding'], gz.headers['access-control-allow-origin']]).toEqual([200, 'gzip', '*']);
        expect(zlib.gunzipSync(gz.body).toString()).toBe(text);
      } finally {
        await c.close();
      }
    });
  }
});
