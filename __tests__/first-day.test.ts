/**
 * A JavaScript developer's first day (issue #15, and #13's one-liner): the idioms an Express, Fastify or Hono
 * developer writes either work or say why, on every carrier where they apply.
 */

import * as http from 'node:http';
import { createReadStream, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import * as net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ErrServerClosed, ErrWriteAfterHandler, HTTPError, NetError, Server, ServeMux, background, errorIs, joinHostPort,
  newResponseController, recoverHandler, serveFile, splitHostPort, ErrBodyReadAfterClose, ErrNoCookie, WrappedWriter, copy, handlerFunc,
  toWritable, writeJSON, type Handler, withTimeout, type ResponseWriter,
} from '../src/index';
import { newRequest } from '../adapters/httptest';
import { everyCarrier, express5Carrier, fetchCarrier, httpSend, listenerCarrier, nativeCarrier, quietLog, type Carrier } from './adapters/carriers';

const log = quietLog();
const lateResults: unknown[] = [];

function buildMux(): ServeMux {
  const mux = new ServeMux();
  // #13: the first one-liners a JS user writes; `write` returns null, which the handler then returns.
  mux.handleFunc('GET /one', (w) => w.write('hi'));
  mux.handleFunc('GET /one-header', (w) => w.header().set('X', 'y'));
  mux.handleFunc('GET /one-async', async (w) => w.write('hi'));
  // Item 1: throws answered by recoverHandler.
  const recovered = new ServeMux();
  recovered.handleFunc('GET /r/throw', () => {
    throw new Error('secret detail');
  });
  recovered.handleFunc('GET /r/reject', async () => {
    await Promise.resolve();
    throw new Error('rejected');
  });
  recovered.handleFunc('GET /r/status', () => {
    throw Object.assign(new Error('nope'), { status: 404 });
  });
  recovered.handleFunc('GET /r/statusCode', async () => {
    throw Object.assign(new Error('teapot'), { statusCode: 418 });
  });
  recovered.handleFunc('GET /r/bad-status', () => {
    throw Object.assign(new Error('odd'), { status: 302 });
  });
  recovered.handleFunc('GET /r/typed', () => {
    throw new HTTPError(409, 'already there');
  });
  recovered.handleFunc('POST /r/json', async (_w, r) => {
    JSON.parse(await r.body.text());
  });
  recovered.handleFunc('POST /r/body-json', async (w, r) => {
    const v = await r.body.json<{ n: number }>();
    w.write(String(v.n));
  });
  recovered.handleFunc('GET /r/started', (w) => {
    w.write('partial');
    newResponseController(w).flush();
    throw new Error('too late');
  });
  mux.handle('/r/', recoverHandler(recovered));
  // An HTTPError answers itself, with or without recoverHandler.
  mux.handleFunc('GET /typed', () => {
    throw new HTTPError(403, 'members only');
  });
  // Item 2: work finishing after the handler returned.
  mux.handleFunc('GET /late', (w) => {
    w.write('early');
    setTimeout(() => {
      lateResults.push(w.write('late 1'), w.write('late 2'));
    }, 20);
  });
  // Item 10: plain-JS misuse.
  mux.handleFunc('GET /returns-string', () => 'hello');
  mux.handleFunc('GET /returns-object', () => ({ ok: true }));
  mux.handleFunc('GET /returns-response', () => new globalThis.Response('hi'));
  mux.handleFunc('GET /write-number', (w) => void (w as unknown as { write(x: unknown): void }).write(42));
  mux.handleFunc('GET /write-object', (w) => void (w as unknown as { write(x: unknown): void }).write({ a: 1 }));
  mux.handleFunc('GET /numeric-header', (w) => {
    w.header().set('X-Count', 42 as unknown as string);
    w.header().add('X-Many', 7 as unknown as string);
    w.write('ok');
  });
  mux.handleFunc('GET /throw-object', () => {
    throw { code: 'E_THING', detail: 'plain object' };
  });
  // Item 5: responses that wait for drained() past 64 KiB, and files over 64 KiB.
  mux.handleFunc('GET /drained', async (w) => {
    const rc = newResponseController(w);
    for (let i = 0; i < 8; i++) {
      w.write(Buffer.alloc(32 * 1024, 97 + i));
      await rc.drained();
    }
  });
  mux.handleFunc('GET /big-file', (w, r) => serveFile(w, r, bigFile));
  // Item 6: the body read after the handler returned.
  mux.handleFunc('POST /late-read', (_w, r) => {
    setTimeout(() => {
      r.body.readAll().then(
        (b) => lateReads.push(b),
        (e: unknown) => lateReads.push(e),
      );
    }, 10);
  });
  // Item 13: the caller's buffer is its own again once write returns.
  mux.handleFunc('GET /reuse', (w) => {
    const b = Buffer.from('AAAA');
    w.write(b);
    b.write('BBBB');
    w.write(b);
  });
  mux.handleFunc('GET /refill', (w) => {
    const block = Buffer.alloc(64 * 1024);
    for (let i = 0; i < 8; i++) {
      block.fill(65 + i);
      w.write(block);
    }
  });
  // Item 7: a thrown sentinel carries the user's line.
  mux.handleFunc('GET /twice', (w) => {
    w.writeHeader(200);
    w.writeHeader(500);
  });
  mux.handleFunc('GET /cookie', (w, r) => {
    w.write(r.cookie('sid').value);
  });
  // Item 8: streams into the response, and bodies as text and JSON.
  mux.handleFunc('GET /pipeline', async (w) => {
    await pipeline(Readable.from(['stream', 'ed ', Buffer.from('bytes')]), toWritable(w));
  });
  mux.handleFunc('GET /pipe', async (w) => {
    const src = Readable.from((function* () {
      for (let i = 0; i < 40; i++) yield Buffer.alloc(16 * 1024, 97 + (i % 26));
    })());
    await finished(src.pipe(toWritable(w)));
  });
  mux.handleFunc('GET /copy-web', async (w) => {
    let i = 0;
    const web = new ReadableStream<Uint8Array>({
      pull(ctl) {
        if (i === 3) return ctl.close();
        ctl.enqueue(new TextEncoder().encode(`web${i++} `));
      },
    });
    const n = await copy(w, web);
    w.write(String(n));
  });
  mux.handleFunc('GET /copy-file', async (w) => {
    await copy(w, createReadStream(bigFile));
  });
  mux.handleFunc('POST /text', async (w, r) => {
    w.write(`got ${(await r.body.text()).length} chars`);
  });
  mux.handleFunc('POST /json', async (w, r) => {
    const v = await r.body.json<{ name: string }>();
    writeJSON(w, 200, { hello: v.name });
  });
  mux.handleFunc('GET /drained-typed', async (w) => {
    w.write('x'.repeat(3000));
    await w.drained();
    w.write('y');
  });
  // Item 9: middleware reading the status through WrappedWriter, flush still working.
  const logged = (next: Handler): Handler => ({
    async serveHTTP(w, r) {
      const ww = new WrappedWriter(w);
      await next.serveHTTP(ww, r);
      wrapped.push([r.url.path, ww.status, ww.bytes]);
    },
  });
  mux.handle('GET /wrapped', logged(handlerFunc((w) => {
    w.writeHeader(201);
    w.write('hello');
    newResponseController(w).flush();
    w.write(Buffer.from(' world'));
  })));
  mux.handle('GET /wrapped-empty', logged(handlerFunc(() => undefined)));
  return mux;
}

