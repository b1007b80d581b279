/**
 * The `supertest` another project's test suite requires, when `npm run external` runs that suite against nethttp
 * (see run.mjs). It hands the real supertest the suite's app wrapped for the mode named by NETHTTP_EXTERNAL_MODE:
 *
 * - `fallthrough`: a ServeMux mounted as Express middleware in front of everything the app does (the first layer
 *   of an Express app's router; in front of a plain `(req, res)` function). The mux's patterns are ones the suite
 *   never requests, so every request falls through: the suite must pass exactly as without it. With
 *   NETHTTP_EXTERNAL_DECLINE=1 a catch-all pattern's handler sees every request and declines it.
 * - `native`: the app served by nethttp's native Server through `fromExpress(app)` in front of a not-found
 *   handler; supertest gets a stand-in server with its address. With NETHTTP_EXTERNAL_ERRORS=express, Express's
 *   final handler answers the errors the app passes on.
 * - `off`: the app untouched (the baseline).
 *
 * Loaded through mocha-hooks (mocha's `--require`) or jest-hooks: under mocha it also makes `require('supertest')`
 * in the suite resolve to this module (under jest the runner maps the name); it closes a test's native servers
 * after it.
 */

import * as net from 'node:net';
import Module from 'node:module';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Server, ServeMux, chain, fallThrough, notFoundHandler, type Addr, type Listener, type Logger } from '../../src/index';
import { fromExpress, middleware } from '../../adapters/express/index';

type Mode = 'fallthrough' | 'native' | 'off';
const mode = (process.env.NETHTTP_EXTERNAL_MODE ?? 'off') as Mode;
if (!['fallthrough', 'native', 'off'].includes(mode)) throw new Error(`NETHTTP_EXTERNAL_MODE: unknown mode ${mode}`);

// The suite's own supertest, resolved from the suite's directory before require() is redirected here.
// (run.mjs names it: under jest, resolving 'supertest' would lead back here.)
const realPath = process.env.NETHTTP_EXTERNAL_SUPERTEST || require.resolve('supertest', { paths: [process.cwd()] });
// eslint-disable-next-line @typescript-eslint/no-require-imports
const real = require(realPath) as ((app: unknown, options?: unknown) => unknown) & { Test: unknown; agent: (app: unknown, options?: unknown) => unknown };

/** What the runner reports besides mocha's counts: requests the mux saw, and apps it could not wrap. */
const stats = { muxSaw: 0, fellThrough: 0, wrapped: 0, notWrapped: 0, servers: 0, kept: [] as string[] };
/** Adds this process's counts to the stats file (jest loads this module once per test file). */
function flushStats(): void {
  const file = process.env.NETHTTP_EXTERNAL_STATS;
  if (!file) return;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fs = require('node:fs') as typeof import('node:fs');
  const prev = (fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {}) as Partial<typeof stats>;
  const sum = { ...stats, kept: [...(prev.kept ?? []), ...stats.kept] };
  for (const k of ['muxSaw', 'fellThrough', 'wrapped', 'notWrapped', 'servers'] as const) sum[k] += prev[k] ?? 0;
  fs.writeFileSync(file, JSON.stringify(sum));
  Object.assign(stats, { muxSaw: 0, fellThrough: 0, wrapped: 0, notWrapped: 0, servers: 0, kept: [] });
}

type NodeHandler = ((req: IncomingMessage, res: ServerResponse, next?: (err?: unknown) => void) => void) & {
  handle?: unknown;
  router?: { stack: unknown[] };
  use?: (fn: unknown) => unknown;
};

// ---- fallthrough ----------------------------------------------------------------------------------------------

