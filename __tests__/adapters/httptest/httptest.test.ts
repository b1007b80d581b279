/** nethttp/httptest: ResponseRecorder, newRequest (Go's httptest tables as data), newServer, inject. */

import { ErrBodyNotAllowed, ServeMux, TrailerPrefix, newResponseController, type ResponseWriter } from '../../../src/index';
import { ResponseRecorder, inject, newRecorder, newRequest, newServer } from '../../../adapters/httptest';
import { httpSend } from '../carriers';

type Check = (rec: ResponseRecorder) => void;

// Go's recorder_test.go TestRecorder, as data: a handler and what the recorder must show. The recorder runs the
// response core, so these pin its rules too.
const recorderCases: [string, (w: ResponseWriter) => void, Check[]][] = [
  ['200 default', () => undefined, [(r) => expect(r.code).toBe(200), (r) => expect(r.body.length).toBe(0)]],
  ['first code only', (w) => { w.writeHeader(201); w.writeHeader(202); w.write('hi'); }, [(r) => expect(r.code).toBe(201), (r) => expect(r.body.toString()).toBe('hi')]],
  ['write sends 200', (w) => { w.write('hi first'); w.writeHeader(201); w.writeHeader(202); }, [(r) => expect(r.code).toBe(200), (r) => expect(r.body.toString()).toBe('hi first')]],
  ['write string', (w) => { w.write('hi first'); }, [(r) => expect(r.code).toBe(200), (r) => expect(r.body.toString()).toBe('hi first')]],
  ['flush', (w) => { newResponseController(w).flush(); }, [(r) => expect(r.code).toBe(200), (r) => expect(r.flushed).toBe(true)]],
  ['Content-Type detection', (w) => { w.write('<html>'); }, [(r) => expect(r.result().header.get('Content-Type')).toBe('text/html; charset=utf-8')]],
  ['no Content-Type detection with Transfer-Encoding', (w) => { w.header().set('Transfer-Encoding', 'some encoding'); w.write('<html>'); }, [(r) => expect(r.result().header.get('Content-Type')).toBe('')]],
  ['no Content-Type detection if set explicitly', (w) => { w.header().set('Content-Type', 'some/type'); w.write('<html>'); }, [(r) => expect(r.result().header.get('Content-Type')).toBe('some/type')]],
  ['header snapshot at writeHeader; header() is the one map (RSP-15, RSP-24)', (w) => { w.header().set('X-Foo', '1'); w.writeHeader(200); w.header().set('X-Foo', '2'); }, [(r) => expect(r.result().header.get('X-Foo')).toBe('1'), (r) => expect(r.headerMap.get('X-Foo')).toBe('2')]],
  ['header set after write is not sent', (w) => { w.write('x'); w.header().set('X-Late', 'y'); }, [(r) => expect(r.result().header.has('X-Late')).toBe(false)]],
  ['trailers', (w) => {
    w.header().set('Trailer', 'X-T');
    w.write('body');
    w.header().set('X-T', 'tv');
    w.header().set(TrailerPrefix + 'X-U', 'uv');
  }, [(r) => expect(r.result().trailer?.get('X-T')).toBe('tv'), (r) => expect(r.result().trailer?.get('X-U')).toBe('uv')]],
  ['automatic Content-Length for small bodies', (w) => { w.write('12345'); }, [(r) => expect(r.result().contentLength).toBe(5), (r) => expect(r.result().header.get('Content-Length')).toBe('5')]],
  ['large bodies are not length-delimited', (w) => { w.write(Buffer.alloc(4096, 0x61)); }, [(r) => expect(r.result().contentLength).toBe(-1), (r) => expect(r.result().body.length).toBe(4096)]],
  ['status text', (w) => { w.writeHeader(999); }, [(r) => expect(r.result().status).toBe('999 '), (r) => expect(r.result().statusCode).toBe(999)]],
  ['1xx are recorded apart', (w) => { w.header().set('Link', '</a>'); w.writeHeader(103); w.writeHeader(204); }, [(r) => expect(r.code).toBe(204), (r) => expect(r.result().informational.map((i) => [i.statusCode, i.header.get('Link')])).toEqual([[103, '</a>']])]],
  ['superfluous writeHeader is logged (RSP-17)', (w) => { w.writeHeader(200); w.writeHeader(500); }, [(r) => expect(r.logs[0]).toMatch(/^http: superfluous response\.WriteHeader call from /)]],
];

describe('ResponseRecorder', () => {
  test.each(recorderCases)('%s', (_n, h, checks) => {
    const rec = newRecorder();
    h(rec);
    for (const c of checks) c(rec);
  });
  test('write after 204 reports ErrBodyNotAllowed and records nothing', () => {
    const rec = newRecorder();
    rec.writeHeader(204);
    expect(rec.write('x')).toBe(ErrBodyNotAllowed);
    expect(rec.body.length).toBe(0);
  });
  test('invalid codes throw as Go panics', () => {
    expect(() => newRecorder().writeHeader(99)).toThrow('invalid WriteHeader code 99');
    expect(() => newRecorder().writeHeader(1000)).toThrow();
  });
  test('result() is stable and later writes are refused (RSP-26)', () => {
    const rec = newRecorder();
    rec.write('a');
    const r1 = rec.result();
    expect(rec.write('b')).not.toBeNull();
    expect(rec.result()).toBe(r1);
    expect(r1.body.toString()).toBe('a');
  });
});

