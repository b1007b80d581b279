/**
 * Migration acceptance: five small Express apps of the shapes teams have (a JSON API behind express.json() and
 * cors(), cookies and sessions, static files and downloads, error pages with content negotiation, nested routers),
 * each built twice: as plain Express, and with its routes moved to a ServeMux mounted with `middleware` the way
 * docs/express-migration.md says. Both versions run against the same assertions, on Express 4 and 5.
 */

import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import express5 from 'express';
import express4 from 'express4';
import cookieParser from 'cookie-parser';
import session from 'express-session';
import cors from 'cors';
import {
  ErrNotExist, ServeMux, dir, fallThrough, fileServer, redirect, serveFile, setCookie, type FileSystem, type Request, type ResponseWriter,
} from '../../../src/index';
import { expressRequest, expressResponse, keepRawBody, middleware } from '../../../adapters/express';
import { httpSend, quietLog, type Reply, type Req } from '../carriers';

type Factory = typeof express5;
type App = ReturnType<Factory>;
type Mode = 'express' | 'mux';
type Next = (err?: unknown) => void;
// Express's request and response as these apps use them (the same on 4 and 5).
type XReq = http.IncomingMessage & { params: Record<string, string>; body: unknown; query: Record<string, unknown>; session: session.Session & { user?: string }; cookies: Record<string, string>; baseUrl: string };
type XRes = http.ServerResponse & {
  status(code: number): XRes;
  json(v: unknown): void;
  send(v: unknown): void;
  redirect(status: number, url: string): void;
  location(url: string): XRes;
  cookie(name: string, value: string, o?: object): XRes;
  format(o: Record<string, () => void>): void;
  download(file: string, name: string, cb: (err?: Error & { status?: number }) => void): void;
  locals: Record<string, unknown>;
};

const mw = (h: ServeMux | import('../../../src/index').Handler) => middleware(h, { errorLog: quietLog() }) as never;

function sendJSON(w: ResponseWriter, status: number, v: unknown): void {
  w.header().set('Content-Type', 'application/json; charset=utf-8');
  w.writeHeader(status);
  w.write(JSON.stringify(v));
}

async function readJSONBody(r: Request): Promise<unknown> {
  const b = await r.body.readAll();
  return b.length === 0 ? undefined : JSON.parse(b.toString());
}

// ---------------------------------------------------------------------------------------------------------------
// 1. JSON API behind express.json() and cors()

function jsonAPI(factory: Factory, mode: Mode): App {
  const users = new Map<string, { id: string; name: string }>([['1', { id: '1', name: 'tobi' }], ['2', { id: '2', name: 'loki' }]]);
  let next = 3;
  const app = factory();
  app.use(cors({ origin: 'https://app.example' }));
  app.use(factory.json(mode === 'mux' ? { verify: keepRawBody } : undefined));
  if (mode === 'express') {
    app.get('/api/users', (_req: XReq, res: XRes) => res.json([...users.values()]));
    app.get('/api/users/:id', (req: XReq, res: XRes) => {
      const u = users.get(req.params.id);
      if (u === undefined) return res.status(404).json({ error: 'no such user' });
      res.json(u);
    });
    app.post('/api/users', (req: XReq, res: XRes) => {
      const name = (req.body as { name?: unknown } | undefined)?.name;
      if (typeof name !== 'string' || name === '') return res.status(400).json({ error: 'name required' });
      const u = { id: String(next++), name };
      users.set(u.id, u);
      res.status(201).location(`/api/users/${u.id}`).json(u);
    });
  } else {
    const api = new ServeMux();
    api.handleFunc('GET /users', (w) => sendJSON(w, 200, [...users.values()]));
    api.handleFunc('GET /users/{id}', (w, r) => {
      const u = users.get(r.pathValue('id'));
      if (u === undefined) return sendJSON(w, 404, { error: 'no such user' });
      sendJSON(w, 200, u);
    });
    api.handleFunc('POST /users', async (w, r) => {
      const name = ((await readJSONBody(r)) as { name?: unknown } | undefined)?.name;
      if (typeof name !== 'string' || name === '') return sendJSON(w, 400, { error: 'name required' });
      const u = { id: String(next++), name };
      users.set(u.id, u);
      w.header().set('Location', `/api/users/${u.id}`);
      sendJSON(w, 201, u);
    });
    app.use('/api', mw(api));
  }
  // Still Express in both versions: a route the mux lets fall through, body and all.
  app.put('/api/users/:id', (req: XReq, res: XRes) => {
    const u = users.get(req.params.id);
    if (u === undefined) return res.status(404).json({ error: 'no such user' });
    u.name = String((req.body as { name?: unknown }).name);
    res.json(u);
  });
  return app;
}