// Patterns no test of the suite requests: every request is matched against them and falls through.
const mux = new ServeMux();
mux.handleFunc('GET /__nethttp__/{rest...}', (w) => void w.write('nethttp\n'));
mux.handleFunc('POST /__nethttp__/echo', async (w, r) => void w.write(await r.body.readAll()));
// fallthrough-declined: a catch-all pattern whose handler looks at the request (its header, query and cookies) and
// declines it with fallThrough, so every request goes through a handler and back out to the app.
if (process.env.NETHTTP_EXTERNAL_DECLINE === '1') {
  mux.handleFunc('/', (w, r) => {
    void r.header.get('Accept');
    void r.url.query();
    void r.cookies();
    fallThrough(w, r);
  });
}
const muxMiddleware = middleware(mux);
const counted = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void): void => {
  stats.muxSaw++;
  let fell = false;
  muxMiddleware(req as never, res, (err?: unknown) => {
    fell = true;
    stats.fellThrough++;
    next(err);
  });
  // What the mux kept (answered itself, or not yet passed on when it returned), named for the triage.
  if (!fell) stats.kept.push(`${req.method} ${req.url}`);
};
const MOUNTED = Symbol('nethttp mux mounted');

function inFront(app: NodeHandler): unknown {
  const a = app as NodeHandler & { [MOUNTED]?: boolean };
  if (typeof a.use === 'function' && typeof a.handle === 'function') {
    // An Express app: the mux becomes its router's first layer, so later app.use()/app.get() stay behind it.
    if (a[MOUNTED] !== true) {
      a.use(counted);
      // Express 5's router, or Express 4's, whose first layers are its own (query, expressInit): behind those.
      const x4 = a as NodeHandler & { _router?: { stack: Array<{ name?: string }> } };
      const stack = (x4._router?.stack ?? a.router!.stack) as Array<{ name?: string }>;
      let at = 0;
      while (at < stack.length - 1 && (stack[at].name === 'query' || stack[at].name === 'expressInit')) at++;
      stack.splice(at, 0, stack.pop()!);
      a[MOUNTED] = true;
    }
    stats.wrapped++;
    return app;
  }
  stats.wrapped++;
  return (req: IncomingMessage, res: ServerResponse) => counted(req, res, () => app(req, res));
}

// ---- native ---------------------------------------------------------------------------------------------------

// Servers started for the current test; closed after it.
const open: Array<{ server: Server; app: object }> = [];
const urls = new WeakMap<object, number>();

/**
 * A Listener over a net.Server already listening on 127.0.0.1 (a pool of them is kept ready before each test, as
 * supertest wants the URL synchronously and listening on an address is not).
 */
class PoolListener implements Listener {
  private readonly queue: net.Socket[] = [];
  private readonly waiters: Array<{ resolve: (s: net.Socket) => void; reject: (e: Error) => void }> = [];
  private closed = false;
  readonly port: number;
  constructor(readonly srv: net.Server) {
    this.port = (srv.address() as net.AddressInfo).port;
    this.srv.on('connection', (s) => {
      const w = this.waiters.shift();
      if (w) w.resolve(s);
      else this.queue.push(s);
    });
  }
  accept(): Promise<net.Socket> {
    const s = this.queue.shift();
    if (s) return Promise.resolve(s);
    if (this.closed) return Promise.reject(new Error('use of closed network connection'));
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }
  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      for (const w of this.waiters.splice(0)) w.reject(new Error('use of closed network connection'));
      this.srv.close();
    }
    return Promise.resolve();
  }
  addr(): Addr {
    const port = this.port;
    return { network: 'tcp', host: '127.0.0.1', port, toString: () => `127.0.0.1:${port}` };
  }
}

// Error lines (a 5xx passed to next(err), a handler's throw) go to stderr only when asked: the suites provoke many.
const quiet: Logger = { error: () => undefined };
const log = process.env.NETHTTP_EXTERNAL_VERBOSE ? undefined : quiet;

const pool: net.Server[] = [];
const POOL = 4;
async function fillPool(): Promise<void> {
  while (pool.length < POOL) {
    const srv = net.createServer({ allowHalfOpen: true });
    await new Promise<void>((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(0, '127.0.0.1', () => resolve());
    });
    pool.push(srv);
  }
}

