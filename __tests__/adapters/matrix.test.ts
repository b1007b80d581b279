/**
 * One table of handler cases over every carrier (DESIGN.md §2): the native server, requestListener on node:http,
 * the mux as Express 4 and Express 5 middleware, light-my-request injection, the ResponseRecorder, the native server
 * over TLS with HTTP/2 and the fetch carrier (toFetch on @hono/node-server). Every
 * difference from the native server is named here and in docs/carriers.md.
 */

import * as net from 'node:net';
import { ErrBodyNotAllowed, ServeMux, type Request, type ResponseWriter } from '../../src/index';
import {
  type Carrier, type Reply, type Req, everyCarrier, express5Carrier, fetchCarrier, listenerCarrier, nativeCarrier, quietLog,
} from './carriers';

const writeErrors: unknown[] = [];

function buildMux(): ServeMux {
  const mux = new ServeMux();
  mux.handleFunc('GET /hello/{name}', (w, r) => void w.write(`hello, ${r.pathValue('name')}\n`));
  mux.handleFunc('GET /html', (w) => void w.write('<!DOCTYPE html><html><body>hi</body></html>'));
  mux.handleFunc('POST /created', (w) => {
    w.header().set('X-Id', '7');
    w.writeHeader(201);
    w.write('made');
  });
  mux.handleFunc('GET /big', (w) => void w.write('x'.repeat(5000)));
  mux.handleFunc('GET /dir/', (w) => void w.write('dir index'));
  mux.handleFunc('GET /users/{id}/posts/{post}', (w, r) => void w.write(`${r.pathValue('id')} ${r.pathValue('post')}`));
  mux.handleFunc('GET /boom', () => {
    throw new Error('boom');
  });
  mux.handleFunc('POST /echo', async (w: ResponseWriter, r: Request) => {
    const body = await r.body.readAll();
    w.header().set('Trailer', 'X-Sum');
    w.write(body);
    w.header().set('X-Sum', String(body.length));
  });
  // The core keeps one short ASCII string write as a string (no Buffer); these mix it with the other paths.
  mux.handleFunc('GET /mixed', (w) => {
    w.write('<p>');
    w.write(Buffer.from('é'));
    w.write('ü');
  });
  mux.handleFunc('GET /utf8', (w) => void w.write('héllo'));
  mux.handleFunc('GET /hdr-html', (w) => {
    w.header().set('X-A', '1');
    w.write('<html>');
  });
  mux.handleFunc('GET /nocontent', (w) => {
    w.writeHeader(204);
    writeErrors.push(w.write('x'));
  });
  return mux;
}

interface Case {
  name: string;
  req: Req;
  /** Expected reply on the native server; `prefix` is replaced by the carrier's mount prefix. */
  want: { status?: number; headers?: Record<string, string | null>; body?: string; bodyLength?: number; trailers?: Record<string, string | null>; aborted?: boolean };
  /** Documented differences: carrier name → the reply expected there instead. */
  differs?: Record<string, Case['want']>;
}

/** The UTF-8 bytes of `s` as the binary string `check` compares bodies with. */
function latin1(s: string): string {
  return Buffer.from(s, 'utf8').toString('latin1');
}

const expressFallThrough = { status: 404, body: 'fell through' };
const expressError = { status: 500, body: 'express error: boom' };

