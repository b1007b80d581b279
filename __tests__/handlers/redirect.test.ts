/**
 * redirect and redirectHandler against Go's serve_test.go TestRedirect, TestRedirectContentTypeAndBody,
 * TestRedirectBadPath: the target (RSP-105), its escaping (RSP-106), Content-Type and body by method (RSP-107,
 * RSP-108, RSP-109), an unchecked code and a nil Content-Type (RSP-110), redirectHandler (RSP-111).
 */

import { redirect, redirectHandler, Request, URL } from '../../src/index';
import { newRecorder, newRequest } from '../../adapters/httptest';

describe('redirect: Location resolution (TestRedirect)', () => {
  test.each([
    ['http://foobar.com/baz', 'http://foobar.com/baz'],
    ['https://foobar.com/baz', 'https://foobar.com/baz'],
    ['test://foobar.com/baz', 'test://foobar.com/baz'],
    ['//foobar.com/baz', '//foobar.com/baz'],
    ['/foobar.com/baz', '/foobar.com/baz'],
    ['foobar.com/baz', '/qux/foobar.com/baz'],
    ['../quux/foobar.com/baz', '/quux/foobar.com/baz'],
    ['///foobar.com/baz', '/foobar.com/baz'],
    ['/foo?next=http://bar.com/', '/foo?next=http://bar.com/'],
    ['http://localhost:8080/_ah/login?continue=http://localhost:8080/', 'http://localhost:8080/_ah/login?continue=http://localhost:8080/'],
    ['/фубар', '/%d1%84%d1%83%d0%b1%d0%b0%d1%80'],
    ['http://foo.com/фубар', 'http://foo.com/%d1%84%d1%83%d0%b1%d0%b0%d1%80'],
  ])('%s', (to, want) => {
    const w = newRecorder();
    redirect(w, newRequest('GET', 'http://example.com/qux/'), to, 302);
    expect(w.code).toBe(302);
    expect(w.header().get('Location')).toBe(want);
  });
});

describe('redirect: Content-Type and body (TestRedirectContentTypeAndBody)', () => {
  test.each([
    ['GET', undefined, 'text/html; charset=utf-8', '<a href="/foo">Found</a>.\n\n'],
    ['HEAD', undefined, 'text/html; charset=utf-8', ''],
    ['POST', undefined, '', ''],
    ['DELETE', undefined, '', ''],
    ['foo', undefined, '', ''],
    ['GET', ['application/test'], 'application/test', ''],
    ['GET', [], '', ''],
    ['GET', null, '', ''],
  ] as const)('%s with Content-Type %j', (method, ct, wantCT, wantBody) => {
    const w = newRecorder();
    if (ct !== undefined) w.header().setRaw('Content-Type', ct === null ? null : [...ct]);
    redirect(w, newRequest(method, 'http://example.com/qux/'), '/foo', 302);
    expect(w.code).toBe(302);
    expect(w.header().get('Content-Type')).toBe(wantCT);
    expect(w.body.toString()).toBe(wantBody);
  });
});

test('a bad request path does not crash (TestRedirectBadPath)', () => {
  const u = new URL();
  u.scheme = 'http';
  u.path = 'not-empty-but-no-leading-slash';
  const r = new Request('GET', u);
  const w = newRecorder();
  redirect(w, r, '', 304);
  expect(w.code).toBe(304);
});

test('redirectHandler', async () => {
  const w = newRecorder();
  await redirectHandler('/there?x=<1>', 307).serveHTTP(w, newRequest('GET', '/here'));
  expect([w.code, w.header().get('Location')]).toEqual([307, '/there?x=<1>']);
  expect(w.body.toString()).toBe('<a href="/there?x=&lt;1&gt;">Temporary Redirect</a>.\n\n');
});
