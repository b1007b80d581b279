/**
 * Divergences found by running Express's own test suite against nethttp (`npm run external -- express`, see
 * docs/reliability.md "Other people's test suites"): each is pinned here, without the network, by the smallest
 * case that showed it.
 */

import * as http from 'node:http';
import express from 'express';
import express4 from 'express4';
import { ServeMux, chain, notFoundHandler } from '../../../src/index';
import { fromExpress, middleware, type ConnectMiddleware } from '../../../adapters/express';
import { newServer } from '../../../adapters/httptest';
import { closeNode, httpSend, listenNode, quietLog, type Reply, type Req } from '../carriers';

async function serveApp(app: http.RequestListener): Promise<{ send: (r: Req) => Promise<Reply>; close: () => Promise<void> }> {
  const server = http.createServer(app);
  const port = await listenNode(server);
  return { send: (r) => httpSend(port, r), close: () => closeNode(server) };
}

describe('fallthrough mode: a ServeMux in front of an Express app changes nothing it does not match', () => {
  // express.static's "should fall-through when URL malformed" / "should 400 when URL malformed": the mux answered
  // Go's 400 itself for a target Go refuses, so the app behind never saw it.
  test('a malformed request-target (/%) falls through to the Express routes instead of a 400 from the mux', async () => {
    const mux = new ServeMux();
    mux.handleFunc('GET /api/{x}', (w) => void w.write('mux\n'));
    const app = express();
    app.use(middleware(mux, { errorLog: quietLog() }));
    app.use((req, res) => void res.status(404).send(`express saw ${req.url}`));
    const s = await serveApp(app as unknown as http.RequestListener);
    try {
      const r = await s.send({ method: 'GET', path: '/%' });
      expect(r.status).toBe(404);
      expect(r.body.toString()).toBe('express saw /%');
      const r2 = await s.send({ method: 'GET', path: '/%foobar' });
      expect(r2.body.toString()).toBe('express saw /%foobar');
      // What the mux can parse it still serves.
      expect((await s.send({ method: 'GET', path: '/api/7' })).body.toString()).toBe('mux\n');
    } finally {
      await s.close();
    }
  });

  test('a lone handler (not a mux) still answers Go\'s 400 for a target Go refuses', async () => {
    const app = express();
    app.use(middleware((w: import('../../../src/index').ResponseWriter) => void w.write('handler\n'), { errorLog: quietLog() }));
    const s = await serveApp(app as unknown as http.RequestListener);
    try {
      const r = await s.send({ method: 'GET', path: '/%' });
      expect(r.status).toBe(400);
    } finally {
      await s.close();
    }
  });
});

/** An Express app served by the native Server through fromExpress(app), in front of Go's not-found handler. */
async function serveNative(app: unknown): Promise<{ send: (r: Req) => Promise<Reply>; close: () => Promise<void> }> {
  const ts = await newServer(chain(fromExpress(app as ConnectMiddleware, { errorLog: quietLog() }))(notFoundHandler()), { errorLog: quietLog() });
  const port = ts.listener.addr().port;
  return { send: (r) => httpSend(port, r), close: () => ts.close() };
}

describe('native mode: a whole Express app through fromExpress(app) on the native Server', () => {
  // Every test of the suite failed at first: Express swaps the prototypes of the request and response it is given
  // for its own (made from IncomingMessage and ServerResponse), which took away the stand-ins' members.
  test('the app\'s request and response helpers work after Express swapped the prototypes (res.send, req.get, req.query)', async () => {
    const app = express();
    app.get('/hello', (req, res) => {
      res.set('X-Seen', String(req.get('x-in')));
      res.send({ q: req.query.q, path: req.path });
    });
    const s = await serveNative(app);
    try {
      const r = await s.send({ method: 'GET', path: '/hello?q=1', headers: { 'x-in': 'yes' } });
      expect(r.status).toBe(200);
      expect(r.headers['x-seen']).toBe('yes');
      expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(r.headers.etag).toBeDefined();
      expect(JSON.parse(r.body.toString())).toEqual({ q: '1', path: '/hello' });
      // What the app does not route goes on to the next handler (Go's 404).
      const nf = await s.send({ method: 'GET', path: '/nope' });
      expect(nf.status).toBe(404);
      expect(nf.body.toString()).toBe('404 page not found\n');
    } finally {
      await s.close();
    }
  });

  test('a sub-app mounted in the app (another prototype swap, and back) serves, and the parent\'s routes after it', async () => {
    const app = express();
    const blog = express();
    blog.get('/', (req, res) => void res.send(`blog ${req.baseUrl}`));
    app.use('/blog', blog);
    app.get('/after', (_req, res) => void res.send('after'));
    const s = await serveNative(app);
    try {
      expect((await s.send({ method: 'GET', path: '/blog' })).body.toString()).toBe('blog /blog');
      expect((await s.send({ method: 'GET', path: '/after' })).body.toString()).toBe('after');
    } finally {
      await s.close();
    }
  });
});