const wrapped: [string, number, number][] = [];

const bigFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'first-day-')), 'big.bin');
writeFileSync(bigFile, Buffer.alloc(300 * 1024, 'z'));
const lateReads: unknown[] = [];

const carriers = everyCarrier(buildMux, log);
const serverCarriers = ['native', 'requestListener', 'express4', 'express5', 'inject', 'native-h2', 'fetch'];

async function until(cond: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await sleep(10);
}

describe.each(Object.keys(carriers))('carrier %s', (name) => {
  let c: Carrier;
  beforeAll(async () => {
    c = await carriers[name]();
  });
  afterAll(() => c.close());

  test('#13: one-liner handlers returning write\'s result answer 200', async () => {
    const a = await c.send({ method: 'GET', path: '/one' });
    expect([a.status, a.body.toString()]).toEqual([200, 'hi']);
    const b = await c.send({ method: 'GET', path: '/one-header' });
    expect([b.status, b.headers.x]).toEqual([200, 'y']);
    const d = await c.send({ method: 'GET', path: '/one-async' });
    expect([d.status, d.body.toString()]).toEqual([200, 'hi']);
  });

  test('item 1: recoverHandler answers a throw or rejection with 500, the panic logged', async () => {
    log.lines.length = 0;
    const a = await c.send({ method: 'GET', path: '/r/throw' });
    expect([a.status, a.body.toString()]).toEqual([500, 'Internal Server Error\n']);
    const b = await c.send({ method: 'GET', path: '/r/reject' });
    expect([b.status, b.body.toString()]).toEqual([500, 'Internal Server Error\n']);
    if (name !== 'recorder') {
      expect(log.lines.some((l) => l.includes('http: panic serving') && l.includes('secret detail'))).toBe(true);
      expect(log.lines.some((l) => l.includes('rejected'))).toBe(true);
    }
  });

  test('item 1: an error carrying a 4xx/5xx status or statusCode, an HTTPError, a JSON.parse error', async () => {
    const s = await c.send({ method: 'GET', path: '/r/status' });
    expect([s.status, s.body.toString()]).toEqual([404, 'Not Found\n']);
    const sc = await c.send({ method: 'GET', path: '/r/statusCode' });
    expect(sc.status).toBe(418);
    const bad = await c.send({ method: 'GET', path: '/r/bad-status' });
    expect(bad.status).toBe(500);
    const t = await c.send({ method: 'GET', path: '/r/typed' });
    expect([t.status, t.body.toString(), t.headers['content-type']]).toEqual([409, 'already there\n', 'text/plain; charset=utf-8']);
    const j = await c.send({ method: 'POST', path: '/r/json', body: '{bad' });
    expect(j.status).toBe(500);
    // r.body.json() rejects with a JSONBodyError: 400 with the parser's message.
    const k = await c.send({ method: 'POST', path: '/r/body-json', body: '{bad' });
    expect(k.status).toBe(400);
    expect(k.body.toString()).toMatch(/^malformed JSON: /);
  });

  // The recorder has no server around the handler: the test calls it, and sees the throw.
  (name === 'recorder' ? test.skip : test)('item 1: a thrown HTTPError is answered without recoverHandler too', async () => {
    const t = await c.send({ method: 'GET', path: '/typed' });
    expect([t.status, t.body.toString()]).toEqual([403, 'members only\n']);
  });

  if (name !== 'recorder') {
    test('item 1: after the response started, a recovered throw still aborts (no cut response taken as whole)', async () => {
      const a = await c.send({ method: 'GET', path: '/r/started' });
      if (name.startsWith('express')) expect(a.status).toBe(200);
      expect(a.aborted === true || a.body.toString() !== 'partial').toBe(true);
    });
  }

  test('item 5: a response awaiting drained() past 64 KiB, and a 300 KiB file, finish', async () => {
    const a = await c.send({ method: 'GET', path: '/drained' });
    expect([a.status, a.body.length]).toEqual([200, 8 * 32 * 1024]);
    expect(a.body[8 * 32 * 1024 - 1]).toBe(97 + 7);
    const f = await c.send({ method: 'GET', path: '/big-file' });
    expect([f.status, f.body.length]).toEqual([200, 300 * 1024]);
  });

  test('item 13: write copies what it keeps of the caller\'s buffer (Go: AAAABBBB)', async () => {
    const a = await c.send({ method: 'GET', path: '/reuse' });
    expect(a.body.toString()).toBe('AAAABBBB');
    const b = await c.send({ method: 'GET', path: '/refill' });
    expect(b.body.length).toBe(8 * 64 * 1024);
    for (let i = 0; i < 8; i++) expect([i, b.body[i * 64 * 1024], b.body[(i + 1) * 64 * 1024 - 1]]).toEqual([i, 65 + i, 65 + i]);
  });

  test('item 8: pipeline(), .pipe(), copy() of web and Node streams into w; r.body.text() and .json(); w.drained()', async () => {
    const a = await c.send({ method: 'GET', path: '/pipeline' });
    expect([a.status, a.body.toString()]).toEqual([200, 'streamed bytes']);
    const b = await c.send({ method: 'GET', path: '/pipe' });
    expect(b.body.length).toBe(40 * 16 * 1024);
    expect(b.body[39 * 16 * 1024]).toBe(97 + (39 % 26));
    const d = await c.send({ method: 'GET', path: '/copy-web' });
    expect(d.body.toString()).toBe('web0 web1 web2 15');
    const e = await c.send({ method: 'GET', path: '/copy-file' });
    expect(e.body.length).toBe(300 * 1024);
    const t = await c.send({ method: 'POST', path: '/text', body: 'héllo wörld', headers: { 'content-type': 'text/plain' } });
    expect(t.body.toString()).toBe('got 11 chars');
    const j = await c.send({ method: 'POST', path: '/json', body: '{"name":"José"}', headers: { 'content-type': 'application/json' } });
    expect(JSON.parse(j.body.toString())).toEqual({ hello: 'José' });
    const k = await c.send({ method: 'GET', path: '/drained-typed' });
    expect(k.body.length).toBe(3001);
  });

  test('item 9: WrappedWriter records status and bytes; flush works through it', async () => {
    wrapped.length = 0;
    const a = await c.send({ method: 'GET', path: '/wrapped' });
    expect([a.status, a.body.toString()]).toEqual([201, 'hello world']);
    await c.send({ method: 'GET', path: '/wrapped-empty' });
    await until(() => wrapped.length === 2);
    expect(wrapped).toEqual([['/wrapped', 201, 11], ['/wrapped-empty', 0, 0]]);
  });

  test('item 10: a numeric header value is sent as its text', async () => {
    const a = await c.send({ method: 'GET', path: '/numeric-header' });
    expect([a.status, a.headers['x-count'], a.headers['x-many'], a.body.toString()]).toEqual([200, '42', '7', 'ok']);
  });

  if (serverCarriers.includes(name)) {
    test('item 2: a write after the handler returned is logged once, naming the likely cause (RSP-26)', async () => {
      log.lines.length = 0;
      lateResults.length = 0;
      const a = await c.send({ method: 'GET', path: '/late' });
      expect([a.status, a.body.toString()]).toEqual([200, 'early']);
      await until(() => lateResults.length === 2);
      expect(lateResults).toEqual([ErrWriteAfterHandler, ErrWriteAfterHandler]);
      const lines = log.lines.filter((l) => l.includes('after the handler returned'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/missing await or return/);
    });

    test('item 6: reading the body after the handler returned rejects with ErrBodyReadAfterClose', async () => {
      lateReads.length = 0;
      const a = await c.send({ method: 'POST', path: '/late-read', body: 'x'.repeat(1000), headers: { 'content-type': 'text/plain' } });
      expect(a.status).toBe(200);
      await until(() => lateReads.length === 1);
      expect(errorIs(lateReads[0], ErrBodyReadAfterClose)).toBe(true);
    });

    test('a superfluous writeHeader is logged with its caller (RSP-17)', async () => {
      log.lines.length = 0;
      const a = await c.send({ method: 'GET', path: '/twice' });
      expect(a.status).toBe(200);
      expect(log.lines.some((l) => /^http: superfluous response\.WriteHeader call from .*first-day\.test\.ts:\d+\)$/.test(l))).toBe(true);
    });

    test('item 7: a thrown sentinel is logged with the handler\'s line', async () => {
      log.lines.length = 0;
      await c.send({ method: 'GET', path: '/cookie' });
      if (name.startsWith('express')) return; // Express gets it through next(err)
      await until(() => log.lines.length > 0);
      const line = log.lines.find((l) => l.includes('named cookie not present'));
      expect(line).toMatch(/first-day\.test\.ts:\d+/);
    });

    test('item 10: a handler returning a string, an object or a web Response is logged as ignored', async () => {
      for (const [path, what] of [['/returns-string', 'a string'], ['/returns-object', 'an object'], ['/returns-response', 'a web Response']]) {
        log.lines.length = 0;
        const a = await c.send({ method: 'GET', path });
        expect(a.status).toBe(200);
        expect(log.lines.some((l) => l.includes(`returned ${what}, which is ignored`) && l.includes('w.write'))).toBe(true);
      }
    });

    test('item 10: write(42) and write({}) fail with an error naming the mistake; a thrown object is logged readably', async () => {
      log.lines.length = 0;
      await c.send({ method: 'GET', path: '/write-number' });
      await c.send({ method: 'GET', path: '/write-object' });
      await c.send({ method: 'GET', path: '/throw-object' });
      if (name.startsWith('express')) return; // Express gets the errors through next(err)
      await until(() => log.lines.length >= 3);
      expect(log.lines.some((l) => l.includes('ResponseWriter.write takes a string or a Uint8Array (a Buffer), not a number'))).toBe(true);
      expect(log.lines.some((l) => l.includes('not an object: write JSON.stringify(value) or use writeJSON'))).toBe(true);
      expect(log.lines.some((l) => l.includes("code: 'E_THING'") && !l.includes('[object Object]'))).toBe(true);
    });
  }
});