const jsonAPICases: Case[] = [
  ['list', { method: 'GET', path: '/api/users', headers: { Origin: 'https://app.example' } }, (r) => {
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(r.headers['access-control-allow-origin']).toBe('https://app.example');
    expect(r.headers.vary).toBe('Origin');
    expect(JSON.parse(r.body.toString())).toEqual([{ id: '1', name: 'tobi' }, { id: '2', name: 'loki' }]);
  }],
  ['one', { method: 'GET', path: '/api/users/2' }, (r) => expect([r.status, JSON.parse(r.body.toString())]).toEqual([200, { id: '2', name: 'loki' }])],
  ['missing', { method: 'GET', path: '/api/users/9' }, (r) => expect([r.status, JSON.parse(r.body.toString())]).toEqual([404, { error: 'no such user' }])],
  ['create', { method: 'POST', path: '/api/users', headers: { 'Content-Type': 'application/json' }, body: '{"name":"ferret"}' }, (r) => {
    expect([r.status, r.headers.location, JSON.parse(r.body.toString())]).toEqual([201, '/api/users/3', { id: '3', name: 'ferret' }]);
  }],
  ['create without a name', { method: 'POST', path: '/api/users', headers: { 'Content-Type': 'application/json' }, body: '{}' }, (r) => {
    expect([r.status, JSON.parse(r.body.toString())]).toEqual([400, { error: 'name required' }]);
  }],
  ['update (still Express, behind the mux)', { method: 'PUT', path: '/api/users/1', headers: { 'Content-Type': 'application/json' }, body: '{"name":"toby"}' }, (r) => {
    expect([r.status, JSON.parse(r.body.toString())]).toEqual([200, { id: '1', name: 'toby' }]);
  }],
  ['preflight', { method: 'OPTIONS', path: '/api/users', headers: { Origin: 'https://app.example', 'Access-Control-Request-Method': 'POST' } }, (r) => {
    expect([r.status, r.headers['access-control-allow-origin'], r.headers['access-control-allow-methods']]).toEqual([204, 'https://app.example', 'GET,HEAD,PUT,PATCH,POST,DELETE']);
  }],
];

// ---------------------------------------------------------------------------------------------------------------
// 2. Cookies and sessions (cookie-parser, express-session)

