/**
 * writeJSON and readJSON on every carrier: JSON out, JSON in, and the answers Go services give (400 malformed or
 * empty, 413 past the limit with the connection closed, 415 for a non-JSON Content-Type when asked).
 */

import * as net from 'node:net';
import { Client, get, serveOn } from '../raw-client';
import { PullBody } from '../../src/request/body';
import { Request as Req } from '../../src/request/request';
import { parse } from '../../src/request/url';
import { JSONBodyError, ServeMux, maxBytesHandler, readJSON, writeJSON, type Request, type ResponseWriter } from '../../src/index';
import {
  type Carrier, everyCarrier, nativeCarrier, quietLog,
} from '../adapters/carriers';

const seen: unknown[] = [];

function buildMux(): ServeMux {
  const mux = new ServeMux();
  mux.handleFunc('GET /users/{id}', (w, r) => writeJSON(w, 200, { id: Number(r.pathValue('id')), name: 'ann', tags: ['a', 'é'] }));
  mux.handleFunc('POST /users', async (w: ResponseWriter, r: Request) => {
    const u = await readJSON<{ name: string }>(r, { maxBytes: 64 });
    writeJSON(w, 201, { created: u.name });
  });
  mux.handleFunc('POST /strict', async (w: ResponseWriter, r: Request) => {
    writeJSON(w, 200, await readJSON(r, { requireContentType: true }));
  });
  mux.handleFunc('POST /caught', async (w: ResponseWriter, r: Request) => {
    try {
      await readJSON(r);
    } catch (err) {
      seen.push(err);
      w.header().set('Content-Type', 'application/problem+json');
      writeJSON(w, (err as JSONBodyError).status, { title: 'bad body' });
    }
  });
  mux.handle('POST /limited', maxBytesHandler(async (w: ResponseWriter, r: Request) => writeJSON(w, 200, await readJSON(r)), 8));
  mux.handleFunc('GET /nothing', (w) => writeJSON(w, 204, { dropped: true }));
  mux.handleFunc('GET /unmodified', (w) => writeJSON(w, 304, { dropped: true }));
  // The map after writeJSON holds its type; changed before the end, it no longer changes the head (RSP-15).
  mux.handleFunc('GET /after', (w) => {
    writeJSON(w, 202, { a: 'é\u{1F600}' });
    const h = w.header();
    const type = h.get('Content-Type');
    h.set('X-Late', 'no');
    h.set('Content-Type', 'text/late');
    w.write(type);
  });
  // A map asked for and kept before writeJSON, changed after it: not in the head either.
  mux.handleFunc('GET /kept', (w) => {
    const h = w.header();
    writeJSON(w, 200, [1]);
    h.set('X-Late', 'no');
  });
  // writeJSON through a writer that wraps the core keeps the wrapper's header().
  mux.handleFunc('GET /wrapped', (w) => {
    const extra = w.header();
    extra.set('X-Wrapper', 'yes');
    const inner: ResponseWriter = { header: () => w.header(), writeHeader: (c) => w.writeHeader(c), write: (d) => w.write(d), drained: () => w.drained() };
    writeJSON(inner, 200, { ok: true });
  });
  mux.handleFunc('GET /undef', (w) => writeJSON(w, 200, undefined));
  mux.handleFunc('GET /cycle', (w) => {
    const a: Record<string, unknown> = {};
    a.self = a;
    try {
      writeJSON(w, 200, a);
    } catch (err) {
      seen.push(err);
      w.write('untouched');
    }
  });
  return mux;
}

const log = quietLog();
const carriers = everyCarrier(buildMux, log);

const json = { 'Content-Type': 'application/json' };