describe('item 12: a client that leaves while the handler awaits with the request signal', () => {
  for (const make of [nativeCarrier, listenerCarrier, fetchCarrier]) {
    test(`${make.name}: the abort is not logged as a panic`, async () => {
      const lines = quietLog();
      let settled!: () => void;
      const done = new Promise<void>((r) => (settled = r));
      const mux = new ServeMux();
      mux.handleFunc('GET /wait', async (w, r) => {
        try {
          await sleep(5000, undefined, { signal: r.context().signal });
          w.write('never');
        } finally {
          setTimeout(settled, 50);
        }
      });
      const c = await make(mux, lines);
      try {
        const s = net.connect(c.port!, '127.0.0.1');
        s.write('GET /wait HTTP/1.1\r\nHost: x\r\n\r\n');
        await sleep(100);
        s.destroy();
        await done;
        await sleep(50);
        expect(lines.lines.filter((l) => l.includes('panic'))).toEqual([]);
      } finally {
        await c.close();
      }
    });
  }
});

test('item 7: thrown sentinels are fresh errors that errorIs matches', () => {
  let err: unknown;
  try {
    newRequest('GET', '/').cookie('sid');
  } catch (e) {
    err = e;
  }
  expect(errorIs(err, ErrNoCookie)).toBe(true);
  expect(err).not.toBe(ErrNoCookie);
  expect((err as Error).stack).toMatch(/first-day\.test\.ts:\d+/);
});