function sessions(factory: Factory, mode: Mode): App {
  const app = factory();
  app.use(cookieParser('cookie secret'));
  app.use(session({ secret: 'session secret', resave: false, saveUninitialized: false }));
  app.use((_req: XReq, res: XRes, next: Next) => {
    res.locals.site = 'acme';
    next();
  });
  if (mode === 'express') {
    app.get('/account/login', (req: XReq, res: XRes) => {
      req.session.user = String(req.query.name ?? '');
      res.redirect(302, 'profile');
    });
    app.get('/account/profile', (req: XReq, res: XRes) => {
      if (req.session.user === undefined) return res.status(401).send('log in first');
      res.cookie('seen', '1', { httpOnly: true, path: '/account' });
      res.send(`${res.locals.site}: hello ${req.session.user}, remember=${req.cookies.remember ?? 'no'}`);
    });
    app.post('/account/logout', (req: XReq, res: XRes, next: Next) => {
      req.session.destroy((err) => (err ? next(err) : res.redirect(303, '/')));
    });
  } else {
    const account = new ServeMux();
    account.handleFunc('GET /login', (w, r) => {
      expressRequest<XReq>(r)!.session.user = r.url.query().get('name') ?? '';
      redirect(w, r, 'profile', 302);
    });
    account.handleFunc('GET /profile', (w, r) => {
      const req = expressRequest<XReq>(r)!;
      if (req.session.user === undefined) {
        w.header().set('Content-Type', 'text/html; charset=utf-8');
        w.writeHeader(401);
        w.write('log in first');
        return;
      }
      setCookie(w, { name: 'seen', value: '1', httpOnly: true, path: '/account' });
      w.header().set('Content-Type', 'text/html; charset=utf-8');
      w.write(`${expressResponse<XRes>(r)!.locals.site}: hello ${req.session.user}, remember=${req.cookies.remember ?? 'no'}`);
    });
    account.handleFunc('POST /logout', async (w, r) => {
      const req = expressRequest<XReq>(r)!;
      await new Promise<void>((resolve, reject) => req.session.destroy((err) => (err ? reject(err) : resolve())));
      redirect(w, r, '/', 303);
    });
    app.use('/account', mw(account));
  }
  return app;
}

// ---------------------------------------------------------------------------------------------------------------
// 3. Static files and downloads

let root: string;

/** Go's idiom for a file server without directory listings: a directory without index.html does not exist. */
function noListing(fsys: FileSystem): FileSystem {
  return {
    async open(name: string) {
      const f = await fsys.open(name);
      if ((await f.stat()).isDir) {
        try {
          await (await fsys.open(path.posix.join(name, 'index.html'))).close();
        } catch {
          await f.close();
          throw ErrNotExist;
        }
      }
      return f;
    },
  };
}

function files(factory: Factory, mode: Mode): App {
  const app = factory();
  const pub = path.join(root, 'public');
  const downloads = path.join(root, 'files');
  if (mode === 'express') {
    app.use('/static', factory.static(pub));
    app.get('/files/:name', (req: XReq, res: XRes, next: Next) => {
      res.download(path.join(downloads, req.params.name), req.params.name, (err) => {
        if (err && err.status === 404) next();
        else if (err) next(err);
      });
    });
  } else {
    app.use('/static', mw(fileServer(noListing(dir(pub)), { fallThrough: true })));
    const dl = new ServeMux();
    dl.handleFunc('GET /files/{name}', async (w, r) => {
      const name = r.pathValue('name');
      const file = path.join(downloads, name);
      if (!(await stat(file).then((s) => s.isFile(), () => false))) return fallThrough(w, r);
      w.header().set('Content-Disposition', `attachment; filename="${name}"`);
      await serveFile(w, r, file);
    });
    app.use(mw(dl));
  }
  return app;
}

const resolved = (r: Reply, from: string) => new URL(String(r.headers.location), 'http://x' + from).pathname;

const filesCases: Case[] = [
  ['a file', { method: 'GET', path: '/static/js/app.js' }, (r) => {
    expect([r.status, r.body.toString()]).toEqual([200, 'console.log(1);\n']);
    // Go's type table says text/javascript, Express 4's mime says application/javascript.
    expect(r.headers['content-type']).toMatch(/^(text|application)\/javascript; charset=utf-8$/i);
    expect(r.headers['last-modified']).toBeDefined();
  }],
  ['the index of a directory', { method: 'GET', path: '/static/' }, (r) => expect([r.status, r.body.toString()]).toEqual([200, '<h1>home</h1>\n'])],
  ['a directory without the slash', { method: 'GET', path: '/static/docs' }, (r) => {
    expect(r.status).toBe(301);
    expect(resolved(r, '/static/docs')).toBe('/static/docs/');
  }],
  ['no listing of a directory without index.html', { method: 'GET', path: '/static/js/' }, (r) => expect([r.status, r.body.toString()]).toEqual([404, 'not found: /static/js/'])],
  ['a missing file', { method: 'GET', path: '/static/nope.css' }, (r) => expect([r.status, r.body.toString()]).toEqual([404, 'not found: /static/nope.css'])],
  ['a range', { method: 'GET', path: '/static/js/app.js', headers: { Range: 'bytes=0-6' } }, (r) => {
    expect([r.status, r.headers['content-range'], r.body.toString()]).toEqual([206, 'bytes 0-6/16', 'console']);
  }],
  ['a download', { method: 'GET', path: '/files/notes.txt' }, (r) => {
    expect([r.status, r.body.toString()]).toEqual([200, 'take notes\n']);
    expect(r.headers['content-disposition']).toMatch(/^attachment; filename="?notes\.txt"?$/);
  }],
  ['a missing download', { method: 'GET', path: '/files/none.txt' }, (r) => expect([r.status, r.body.toString()]).toEqual([404, 'not found: /files/none.txt'])],
  ['no way out of the root', { method: 'GET', path: '/files/../secret.txt' }, (r) => {
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.body.toString()).not.toBe('secret\n');
  }],
];

