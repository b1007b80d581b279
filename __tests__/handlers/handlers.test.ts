/** stripPrefix and allowQuerySemicolons (Go's serve_test.go TestStripPrefix*, request_test.go semicolon tests). */

import { ServeMux, allowQuerySemicolons, stripPrefix, type Request } from '../../src/index';
import { newRecorder, newRequest } from '../../adapters/httptest';

describe('stripPrefix (TestStripPrefix)', () => {
  const h = stripPrefix('/foo/bar', (w, r) => {
    w.header().set('X-Path', r.url.path);
    w.header().set('X-RawPath', r.url.rawPath);
  });
  test.each([
    ['/foo/bar/qux', '/qux', ''],
    ['/foo/bar%2Fqux', '/qux', '%2Fqux'],
    ['/foo%2Fbar/qux', null, ''], // an escaped prefix does not match
    ['/bar', null, ''],
    ['/foo/bar', '', ''],
  ])('%s', async (target, path, rawPath) => {
    const w = newRecorder();
    await h.serveHTTP(w, newRequest('GET', target));
    if (path === null) {
      expect(w.code).toBe(404);
      expect(w.body.toString()).toBe('404 page not found\n');
      return;
    }
    expect(w.code).toBe(200);
    expect(w.result().header.get('X-Path')).toBe(path);
    expect(w.result().header.get('X-RawPath')).toBe(rawPath);
  });

  test('the request is not modified (TestStripPrefixNotModifyRequest)', async () => {
    const r = newRequest('GET', '/foo/bar/qux');
    let inner: Request | null = null;
    await stripPrefix('/foo/bar', (_w, r2) => void (inner = r2)).serveHTTP(newRecorder(), r);
    expect(r.url.path).toBe('/foo/bar/qux');
    expect(inner!.url.path).toBe('/qux');
    expect(inner!.requestURI).toBe('/foo/bar/qux');
    expect(inner!.url).not.toBe(r.url);
  });

  test('an empty prefix returns the handler itself', () => {
    const h2 = { serveHTTP: () => undefined };
    expect(stripPrefix('', h2)).toBe(h2);
  });

  test('a non-ASCII prefix is compared by its UTF-8 bytes', async () => {
    const w = newRecorder();
    await stripPrefix('/café', (ww, r) => void ww.write(r.url.path)).serveHTTP(w, newRequest('GET', '/caf%C3%A9/x'));
    expect(w.body.toString()).toBe('/x');
  });

  test('under a ServeMux pattern', async () => {
    const mux = new ServeMux();
    mux.handle('/static/', stripPrefix('/static', (w, r) => void w.write(`file ${r.url.path} for ${r.pattern}`)));
    const w = newRecorder();
    await mux.serveHTTP(w, newRequest('GET', '/static/css/a.css'));
    expect(w.body.toString()).toBe('file /css/a.css for /static/');
  });
});

describe('allowQuerySemicolons', () => {
  test.each([
    ['/?a=1;b=2', 'a=1&b=2', ['1', '2']],
    ['/?a=1&b=2', 'a=1&b=2', ['1', '2']],
    ['/?a=1;b=2&c=3', 'a=1&b=2&c=3', ['1', '2']],
  ])('%s', async (target, rawQuery, values) => {
    let seen: Request | null = null;
    const r = newRequest('GET', target);
    await allowQuerySemicolons((_w, r2) => void (seen = r2)).serveHTTP(newRecorder(), r);
    expect(seen!.url.rawQuery).toBe(rawQuery);
    expect([seen!.url.query().get('a'), seen!.url.query().get('b')]).toEqual(values);
    expect(r.url.rawQuery).toBe(target.slice(2));
  });
  test('without the wrapper, a semicolon makes the pair invalid (Go 1.17+)', () => {
    expect(newRequest('GET', '/?a=1;b=2').url.query().get('a')).toBe('');
  });
});