describe('item 8: toWritable keeps a fast source in step with a slow client', () => {
  for (const make of [nativeCarrier, listenerCarrier, fetchCarrier]) {
    test(`${make.name}: the source is read only a bounded amount ahead of what the client took`, async () => {
      let produced = 0;
      const chunk = Buffer.alloc(64 * 1024, 'q');
      const mux = new ServeMux();
      mux.handleFunc('GET /flood', async (w) => {
        const src = new Readable({
          read() {
            produced += chunk.length;
            this.push(produced > 256 * 1024 * 1024 ? null : chunk);
          },
        });
        await pipeline(src, toWritable(w)).catch(() => undefined);
      });
      const c = await make(mux, quietLog());
      try {
        const s = net.connect(c.port!, '127.0.0.1');
        s.write('GET /flood HTTP/1.1\r\nHost: x\r\n\r\n');
        let received = 0;
        s.on('data', (d: Buffer) => {
          received += d.length;
          if (received > 1024 * 1024) s.pause();
        });
        await sleep(600);
        // Socket and stream buffers hold a few MiB at most; without backpressure it would be all 256 MiB.
        expect(produced - received).toBeLessThan(16 * 1024 * 1024);
        s.destroy();
      } finally {
        await c.close();
      }
    });
  }
});

test('item 11: the response core is not exported (no name of a web global but Go\'s Request and URL); @internal members are left out of the published types', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const api = require('../src/index') as Record<string, unknown>;
  expect(['Response', 'Headers', 'fetch', 'ReadableStream'].filter((k) => k in api)).toEqual([]);
  // npm test builds dist/ first (pretest).
  const dts = readFileSync(path.join(__dirname, '..', 'dist', 'src', 'request', 'request.d.ts'), 'utf8');
  expect(['ctxSource', 'rawFields', 'patNames', 'otherValues', 'exchange', 'shallowCopy'].filter((m) => new RegExp(`\\b${m}\\b`).test(dts))).toEqual([]);
  expect(dts).toMatch(/\bpathValue\b/);
});