// ---------------------------------------------------------------------------------------------------------------
// 4. Error pages with content negotiation

class HTTPStatusError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

function errorPages(factory: Factory, mode: Mode): App {
  const app = factory();
  if (mode === 'express') {
    app.get('/', (_req: XReq, res: XRes) => res.send('<a href="/404">404</a>'));
    app.get('/404', (_req: XReq, _res: XRes, next: Next) => next());
    app.get('/403', (_req: XReq, _res: XRes, next: Next) => next(new HTTPStatusError(403, 'not allowed!')));
    app.get('/500', () => {
      throw new Error('keyboard cat!');
    });
  } else {
    const mux = new ServeMux();
    mux.handleFunc('GET /{$}', (w) => {
      w.header().set('Content-Type', 'text/html; charset=utf-8');
      w.write('<a href="/404">404</a>');
    });
    mux.handleFunc('GET /404', fallThrough);
    mux.handleFunc('GET /403', () => {
      throw new HTTPStatusError(403, 'not allowed!');
    });
    mux.handleFunc('GET /500', async () => {
      await Promise.resolve();
      throw new Error('keyboard cat!');
    });
    app.use(mw(mux));
  }
  // The app's own 404 and error pages stay in Express, negotiated by Accept.
  app.use((req: XReq, res: XRes) => {
    res.status(404);
    res.format({
      html: () => res.send(`<h1>not found: ${req.url}</h1>`),
      json: () => res.json({ error: 'Not found' }),
      default: () => res.send('Not found'),
    });
  });
  app.use((err: HTTPStatusError, _req: XReq, res: XRes, _next: Next) => {
    res.status(err.status ?? 500);
    res.format({
      html: () => res.send(`<h1>error</h1><p>${err.message}</p>`),
      json: () => res.json({ error: err.message }),
      default: () => res.send(err.message),
    });
  });
  return app;
}

const accept = (a: string) => ({ Accept: a });
const errorCases: Case[] = [
  ['home', { method: 'GET', path: '/' }, (r) => expect([r.status, r.body.toString()]).toEqual([200, '<a href="/404">404</a>'])],
  ['404 as html', { method: 'GET', path: '/404', headers: accept('text/html') }, (r) => {
    expect([r.status, r.headers['content-type'], r.body.toString()]).toEqual([404, 'text/html; charset=utf-8', '<h1>not found: /404</h1>']);
    expect(r.headers.vary).toBe('Accept');
  }],
  ['404 as json', { method: 'GET', path: '/404', headers: accept('application/json') }, (r) => expect([r.status, r.body.toString()]).toEqual([404, '{"error":"Not found"}'])],
  ['404 as text', { method: 'GET', path: '/404', headers: accept('text/plain') }, (r) => expect([r.status, r.body.toString()]).toEqual([404, 'Not found'])],
  ['403 as json', { method: 'GET', path: '/403', headers: accept('application/json') }, (r) => expect([r.status, r.body.toString()]).toEqual([403, '{"error":"not allowed!"}'])],
  ['500 as html, with its Date', { method: 'GET', path: '/500', headers: accept('text/html') }, (r) => {
    expect([r.status, r.body.toString()]).toEqual([500, '<h1>error</h1><p>keyboard cat!</p>']);
    expect(r.headers.date).toMatch(/GMT$/);
  }],
  ['500 as text', { method: 'GET', path: '/500', headers: accept('text/plain') }, (r) => expect([r.status, r.body.toString()]).toEqual([500, 'keyboard cat!'])],
  ['a path nobody has', { method: 'GET', path: '/nothing', headers: accept('application/json') }, (r) => expect([r.status, r.body.toString()]).toEqual([404, '{"error":"Not found"}'])],
];