/**
 * What supertest gets for the app: a stand-in for the http.Server it would have made, whose address is the native
 * server's (tests read `test._server.address()`, the server supertest "started").
 */
function native(app: NodeHandler): object {
  const port = nativePort(app);
  let listening = false;
  const info = { address: '127.0.0.1', family: 'IPv4', port };
  return {
    address: () => (listening ? info : null),
    listen(): object {
      listening = true;
      return this;
    },
  };
}

/**
 * With NETHTTP_EXTERNAL_ERRORS=express, an error the app passes on is answered by Express's own final handler
 * (what an app gets by ending in an error-handling middleware), instead of fromExpress's default answer: the runs
 * then tell that answer apart from every other difference.
 */
function front(app: NodeHandler): NodeHandler {
  if (process.env.NETHTTP_EXTERNAL_ERRORS !== 'express') return app;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const finalhandler = require(require.resolve('finalhandler', { paths: [process.cwd()] })) as (
    req: IncomingMessage, res: ServerResponse, o: { env?: string },
  ) => (err: unknown) => void;
  const f = ((req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) =>
    app(req, res, (err?: unknown) => (err === undefined || err === null ? next() : finalhandler(req, res, { env: process.env.NODE_ENV })(err)))) as NodeHandler;
  f.handle = app.handle; // still an app to fromExpress (its members survive the prototype swap)
  return f;
}

function nativePort(app: NodeHandler): number {
  const known = urls.get(app);
  if (known !== undefined) return known;
  const srv = pool.shift();
  if (srv === undefined) throw new Error('supertest-shim: no listening socket left for this test (more than 4 apps?)');
  const listener = new PoolListener(srv);
  const server = new Server({ handler: chain(fromExpress(front(app), { errorLog: log }))(notFoundHandler()), errorLog: log });
  server.serve(listener).catch(() => undefined);
  open.push({ server, app });
  stats.servers++;
  urls.set(app, listener.port);
  return listener.port;
}

// ---- supertest --------------------------------------------------------------------------------------------------

function wrap(app: unknown): unknown {
  if (mode === 'off' || typeof app !== 'function') {
    // A server the test started itself (or a URL) cannot be put behind anything.
    if (mode !== 'off') stats.notWrapped++;
    return app;
  }
  if (mode === 'fallthrough') return inFront(app as NodeHandler);
  stats.wrapped++;
  return native(app as NodeHandler);
}

function request(app: unknown, options?: unknown): unknown {
  return real(wrap(app), options);
}
request.Test = real.Test;
request.agent = (app: unknown, options?: unknown): unknown => real.agent(wrap(app), options);

/** Mocha's root hooks: listening sockets are made ready before each test, and its native servers closed after it. */
export const mochaHooks = {
  async beforeAll(): Promise<void> {
    if (mode === 'native') await fillPool();
  },
  async beforeEach(): Promise<void> {
    if (mode === 'native') await fillPool();
  },
  async afterEach(): Promise<void> {
    // An app made once for many tests (the acceptance tests' examples) gets a new server in the next test.
    const all = open.splice(0);
    for (const { app } of all) urls.delete(app);
    await Promise.all(all.map(({ server }) => server.close().catch(() => undefined)));
  },
  afterAll(): void {
    for (const srv of pool.splice(0)) srv.close();
    flushStats();
  },
};

// require('supertest') anywhere outside this file resolves here.
type Resolve = (request: string, parent: { filename?: string } | undefined, ...rest: unknown[]) => string;
const M = Module as unknown as { _resolveFilename: Resolve };
const orig = M._resolveFilename;
// (Under jest the module system is jest's own, and the runner maps the name instead.)
if (typeof orig === 'function') {
  M._resolveFilename = function (req, parent, ...rest) {
    if (req === 'supertest' && parent?.filename !== __filename) return __filename;
    return orig.call(this, req, parent, ...rest);
  };
}
module.exports = Object.assign(request, { mochaHooks, default: request });