describe('item 14: write reports a client that left', () => {
  for (const make of [nativeCarrier, listenerCarrier, express5Carrier, fetchCarrier]) {
    test(`${make.name}: the write loop stops on write's error`, async () => {
      let result!: (v: [number, unknown]) => void;
      const stopped = new Promise<[number, unknown]>((r) => (result = r));
      const mux = new ServeMux();
      mux.handleFunc('GET /stream', async (w) => {
        const rc = newResponseController(w);
        const chunk = Buffer.alloc(64 * 1024, 'x');
        for (let i = 0; i < 4096; i++) {
          const err = w.write(chunk);
          if (err !== null) return result([i, err]);
          await Promise.race([rc.drained(), sleep(20)]);
        }
        result([4096, null]);
      });
      const c = await make(mux, quietLog());
      try {
        const s = net.connect(c.port!, '127.0.0.1');
        s.write(`GET ${c.prefix}/stream HTTP/1.1\r\nHost: x\r\n\r\n`);
        await new Promise((r) => s.once('data', r));
        s.destroy();
        const [n, err] = await stopped;
        expect(n).toBeLessThan(4096);
        expect(err).toBeInstanceOf(NetError);
      } finally {
        await c.close();
      }
    }, 20_000);
  }
});

describe('item 4 and 11: listenAndServe written like app.listen', () => {
  test('shutdown does not leave an unhandled ErrServerClosed; awaiting still yields it', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown): void => void unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      const srv = new Server({ addr: '127.0.0.1:0', handler: (w: ResponseWriter) => w.write('up') });
      const serving = srv.listenAndServe(); // not awaited, no .catch: app.listen() style
      const addr = await srv.boundAddr();
      expect(addr.port).toBeGreaterThan(0);
      const a = await httpSend(addr.port, { method: 'GET', path: '/' });
      expect(a.body.toString()).toBe('up');
      await srv.shutdown();
      await sleep(20);
      expect(unhandled).toEqual([]);
      expect(errorIs(await serving.catch((e: unknown) => e), ErrServerClosed)).toBe(true);
      expect(errorIs(await srv.boundAddr().catch((e: unknown) => e), ErrServerClosed)).toBe(true);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  test('another failure (the port taken) still rejects', async () => {
    const first = new Server({ addr: '127.0.0.1:0' });
    void first.listenAndServe();
    const { port } = await first.boundAddr();
    const second = new Server({ addr: `127.0.0.1:${port}` });
    await expect(second.listenAndServe()).rejects.toThrow(/EADDRINUSE|address already in use/);
    await first.close();
  });
});