describe('native mode: Node\'s own ServerResponse methods called on the stand-in', () => {
  // The acceptance test of examples/cookie-sessions: no Set-Cookie. The `cookies` package (under cookie-session)
  // calls http.OutgoingMessage.prototype.setHeader on an Express response, which wrote to Node's private header
  // store instead of the response's header.
  test('OutgoingMessage.prototype.setHeader/getHeader/removeHeader reach the response\'s header, as the cookies package calls them', async () => {
    const app = express();
    app.get('/', (_req, res) => {
      http.OutgoingMessage.prototype.setHeader.call(res, 'Set-Cookie', ['a=1; path=/', 'b=2; path=/']);
      http.OutgoingMessage.prototype.setHeader.call(res, 'X-Gone', 'soon');
      http.OutgoingMessage.prototype.removeHeader.call(res, 'X-Gone');
      const seen = http.OutgoingMessage.prototype.getHeader.call(res, 'set-cookie') as string[];
      res.send(`seen ${seen.length}`);
    });
    const s = await serveNative(app);
    try {
      const r = await s.send({ method: 'GET', path: '/' });
      expect(r.headers['set-cookie']).toEqual(['a=1; path=/', 'b=2; path=/']);
      expect(r.headers['x-gone']).toBeUndefined();
      expect(r.body.toString()).toBe('seen 2');
    } finally {
      await s.close();
    }
  });
});

describe('native mode: middleware of an older style, as json-server 0.17 runs it (compression 1.7)', () => {
  // json-server's "Static routes" tests: compression 1.7.4 ends with `if (!this._header) this._implicitHeader()`.
  // `_header` was '' (false) after the head went out, so the head was written twice: ERR_HTTP_HEADERS_SENT, a
  // hang-up. Node's `_header` is the head text once sent, and `_implicitHeader` writes the head.
  function olderCompression(req: unknown, res: http.ServerResponse & { _header: unknown; _implicitHeader(): void }, next: () => void): void {
    const end = res.end as (this: unknown, chunk?: unknown) => unknown;
    res.end = function (this: typeof res, chunk?: unknown) {
      if (!this._header) this._implicitHeader();
      return end.call(this, chunk);
    } as never;
    next();
  }

  test('res._header is true once the head went out, and _implicitHeader() writes it when it has not', async () => {
    const app = express();
    app.use(olderCompression as never);
    app.get('/streamed', (_req, res) => {
      res.write('part one, ');
      res.end('part two');
    });
    app.get('/whole', (_req, res) => void res.end('whole'));
    const s = await serveNative(app);
    try {
      const a = await s.send({ method: 'GET', path: '/streamed' });
      expect(a.status).toBe(200);
      expect(a.body.toString()).toBe('part one, part two');
      const b = await s.send({ method: 'GET', path: '/whole' });
      expect(b.status).toBe(200);
      expect(b.body.toString()).toBe('whole');
    } finally {
      await s.close();
    }
  });

  test('the same middleware in front of a ServeMux (no app): _implicitHeader exists on the stand-in', async () => {
    const mux = new ServeMux();
    mux.handleFunc('GET /x', (w) => void w.write('from the mux'));
    const ts = await newServer(chain(fromExpress(olderCompression as ConnectMiddleware))(mux), { errorLog: quietLog() });
    try {
      const r = await httpSend(ts.listener.addr().port, { method: 'GET', path: '/x' });
      expect(r.body.toString()).toBe('from the mux');
    } finally {
      await ts.close();
    }
  });
});

describe('native mode: Express 4 apps (Express 4.22.0\'s own suite)', () => {
  // Express 4's res.status(code) stores any value; node:http's writeHead makes it an integer and throws for one
  // outside 100-999, which Express answers with a 500. The stand-in handed the raw value on: a hang-up.
  test('res.status() with "410", 410.1 (410) or 1000, 99, null (a 500 from the app\'s error path), as node:http', async () => {
    const app = express4();
    app.get('/:code', (req, res) => {
      const raw = req.params.code;
      const code = raw === 'null' ? null : raw === 'str410' ? '410' : Number(raw);
      res.status(code as number).end('sent');
    });
    const s = await serveNative(app);
    try {
      for (const [path, status] of [['/str410', 410], ['/410.1', 410], ['/1000', 500], ['/99', 500], ['/null', 500]] as const) {
        const r = await s.send({ method: 'GET', path });
        expect({ path, status: r.status }).toEqual({ path, status });
      }
    } finally {
      await s.close();
    }
  });
});