// ---------------------------------------------------------------------------------------------------------------
// 5. Nested routers

function nested(factory: Factory, mode: Mode): App {
  const app = factory();
  const v1 = factory.Router();
  // Strict, so that /docs and /docs/ are different routes in Express too.
  const v2 = factory.Router({ strict: true });
  if (mode === 'express') {
    const pets = factory.Router({ mergeParams: true });
    pets.get('/', (req: XReq, res: XRes) => res.send(`pets of ${req.params.uid}`));
    pets.get('/:pid', (req: XReq, res: XRes) => res.send(`pet ${req.params.pid} of ${req.params.uid}`));
    v1.use('/users/:uid/pets', pets);
    v1.get('/users/:uid', (req: XReq, res: XRes) => res.send(`v1 user ${req.params.uid}`));
    v1.get('/users/:uid/profile', (req: XReq, res: XRes) => res.redirect(302, `${req.baseUrl}/users/${req.params.uid}/pets`));
    v2.get('/docs/', (_req: XReq, res: XRes) => res.send('v2 docs'));
    v2.get('/docs', (req: XReq, res: XRes) => res.redirect(301, `${req.baseUrl}/docs/`));
  } else {
    const m1 = new ServeMux();
    m1.handleFunc('GET /users/{uid}/pets/{$}', (w, r) => void w.write(`pets of ${r.pathValue('uid')}`));
    m1.handleFunc('GET /users/{uid}/pets/{pid}', (w, r) => void w.write(`pet ${r.pathValue('pid')} of ${r.pathValue('uid')}`));
    m1.handleFunc('GET /users/{uid}', (w, r) => void w.write(`v1 user ${r.pathValue('uid')}`));
    m1.handleFunc('GET /users/{uid}/profile', (w, r) => redirect(w, r, 'pets', 302));
    v1.use(mw(m1));
    const m2 = new ServeMux();
    m2.handleFunc('GET /docs/{$}', (w) => void w.write('v2 docs'));
    v2.use(mw(m2));
  }
  // Express in both: a route after the mux in the same router, and one in another router.
  v2.get('/status', (req: XReq, res: XRes) => res.send(`ok at ${req.baseUrl}`));
  app.use('/api/v1', v1);
  app.use('/api/v2', v2);
  return app;
}

const nestedCases: Case[] = [
  ['a user', { method: 'GET', path: '/api/v1/users/7' }, (r) => expect([r.status, r.body.toString()]).toEqual([200, 'v1 user 7'])],
  ['a nested list', { method: 'GET', path: '/api/v1/users/7/pets/' }, (r) => expect([r.status, r.body.toString()]).toEqual([200, 'pets of 7'])],
  ['a nested item', { method: 'GET', path: '/api/v1/users/7/pets/3' }, (r) => expect([r.status, r.body.toString()]).toEqual([200, 'pet 3 of 7'])],
  ['a relative redirect under two mounts', { method: 'GET', path: '/api/v1/users/7/profile' }, (r) => {
    expect([r.status, r.headers.location]).toEqual([302, '/api/v1/users/7/pets']);
  }],
  ['the trailing-slash redirect keeps the mount', { method: 'GET', path: '/api/v2/docs' }, (r) => expect([r.status, r.headers.location]).toEqual([301, '/api/v2/docs/'])],
  ['the slash version', { method: 'GET', path: '/api/v2/docs/' }, (r) => expect([r.status, r.body.toString()]).toEqual([200, 'v2 docs'])],
  ['an Express route after the mux', { method: 'GET', path: '/api/v2/status' }, (r) => expect([r.status, r.body.toString()]).toEqual([200, 'ok at /api/v2'])],
  ['nothing there', { method: 'GET', path: '/api/v3/x' }, (r) => expect(r.status).toBe(404)],
];