describe('newRequest (Go httptest_test.go TestNewRequest, as data)', () => {
  test.each([
    ['GET', '/', '', 'example.com', '/', '', 'HTTP/1.1', false],
    ['', '/', '', 'example.com', '/', '', 'HTTP/1.1', false],
    ['POST', 'http://foo.com/bar?x=1', 'body', 'foo.com', '/bar', 'x=1', 'HTTP/1.1', false],
    ['GET', 'https://foo.com:8443/', '', 'foo.com:8443', '/', '', 'HTTP/1.1', true],
    ['OPTIONS', '*', '', 'example.com', '*', '', 'HTTP/1.1', false],
  ])('%s %s', async (method, target, body, host, path, query, proto, tls) => {
    const r = newRequest(method, target, body === '' ? undefined : body);
    expect(r.method).toBe(method === '' ? 'GET' : method);
    expect(r.host).toBe(host);
    expect(r.url.path).toBe(path);
    expect(r.url.rawQuery).toBe(query);
    expect(r.proto).toBe(proto);
    expect(r.requestURI).toBe(target);
    expect(r.remoteAddr).toBe('192.0.2.1:1234');
    expect(r.tls !== undefined).toBe(tls);
    if (tls) expect(r.tls!.serverName).toBe(host);
    expect(r.contentLength).toBe(Buffer.byteLength(body));
    expect((await r.body.readAll()).toString()).toBe(body);
  });
  test('an iterable body has unknown length', async () => {
    async function* gen() {
      yield 'ab';
      yield Buffer.from('cd');
    }
    const r = newRequest('PUT', '/x', gen());
    expect(r.contentLength).toBe(-1);
    expect((await r.body.readAll()).toString()).toBe('abcd');
  });
  test('bad arguments throw', () => {
    expect(() => newRequest('GET', 'no-slash')).toThrow(/invalid NewRequest arguments/);
    expect(() => newRequest('BAD METHOD', '/')).toThrow(/invalid NewRequest arguments/);
  });
});

describe('newServer', () => {
  test('serves on a loopback port and closes', async () => {
    const ts = await newServer((w, r) => void w.write(`hi ${r.url.path}`));
    expect(ts.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const r = await httpSend(ts.listener.addr().port, { method: 'GET', path: '/there' });
    expect(r.body.toString()).toBe('hi /there');
    await ts.close();
    await ts.close();
    const after = await httpSend(ts.listener.addr().port, { method: 'GET', path: '/' });
    expect(after.aborted).toBe(true);
  });
});

describe('inject', () => {
  const mux = new ServeMux();
  mux.handleFunc('GET /hello/{name}', (w, r) => void w.write(`hello ${r.pathValue('name')} ${r.header.get('X-Who')}`));
  mux.handleFunc('POST /len', async (w, r) => void w.write(String((await r.body.readAll()).length)));
  test('options object', async () => {
    const res = await inject(mux, { method: 'GET', url: '/hello/a', headers: { 'x-who': 'me' } });
    expect([res.statusCode, res.payload, res.headers['content-length']]).toEqual([200, 'hello a me', '10']);
  });
  test('chainable API', async () => {
    const res = await inject(mux).post('/len').payload('12345');
    expect(res.payload).toBe('5');
  });
  test('string URL and 404', async () => {
    const res = await inject(mux, '/nope');
    expect([res.statusCode, res.payload]).toEqual([404, '404 page not found\n']);
  });
  test('text in: header values and the URL are text, as the handler gets them back', async () => {
    const res = await inject(mux, { method: 'GET', url: '/hello/José', headers: { 'x-who': 'Zoë ☃' } });
    expect(res.rawPayload.equals(Buffer.from('hello José Zoë ☃'))).toBe(true);
    // The chainable API goes through the same dispatch.
    const chained = await inject(mux).get('/hello/w%C3%B6rld').headers({ 'x-who': '€' });
    expect(chained.payload).toBe('hello wörld €');
  });
  test('text out: header values as a Node client reads them, one character per byte', async () => {
    const m = new ServeMux();
    m.handleFunc('/', (w) => {
      w.header().set('X-Euro', '€');
      w.write('ok');
    });
    const res = await inject(m, '/');
    expect(Buffer.from(res.headers['x-euro'] as string, 'latin1')).toEqual(Buffer.from('€'));
  });
});

test('newServer and node:http agree on a trailer-bearing reply', async () => {
  const h = (w: ResponseWriter): void => {
    w.header().set('Trailer', 'X-T');
    w.write('x');
    w.header().set('X-T', '1');
  };
  const ts = await newServer(h);
  const r = await httpSend(ts.listener.addr().port, { method: 'GET', path: '/' });
  await ts.close();
  expect(r.trailers['x-t']).toBe('1');
});