describe.each(Object.keys(carriers))('carrier %s', (name) => {
  let c: Carrier;
  beforeAll(async () => {
    c = await carriers[name]();
  });
  afterAll(() => c.close());

  test('writeJSON: status, Content-Type, the value and a newline (UTF-8)', async () => {
    const r = await c.send({ method: 'GET', path: '/users/7' });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.body.toString('utf8')).toBe('{"id":7,"name":"ann","tags":["a","é"]}\n');
    // Go's recorder adds no Content-Length (framing is a server's).
    expect(r.headers['content-length']).toBe(name === 'recorder' ? undefined : String(r.body.length));
  });

  test('writeJSON: undefined is null; 204 sends no body; an unencodable value leaves the response untouched', async () => {
    expect((await c.send({ method: 'GET', path: '/undef' })).body.toString()).toBe('null\n');
    const n = await c.send({ method: 'GET', path: '/nothing' });
    expect(n.status).toBe(204);
    // Go's recorder records what was written whatever the status; a server sends no body with 204.
    if (name !== 'recorder') expect(n.body.length).toBe(0);
    seen.length = 0;
    const cy = await c.send({ method: 'GET', path: '/cycle' });
    expect(cy.status).toBe(200);
    expect(cy.body.toString()).toBe('untouched');
    expect(seen[0]).toBeInstanceOf(TypeError);
  });

  test('writeJSON: the header map afterwards has its type; changes to it after writeJSON stay out of the head', async () => {
    const r = await c.send({ method: 'GET', path: '/after' });
    expect(r.status).toBe(202);
    expect(r.body.toString('utf8')).toBe('{"a":"é\u{1F600}"}\napplication/json');
    if (name === 'recorder') return; // Go's recorder snapshots at writeHeader too, but then records what the map says
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.headers['x-late']).toBeUndefined();
    const k = await c.send({ method: 'GET', path: '/kept' });
    expect(k.body.toString()).toBe('[1]\n');
    expect(k.headers['content-type']).toBe('application/json');
    expect(k.headers['x-late']).toBeUndefined();
  });

  test('writeJSON: 304 sends neither body nor Content-Type; a wrapping writer keeps its fields', async () => {
    const n = await c.send({ method: 'GET', path: '/unmodified' });
    expect(n.status).toBe(304);
    if (name !== 'recorder') expect(n.body.length).toBe(0);
    // (On the fetch carrier @hono/node-server types every Response that has no type: docs/fetch.md.)
    if (name !== 'recorder' && name !== 'fetch') expect(n.headers['content-type']).toBeUndefined();
    const w = await c.send({ method: 'GET', path: '/wrapped' });
    expect(w.headers['x-wrapper']).toBe('yes');
    expect(w.headers['content-type']).toBe('application/json');
    expect(w.body.toString()).toBe('{"ok":true}\n');
  });

  test('readJSON: a JSON body in, JSON out', async () => {
    const r = await c.send({ method: 'POST', path: '/users', headers: json, body: '{"name":"bob"}' });
    expect(r.status).toBe(201);
    expect(r.body.toString()).toBe('{"created":"bob"}\n');
  });

  const answered = name !== 'recorder';
  test('readJSON: malformed and empty bodies answer 400, as plain text', async () => {
    for (const body of ['{"name":', '', 'nul']) {
      const r = await c.send({ method: 'POST', path: '/users', headers: json, body });
      if (!answered) {
        expect(r.aborted).toBe(true);
        continue;
      }
      expect(r.status).toBe(400);
      expect(r.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.body.toString()).toMatch(body === '' ? /^request body is empty: want JSON\n$/ : /^malformed JSON: .+\n$/);
    }
  });

  // node:http2's client refuses Transfer-Encoding; its bodies have no declared length anyway.
  const te: Record<string, string> = name === 'native-h2' ? {} : { 'Transfer-Encoding': 'chunked' };
  test('readJSON: past maxBytes answers 413 and closes the connection (declared length or chunked)', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(100) });
    const r = await c.send({ method: 'POST', path: '/users', headers: json, body: big });
    const chunked = await c.send({ method: 'POST', path: '/users', headers: { ...json, ...te }, body: big });
    const exact = await c.send({ method: 'POST', path: '/users', headers: json, body: JSON.stringify({ name: 'y'.repeat(53) }) });
    expect(JSON.stringify({ name: 'y'.repeat(53) }).length).toBe(64);
    expect(exact.status).toBe(201);
    if (!answered) return expect(r.aborted).toBe(true);
    for (const x of name === 'inject' ? [r] : [r, chunked]) {
      expect(x.status).toBe(413);
      expect(x.body.toString()).toBe('http: request body too large\n');
      if (name !== 'native-h2' && name !== 'inject') expect(x.headers.connection).toBe('close');
    }
  });

  test('readJSON behind maxBytesHandler answers 413 at that limit', async () => {
    const ok = await c.send({ method: 'POST', path: '/limited', headers: json, body: '[1,2,3]' });
    expect(ok.body.toString()).toBe('[1,2,3]\n');
    const r = await c.send({ method: 'POST', path: '/limited', headers: { ...json, ...te }, body: '[1,2,3,4,5]' });
    if (!answered) return expect(r.aborted).toBe(true);
    expect(r.status).toBe(413);
  });

  test('readJSON with requireContentType: 415 for anything but application/json or application/*+json', async () => {
    for (const [ct, status] of [
      [undefined, 415], ['text/plain', 415], ['application/json; charset=utf-8', 200], ['application/merge-patch+json', 200],
      ['application/jsonx', 415], ['application/json; =bad', 415],
    ] as const) {
      const r = await c.send({ method: 'POST', path: '/strict', headers: ct === undefined ? {} : { 'Content-Type': ct }, body: '{"a":1}' });
      if (!answered && status !== 200) {
        expect(r.aborted).toBe(true);
        continue;
      }
      expect([ct, r.status]).toEqual([ct, status]);
      if (status === 200) expect(r.body.toString()).toBe('{"a":1}\n');
    }
  });

  test('a handler may catch JSONBodyError and answer in its own format', async () => {
    seen.length = 0;
    const r = await c.send({ method: 'POST', path: '/caught', body: '{' });
    expect(r.status).toBe(400);
    expect(r.headers['content-type']).toBe('application/problem+json');
    expect(seen[0]).toBeInstanceOf(JSONBodyError);
    expect((seen[0] as JSONBodyError).status).toBe(400);
  });
});