describe('item 16: splitHostPort and joinHostPort, and what to do after shutdown misses its deadline', () => {
  // Go 1.23's net.SplitHostPort on the same inputs.
  const table: [string, string, string, string | null][] = [
    ['1.2.3.4:80', '1.2.3.4', '80', null],
    ['[::1]:80', '::1', '80', null],
    ['[fe80::1%eth0]:443', 'fe80::1%eth0', '443', null],
    ['host', '', '', 'missing port in address'],
    ['::1', '', '', 'too many colons in address'],
    ['[::1]', '', '', 'missing port in address'],
    ['[::1]x', '', '', 'missing port in address'],
    ['a:b:c', '', '', 'too many colons in address'],
    ['[a]:b:c', '', '', 'too many colons in address'],
    ['a[b]:1', '', '', "unexpected '[' in address"],
    ['a]:1', '', '', "unexpected ']' in address"],
    ['[a:1', '', '', "missing ']' in address"],
    [':80', '', '80', null],
    ['[]:0', '', '0', null],
    ['host:', 'host', '', null],
  ];
  test.each(table)('splitHostPort(%j)', (in_, host, port, err) => {
    if (err === null) {
      expect(splitHostPort(in_)).toEqual([host, port]);
      expect(splitHostPort(joinHostPort(host, port))).toEqual([host, port]);
    } else {
      let got: unknown;
      try {
        splitHostPort(in_);
      } catch (e) {
        got = e;
      }
      expect(got).toBeInstanceOf(NetError);
      expect((got as Error).message).toBe(`address ${in_}: ${err}`);
    }
  });

  test('close() after a missed shutdown deadline ends the remaining connections', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const srv = new Server({ addr: '127.0.0.1:0', handler: async (w: ResponseWriter) => {
      await held;
      w.write('late');
    } });
    void srv.listenAndServe();
    const { port } = await srv.boundAddr();
    const req = http.get({ host: '127.0.0.1', port, path: '/', agent: false });
    const closed = new Promise<void>((r) => req.on('error', () => r()));
    await sleep(50);
    const [ctx, cancel] = withTimeout(background(), 50);
    const err = await srv.shutdown(ctx).catch((e: unknown) => e);
    cancel();
    expect(errorIs(err, ctx.err())).toBe(true);
    expect(srv.connCount()).toBe(1);
    await srv.close();
    await closed;
    expect(srv.connCount()).toBe(0);
    release();
  });
});
