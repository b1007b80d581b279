/** nethttp/httptest: ResponseRecorder, newRequest (Go's httptest tables as data), newServer, inject. */

import { ErrBodyNotAllowed, ServeMux, TrailerPrefix, newResponseController, type ResponseWriter } from '../../../src/index';
import { ResponseRecorder, inject, newRecorder, newRequest, newServer } from '../../../adapters/httptest';
import { parseContentLength } from '../../../adapters/httptest/recorder';
import { httpSend } from '../carriers';

type Check = (rec: ResponseRecorder) => void;

// Go 1.23's httptest/recorder_test.go TestRecorder, as data: the same handlers and the same checks. Two of Go's cases
// set fields JavaScript has no place for (a nil HeaderMap, a nil Body) and are left out; the Code = 0 case is kept.
const hasStatus = (want: number): Check => (r) => expect(r.code).toBe(want);
const hasResultStatus = (want: string): Check => (r) => expect(r.result().status).toBe(want);
const hasResultStatusCode = (want: number): Check => (r) => expect(r.result().statusCode).toBe(want);
const hasContents = (want: string): Check => (r) => expect(r.body.toString()).toBe(want);
const hasFlush = (want: boolean): Check => (r) => expect(r.flushed).toBe(want);
const hasOldHeader = (key: string, want: string): Check => (r) => expect(r.headerMap.get(key)).toBe(want);
const hasHeader = (key: string, want: string): Check => (r) => expect(r.result().header.get(key)).toBe(want);
const hasNotHeaders = (...keys: string[]): Check => (r) => expect(keys.filter((k) => r.result().header.has(k))).toEqual([]);
const hasTrailer = (key: string, want: string): Check => (r) => expect(r.result().trailer?.get(key) ?? '').toBe(want);
const hasNotTrailers = (...keys: string[]): Check => (r) => expect(keys.filter((k) => r.result().trailer?.has(k) === true)).toEqual([]);
const hasContentLength = (want: number): Check => (r) => expect(r.result().contentLength).toBe(want);

const recorderCases: [string, (w: ResponseWriter) => void, Check[]][] = [
  ['200 default', () => undefined, [hasStatus(200), hasContents('')]],
  ['first code only', (w) => { w.writeHeader(201); w.writeHeader(202); w.write('hi'); }, [hasStatus(201), hasContents('hi')]],
  ['write sends 200', (w) => { w.write('hi first'); w.writeHeader(201); w.writeHeader(202); }, [hasStatus(200), hasContents('hi first'), hasFlush(false)]],
  ['write string', (w) => { w.write('hi first'); }, [hasStatus(200), hasContents('hi first'), hasFlush(false), hasHeader('Content-Type', 'text/plain; charset=utf-8')]],
  ['flush', (w) => { newResponseController(w).flush(); w.writeHeader(201); }, [hasStatus(200), hasFlush(true), hasContentLength(-1)]],
  ['Content-Type detection', (w) => { w.write('<html>'); }, [hasHeader('Content-Type', 'text/html; charset=utf-8')]],
  ['no Content-Type detection with Transfer-Encoding', (w) => { w.header().set('Transfer-Encoding', 'some encoding'); w.write('<html>'); }, [hasHeader('Content-Type', '')]],
  ['no Content-Type detection if set explicitly', (w) => { w.header().set('Content-Type', 'some/type'); w.write('<html>'); }, [hasHeader('Content-Type', 'some/type')]],
  ['Header is not changed after write', (w) => {
    const hdr = w.header();
    hdr.set('Key', 'correct');
    w.writeHeader(200);
    hdr.set('Key', 'incorrect');
  }, [hasHeader('Key', 'correct')]],
  ['Trailer headers are correctly recorded', (w) => {
    w.header().set('Non-Trailer', 'correct');
    w.header().set('Trailer', 'Trailer-A, Trailer-B');
    w.header().add('Trailer', 'Trailer-C');
    w.write('<html>');
    w.header().set('Non-Trailer', 'incorrect');
    w.header().set('Trailer-A', 'valuea');
    w.header().set('Trailer-C', 'valuec');
    w.header().set('Trailer-NotDeclared', 'should be omitted');
    w.header().set(TrailerPrefix + 'Trailer-D', 'with prefix');
  }, [
    hasStatus(200), hasHeader('Content-Type', 'text/html; charset=utf-8'), hasHeader('Non-Trailer', 'correct'),
    hasNotHeaders('Trailer-A', 'Trailer-B', 'Trailer-C', 'Trailer-NotDeclared'), hasTrailer('Trailer-A', 'valuea'),
    hasTrailer('Trailer-C', 'valuec'), hasNotTrailers('Non-Trailer', 'Trailer-B', 'Trailer-NotDeclared'), hasTrailer('Trailer-D', 'with prefix'),
  ]],
  ['Header set without any write', (w) => {
    w.header().set('X-Foo', '1');
    (w as ResponseRecorder).code = 0; // as if made with new(ResponseRecorder) in Go
  }, [hasOldHeader('X-Foo', '1'), hasStatus(0), hasHeader('X-Foo', '1'), hasResultStatus('200 OK'), hasResultStatusCode(200)]],
  ['HeaderMap vs FinalHeaders', (w) => {
    const h = w.header();
    h.set('X-Foo', '1');
    w.write('hi');
    h.set('X-Foo', '2');
    h.set('X-Bar', '2');
  }, [hasOldHeader('X-Foo', '2'), hasOldHeader('X-Bar', '2'), hasHeader('X-Foo', '1'), hasNotHeaders('X-Bar')]],
  ['setting Content-Length header', (w) => {
    const body = 'Some body';
    w.header().set('Content-Length', String(body.length));
    w.write(body);
  }, [hasStatus(200), hasContents('Some body'), hasContentLength(9)]],
];