test('an answered JSONBodyError is not a panic: nothing logged', () => {
  expect(log.lines.filter((l) => l.includes('panic'))).toEqual([]);
});

test('native: after a 400 the connection is kept; after a 413 it closes', async () => {
  const c = await nativeCarrier(buildMux(), log);
  try {
    const sock = net.connect(c.port!, '127.0.0.1');
    const got: Buffer[] = [];
    sock.on('data', (d: Buffer) => got.push(d));
    const closed = new Promise((r) => sock.once('close', r));
    sock.write('POST /users HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{]');
    sock.write('POST /users HTTP/1.1\r\nHost: x\r\nContent-Length: 14\r\n\r\n{"name":"bob"}');
    sock.write(`POST /users HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n80\r\n${'x'.repeat(128)}\r\n0\r\n\r\n`);
    await closed;
    const text = Buffer.concat(got).toString();
    expect(text.match(/^HTTP\/1\.1 \d+/gm)).toEqual(['HTTP/1.1 400', 'HTTP/1.1 201', 'HTTP/1.1 413']);
  } finally {
    await c.close();
  }
});

describe('readJSON and the declared length', () => {
  // A carrier's body (a PullBody) ends at its Content-Length: readJSON stops reading there, without a read that
  // could only say "end".
  test('a carrier body is read up to its Content-Length, no further', async () => {
    const text = '{"a":1}';
    let pulls = 0;
    const r = new Req('POST', parse('/x'));
    r.body = new PullBody({ pull: async () => (pulls++ === 0 ? Buffer.from(text) : null) });
    r.contentLength = text.length;
    expect(await readJSON(r)).toEqual({ a: 1 });
    expect(pulls).toBe(1);
  });
  test('a body at hand whole is parsed without a pull; one at hand in part is read on from there', async () => {
    const text = '{"a":[1,2]}';
    const r = new Req('POST', parse('/x'));
    r.body = new PullBody({ tryPull: () => Buffer.from(text), pull: () => Promise.reject(new Error('pulled')) });
    r.contentLength = text.length;
    expect(await readJSON(r)).toEqual({ a: [1, 2] });
    const pieces: Array<Buffer | undefined> = [Buffer.from('{"a":'), undefined, Buffer.from('[1,2]}')];
    const r2 = new Req('POST', parse('/x'));
    // The second piece is not at hand (undefined): pull waits for it.
    r2.body = new PullBody({ tryPull: () => pieces.shift(), pull: async () => pieces.shift() ?? null });
    r2.contentLength = text.length;
    expect(await readJSON(r2)).toEqual({ a: [1, 2] });
    // A body at hand but malformed, or past the limit, rejects (never throws).
    const r3 = new Req('POST', parse('/x'));
    r3.body = new PullBody({ tryPull: () => Buffer.from('{'), pull: async () => null });
    r3.contentLength = 1;
    const p3 = readJSON(r3);
    await expect(p3).rejects.toMatchObject({ status: 400 });
    const r4 = new Req('POST', parse('/x'));
    r4.body = new PullBody({ tryPull: () => Buffer.from('[1,2,3]'), pull: async () => null });
    r4.contentLength = -1;
    await expect(readJSON(r4, { maxBytes: 4 })).rejects.toMatchObject({ status: 413 });
    // A body closed by the carrier still rejects as read after close.
    const r5 = new Req('POST', parse('/x'));
    const b5 = new PullBody({ tryPull: () => Buffer.from('[1]'), pull: async () => null });
    b5.closeForHandler();
    r5.body = b5;
    r5.contentLength = 3;
    await expect(readJSON(r5)).rejects.toThrow(/after close|closed/i);
  });
  test('a source that has the whole body at hand as text is read once, as text, with no piece made', async () => {
    const text = '{"a":"é"}';
    const n = Buffer.byteLength(text);
    const asked: number[] = [];
    const src = {
      tryText: (k: number): string | undefined => (asked.push(k), k === n ? text : undefined),
      tryPull: (): Buffer => {
        throw new Error('a piece was made');
      },
      pull: (): Promise<Buffer> => Promise.reject(new Error('pulled')),
    };
    const r = new Req('POST', parse('/x'));
    r.body = new PullBody(src);
    r.contentLength = n;
    expect(await readJSON(r)).toEqual({ a: 'é' });
    expect(asked).toEqual([n]);
    expect(await r.body.read()).toBeNull();
    // Malformed text rejects with 400; a source without the text at hand is read as before.
    const r2 = new Req('POST', parse('/x'));
    r2.body = new PullBody({ tryText: () => '{', pull: () => Promise.reject(new Error('pulled')) });
    r2.contentLength = 1;
    await expect(readJSON(r2)).rejects.toMatchObject({ status: 400 });
    const r3 = new Req('POST', parse('/x'));
    r3.body = new PullBody({ tryText: () => undefined, tryPull: () => Buffer.from('[7]'), pull: () => Promise.reject(new Error('pulled')) });
    r3.contentLength = 3;
    expect(await readJSON(r3)).toEqual([7]);
    // A closed body is not read as text: it rejects as read after close.
    const r4 = new Req('POST', parse('/x'));
    const b4 = new PullBody({ tryText: () => '[1]', pull: async () => null });
    b4.closeForHandler();
    r4.body = b4;
    r4.contentLength = 3;
    await expect(readJSON(r4)).rejects.toThrow(/after close|closed/i);
  });
  test('native: a body that came with its head is decoded where it lies, as toString would; the next request follows', async () => {
    const got: unknown[] = [];
    const { srv, port } = await serveOn(async (w, r) => {
      if (r.method !== 'POST') return void w.write('next');
      const pieces = jest.spyOn(PullBody.prototype, 'readNow');
      try {
        const v = await readJSON(r).catch((e: JSONBodyError) => `status ${e.status}`);
        got.push(v, pieces.mock.calls.length, await r.body.read());
      } finally {
        pieces.mockRestore();
      }
      writeJSON(w, 200, 'ok');
    });
    // Multi-byte UTF-8, and a stray byte toString('utf8') turns into U+FFFD, as readJSON decoded it before.
    const body = Buffer.concat([Buffer.from('{"name":"Zoë 🙂","raw":"'), Buffer.from([0xff, 0xc3]), Buffer.from('"}')]);
    const c = new Client(port);
    try {
      c.sock.write(Buffer.concat([Buffer.from(`POST /u HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n`), body, Buffer.from(get('/next'))]));
      await c.until(() => c.text.includes('next'));
      // A body still on its way is read in pieces, as before.
      c.sock.write(`POST /u HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n[1,`);
      await new Promise((r) => setTimeout(r, 50));
      c.sock.write('2]');
      await c.until(() => c.responses() === 3);
      expect(got.slice(0, 3)).toEqual([JSON.parse(body.toString('utf8')), 0, null]);
      expect(got[3]).toEqual([1, 2]);
      expect(got[4]).toBeGreaterThan(0);
      expect(got[5]).toBeNull();
    } finally {
      c.close();
      await srv.close();
    }
  });
  test('a replaced body is read to its end whatever the declared length', async () => {
    const r = new Req('POST', parse('/x'));
    const pieces = ['{"a":', '12345}'];
    r.body = Object.assign(Object.create(null), { read: async () => { const p = pieces.shift(); return p === undefined ? null : Buffer.from(p); } });
    r.contentLength = 5; // stale: a middleware replaced the body
    expect(await readJSON(r)).toEqual({ a: 12345 });
  });
});