// ---------------------------------------------------------------------------------------------------------------

async function start(app: App, notFound = true) {
  if (notFound) {
    app.use((req: XReq, res: XRes) => {
      res.status(404).send('not found: ' + (req as { originalUrl?: string }).originalUrl);
    });
  }
  const server = http.createServer(app as unknown as http.RequestListener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    send: (r: Req) => httpSend(port, r),
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

type Case = [string, Req, (r: Reply) => void];

/** Starts `app` and checks each case in order (state carries over: a created user is there for the next case). */
async function play(app: App, cases: Case[], notFound = true): Promise<void> {
  const a = await start(app, notFound);
  try {
    for (const [name, req, check] of cases) {
      const r = await a.send(req);
      try {
        check(r);
      } catch (err) {
        throw new Error(`${name}: ${(err as Error).message}`);
      }
    }
  } finally {
    await a.close();
  }
}

beforeAll(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'nethttp-migration-'));
  mkdirSync(path.join(root, 'public', 'js'), { recursive: true });
  mkdirSync(path.join(root, 'public', 'docs'));
  mkdirSync(path.join(root, 'files'));
  writeFileSync(path.join(root, 'public', 'index.html'), '<h1>home</h1>\n');
  writeFileSync(path.join(root, 'public', 'docs', 'index.html'), '<h1>docs</h1>\n');
  writeFileSync(path.join(root, 'public', 'js', 'app.js'), 'console.log(1);\n');
  writeFileSync(path.join(root, 'files', 'notes.txt'), 'take notes\n');
  writeFileSync(path.join(root, 'secret.txt'), 'secret\n');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe.each([
  ['express4', express4 as unknown as Factory],
  ['express5', express5],
])('%s', (_v, factory) => {
  describe.each<Mode>(['express', 'mux'])('as %s', (mode) => {
    test('JSON API behind express.json() and cors()', () => play(jsonAPI(factory, mode), jsonAPICases));

    test('cookies and sessions', async () => {
      const a = await start(sessions(factory, mode));
      try {
        const anon = await a.send({ method: 'GET', path: '/account/profile' });
        expect([anon.status, anon.body.toString(), anon.headers['set-cookie']]).toEqual([401, 'log in first', undefined]);
        const login = await a.send({ method: 'GET', path: '/account/login?name=ann' });
        expect(login.status).toBe(302);
        expect(resolved(login, '/account/login')).toBe('/account/profile');
        const sid = (login.headers['set-cookie'] as string[]).find((c) => c.startsWith('connect.sid='))!.split(';')[0];
        const cookie = `${sid}; remember=yes`;
        const me = await a.send({ method: 'GET', path: '/account/profile', headers: { Cookie: cookie } });
        expect([me.status, me.body.toString()]).toEqual([200, 'acme: hello ann, remember=yes']);
        expect(me.headers['content-type']).toBe('text/html; charset=utf-8');
        expect(me.headers['set-cookie']).toEqual(['seen=1; Path=/account; HttpOnly']);
        const out = await a.send({ method: 'POST', path: '/account/logout', headers: { Cookie: cookie } });
        expect([out.status, out.headers.location]).toEqual([303, '/']);
        const after = await a.send({ method: 'GET', path: '/account/profile', headers: { Cookie: cookie } });
        expect(after.status).toBe(401);
      } finally {
        await a.close();
      }
    });

    test('static files and downloads', () => play(files(factory, mode), filesCases));

    test('error pages with content negotiation', () => play(errorPages(factory, mode), errorCases, false));

    test('nested routers', () => play(nested(factory, mode), nestedCases));
  });
});