// Issue #15: where nethttp's recorder used to answer as a server (a Content-Length, no sniffed type in the map, an
// error after 204), Go's recorder does not.
const goRecorderCases: [string, (w: ResponseWriter) => void, Check[]][] = [
  ['no automatic Content-Length', (w) => { w.write('12345'); }, [hasContentLength(-1), hasNotHeaders('Content-Length', 'Date')]],
  ['the sniffed Content-Type is in the header map', (w) => { w.write('<html>'); }, [hasOldHeader('Content-Type', 'text/html; charset=utf-8')]],
  ['a write after 204 is recorded and returns null', (w) => { w.writeHeader(204); expect(w.write('x')).toBeNull(); }, [hasStatus(204), hasContents('x')]],
  ['a 1xx is the first status, hence final', (w) => { w.writeHeader(103); w.writeHeader(204); }, [hasStatus(103)]],
];

describe('ResponseRecorder (Go\'s recorder_test.go)', () => {
  test.each([...recorderCases, ...goRecorderCases])('%s', (_n, h, checks) => {
    const rec = newRecorder();
    h(rec);
    for (const c of checks) c(rec);
  });
  // TestParseContentLength (issue 39017)
  test.each([
    ['3', 3], ['+3', -1], ['-3', -1], ['9223372036854775807', Number('9223372036854775807')], ['9223372036854775808', -1],
  ] as [string, number][])('parseContentLength(%j)', (cl, want) => {
    expect(parseContentLength(cl)).toBe(want);
  });
  // TestRecorderPanicsOnNonXXXStatusCode (issue 45353)
  test.each([-100, 0, 99, 1000, 20000])('writeHeader(%d) throws', (code) => {
    expect(() => newRecorder().writeHeader(code)).toThrow(`invalid WriteHeader code ${code}`);
  });
  test('result() is fixed by its first call', () => {
    const rec = newRecorder();
    rec.write('a');
    const r1 = rec.result();
    rec.write('b');
    expect(rec.result()).toBe(r1);
    expect(r1.body.toString()).toBe('a');
    expect(rec.body.toString()).toBe('ab');
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