const cases: Case[] = [
  {
    name: 'implicit 200, Content-Length, sniffed text',
    req: { method: 'GET', path: '/hello/gopher' },
    want: { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8', 'content-length': '14', 'transfer-encoding': null }, body: 'hello, gopher\n' },
  },
  {
    name: 'HEAD: headers of GET, no body (RSP-63)',
    req: { method: 'HEAD', path: '/hello/x' },
    want: { status: 200, headers: { 'content-length': '9', 'content-type': 'text/plain; charset=utf-8' }, body: '' },
  },
  {
    name: 'sniffed HTML',
    req: { method: 'GET', path: '/html' },
    want: { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' } },
  },
  {
    name: 'explicit status and header',
    req: { method: 'POST', path: '/created' },
    want: { status: 201, headers: { 'x-id': '7', 'content-length': '4' }, body: 'made' },
  },
  {
    name: 'a body past the 2048-byte buffer is chunked (RSP-41)',
    req: { method: 'GET', path: '/big' },
    want: { status: 200, headers: { 'transfer-encoding': 'chunked', 'content-length': null }, bodyLength: 5000 },
    differs: {
      recorder: { status: 200, headers: { 'transfer-encoding': null, 'content-length': null }, bodyLength: 5000 },
      // HTTP/2 frames bodies itself: no Transfer-Encoding (forbidden there), no length.
      'native-h2': { status: 200, headers: { 'transfer-encoding': null, 'content-length': null }, bodyLength: 5000 },
    },
  },
  {
    name: 'unclean path redirects to the clean one (MUX-66)',
    req: { method: 'GET', path: '/a/../hello/z' },
    want: { status: 301, headers: { location: 'prefix/hello/z' } },
    // light-my-request builds req.url with WHATWG URL, which removes the dot segments before the handler sees them;
    // so does a fetch Request's URL.
    differs: { inject: { status: 200, body: 'hello, z\n' }, fetch: { status: 200, body: 'hello, z\n' } },
  },
  {
    name: 'missing trailing slash redirects (MUX-61)',
    req: { method: 'GET', path: '/dir?x=1' },
    want: { status: 301, headers: { location: 'prefix/dir/?x=1' } },
  },
  {
    name: '405 with Allow (MUX-57)',
    req: { method: 'DELETE', path: '/hello/a' },
    want: { status: 405, headers: { allow: 'GET, HEAD' }, body: 'Method Not Allowed\n' },
  },
  {
    name: '404 (Express: falls through to the next route)',
    req: { method: 'GET', path: '/nope' },
    want: { status: 404, body: '404 page not found\n' },
    differs: { express4: expressFallThrough, express5: expressFallThrough },
  },
  {
    name: 'path values',
    req: { method: 'GET', path: '/users/42/posts/7' },
    want: { status: 200, body: '42 7' },
  },
  {
    name: 'a throw is a panic: connection aborted (Express: next(err))',
    req: { method: 'GET', path: '/boom' },
    want: { aborted: true },
    // fetch: the handler's promise rejects before the head; the platform (@hono/node-server) answers 500.
    differs: { express4: expressError, express5: expressError, fetch: { status: 500, body: '' } },
  },
  {
    name: 'request body and trailers',
    req: { method: 'POST', path: '/echo', body: 'hello', headers: { 'content-type': 'text/plain' } },
    want: { status: 200, headers: { 'transfer-encoding': 'chunked', trailer: 'X-Sum' }, body: 'hello', trailers: { 'x-sum': '5' } },
    differs: {
      recorder: { status: 200, headers: { trailer: 'X-Sum' }, body: 'hello', trailers: { 'x-sum': '5' } },
      'native-h2': { status: 200, headers: { 'transfer-encoding': null, trailer: 'X-Sum' }, body: 'hello', trailers: { 'x-sum': '5' } },
      // The Fetch API has no trailers: declared, streamed, not sent.
      fetch: { status: 200, headers: { 'transfer-encoding': 'chunked', trailer: 'X-Sum' }, body: 'hello', trailers: { 'x-sum': null } },
    },
  },
  {
    name: 'string, bytes, non-ASCII string: one body, sniffed on its first bytes',
    req: { method: 'GET', path: '/mixed' },
    want: { status: 200, headers: { 'content-type': 'text/html; charset=utf-8', 'content-length': '7' }, body: latin1('<p>éü') },
  },
  {
    name: 'a non-ASCII string goes out as UTF-8',
    req: { method: 'GET', path: '/utf8' },
    want: { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8', 'content-length': '6' }, body: latin1('héllo') },
  },
  {
    name: 'header map used, string body sniffed (RSP-32)',
    req: { method: 'GET', path: '/hdr-html' },
    want: { status: 200, headers: { 'x-a': '1', 'content-type': 'text/html; charset=utf-8', 'content-length': '6' }, body: '<html>' },
  },
  {
    name: '204: no body, no Content-Length (RSP-62)',
    req: { method: 'GET', path: '/nocontent' },
    want: { status: 204, headers: { 'content-length': null }, body: '' },
    // Go's recorder records what the handler wrote, whatever the status.
    differs: { recorder: { status: 204, headers: { 'content-length': null }, body: 'x' } },
  },
];

function check(c: Carrier, reply: Reply, want: Case['want']): void {
  if (want.aborted) {
    expect(reply.aborted).toBe(true);
    return;
  }
  expect(reply.aborted).toBeFalsy();
  if (want.status !== undefined) expect(reply.status).toBe(want.status);
  for (const [k, v] of Object.entries(want.headers ?? {})) {
    // Go's recorder adds no Content-Length: framing is a server's.
    if (c.name === 'recorder' && k === 'content-length') continue;
    const got = reply.headers[k];
    if (v === null) expect(got).toBeUndefined();
    else expect(got).toBe(v.replace(/^prefix/, c.prefix));
  }
  if (want.body !== undefined) expect(reply.body.toString('latin1')).toBe(want.body);
  if (want.bodyLength !== undefined) expect(reply.body.length).toBe(want.bodyLength);
  for (const [k, v] of Object.entries(want.trailers ?? {})) expect(reply.trailers[k]).toBe(v ?? undefined);
}

const log = quietLog();
const carriers = everyCarrier(buildMux, log);

describe.each(Object.keys(carriers))('carrier %s', (name) => {
  let c: Carrier;
  beforeAll(async () => {
    c = await carriers[name]();
  });
  afterAll(() => c.close());
  test.each(cases.map((k) => [k.name, k] as const))('%s', async (_n, k) => {
    const reply = await c.send(k.req);
    check(c, reply, k.differs?.[name] ?? k.want);
  });
  test('write after 204 returns ErrBodyNotAllowed on every server carrier (Go\'s recorder: null)', async () => {
    writeErrors.length = 0;
    await c.send({ method: 'GET', path: '/nocontent' });
    expect(writeErrors).toEqual([name === 'recorder' ? null : ErrBodyNotAllowed]);
  });
});

test('panics are logged in Go\'s format by the native server and requestListener (not by Express)', () => {
  const panics = log.lines.filter((l) => l.startsWith('http: panic serving '));
  // native, requestListener, inject, native-h2 and fetch each log one panic for /boom; Express passes it to next(err).
  expect(panics).toHaveLength(5);
  for (const p of panics) expect(p).toMatch(/^http: panic serving [^ ]+: boom\nError: boom/);
});

describe('context cancellation when the client goes away', () => {
  for (const make of [nativeCarrier, listenerCarrier, express5Carrier, fetchCarrier]) {
    test(make.name, async () => {
      const mux = new ServeMux();
      let seen: (v: string) => void = () => {};
      const result = new Promise<string>((resolve) => (seen = resolve));
      let started: () => void = () => {};
      const running = new Promise<void>((resolve) => (started = resolve));
      mux.handleFunc('GET /wait', async (_w, r) => {
        const ctx = r.context();
        started();
        const t = setTimeout(() => seen('not cancelled'), 5000);
        await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
        clearTimeout(t);
        seen(String(ctx.err()?.message));
      });
      const c = await make(mux, quietLog());
      const sock = net.connect(c.port!, '127.0.0.1');
      sock.write(`GET ${c.prefix}/wait HTTP/1.1\r\nHost: x\r\n\r\n`);
      await running;
      sock.destroy();
      await expect(result).resolves.toBe('context canceled');
      await c.close();
    });
  }
});
