/**
 * ServeMux against Go's serve_test.go tables: TestServeMuxHandler and TestServeMuxHandlerRedirects (what
 * `mux.handler(r)` returns, MUX-84), TestMuxRedirectLeadingSlashes, nil handlers (MUX-20).
 */

import { PatternError, Request, ServeMux, URL, parse, type ResponseWriter } from '../../src/index';
import { newRecorder, newRequest } from '../../adapters/httptest';

const serve = (code: number) => (w: ResponseWriter) => w.writeHeader(code);

function checkQueryString(w: ResponseWriter, r: Request): void {
  // 200 when RawQuery equals the URL without scheme and query (Go's checkQueryStringHandler).
  const u = r.url.clone();
  u.scheme = 'http';
  u.host = r.host;
  u.rawQuery = '';
  w.writeHeader('http://' + r.url.rawQuery === `http://${u.host}${u.escapedPath()}` ? 200 : 500);
}

function registered(): ServeMux {
  const mux = new ServeMux();
  mux.handleFunc('/dir/', serve(200));
  mux.handleFunc('/search', serve(201));
  mux.handleFunc('codesearch.google.com/search', serve(202));
  mux.handleFunc('codesearch.google.com/', serve(203));
  mux.handleFunc('example.com/', checkQueryString);
  return mux;
}

describe('TestServeMuxHandler', () => {
  const mux = registered();
  test.each([
    ['GET', 'google.com', '/', 404, ''],
    ['GET', 'google.com', '/dir', 301, '/dir/'],
    ['GET', 'google.com', '/dir/', 200, '/dir/'],
    ['GET', 'google.com', '/dir/file', 200, '/dir/'],
    ['GET', 'google.com', '/search', 201, '/search'],
    ['GET', 'google.com', '/search/', 404, ''],
    ['GET', 'google.com', '/search/foo', 404, ''],
    ['GET', 'codesearch.google.com', '/search', 202, 'codesearch.google.com/search'],
    ['GET', 'codesearch.google.com', '/search/', 203, 'codesearch.google.com/'],
    ['GET', 'codesearch.google.com', '/search/foo', 203, 'codesearch.google.com/'],
    ['GET', 'codesearch.google.com', '/', 203, 'codesearch.google.com/'],
    ['GET', 'codesearch.google.com:443', '/', 203, 'codesearch.google.com/'],
    ['GET', 'images.google.com', '/search', 201, '/search'],
    ['GET', 'images.google.com', '/search/', 404, ''],
    ['GET', 'images.google.com', '/search/foo', 404, ''],
    ['GET', 'google.com', '/../search', 301, '/search'],
    ['GET', 'google.com', '/dir/..', 301, ''],
    ['GET', 'google.com', '/dir/./file', 301, '/dir/'],
    ['CONNECT', 'google.com', '/dir', 301, '/dir/'],
    ['CONNECT', 'google.com', '/../search', 404, ''],
    ['CONNECT', 'google.com', '/dir/..', 200, '/dir/'],
    ['CONNECT', 'google.com', '/dir/./file', 200, '/dir/'],
  ])('%s %s %s', async (method, host, p, code, pattern) => {
    const u = new URL();
    u.path = p;
    const r = new Request(method, u);
    r.host = host;
    const { handler, pattern: got } = mux.handler(r);
    const w = newRecorder();
    await handler.serveHTTP(w, r);
    expect([w.code, got]).toEqual([code, pattern]);
  });
});

describe('TestServeMuxHandlerRedirects: redirects keep the query', () => {
  const mux = registered();
  test.each([
    ['GET', 'google.com', '/', 404, false],
    ['GET', 'example.com', '/test/?example.com/test/', 200, false],
    ['GET', 'example.com', 'test/?example.com/test/', 200, true],
  ])('%s %s %s', async (method, host, url, code, redirOk) => {
    let turl = url;
    let tries = 1;
    for (;;) {
      const r = new Request(method, parse(turl));
      r.host = host;
      const w = newRecorder();
      await mux.handler(r).handler.serveHTTP(w, r);
      if (w.code !== 301) {
        expect(w.code).toBe(code);
        break;
      }
      expect(redirOk).toBe(true);
      turl = w.headerMap.get('Location');
      tries--;
    }
    expect(tries).toBeGreaterThanOrEqual(0);
  });
});

test.each(['//foo.txt', '///foo.txt', '/../../foo.txt'])('TestMuxRedirectLeadingSlashes: %s → /foo.txt', async (p) => {
  const w = newRecorder();
  await new ServeMux().serveHTTP(w, newRequest('GET', p));
  expect(w.code).toBe(301);
  expect(w.header().get('Location')).toBe('/foo.txt');
});

test('TestServeMuxHandleFuncWithNilHandler: a missing handler is refused at registration', () => {
  const mux = new ServeMux();
  expect(() => mux.handleFunc('/', null as never)).toThrow(PatternError);
  expect(() => mux.handle('/', undefined as never)).toThrow('http: nil handler');
  expect(() => mux.handle('', () => undefined)).toThrow('http: invalid pattern');
});

test('a conflict names both registrations by the caller\'s file and line (MUX-21)', () => {
  const mux = new ServeMux();
  const first = new Error().stack!.split('\n')[1].match(/:(\d+):\d+\)?$/)![1];
  mux.handleFunc('GET /c/{x}', () => undefined); // must stay on the line after `first`
  let msg = '';
  try {
    mux.handleFunc('GET /c/{y}', () => undefined);
  } catch (e) {
    msg = (e as Error).message;
  }
  expect(msg).toMatch(new RegExp(`\\(registered at .*servemux\\.test\\.ts:${Number(first) + 4}\\) conflicts with`));
  expect(msg).toMatch(new RegExp(`"GET /c/\\{x\\}" \\(registered at .*servemux\\.test\\.ts:${Number(first) + 1}\\)`));
  expect(msg).not.toMatch(/registered at .*[\\/]src[\\/]/);
});
