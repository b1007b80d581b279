/** Request: path values set by the handler (MUX-82). */

import { ServeMux, type Request } from '../../src';
import { newRecorder, newRequest } from '../../adapters/httptest';

test('MUX-82: setPathValue replaces a wildcard of the matched pattern or stores one beside them', async () => {
  const mux = new ServeMux();
  let got: string[] = [];
  mux.handleFunc('GET /items/{id}', (_w, r: Request) => {
    r.setPathValue('id', 'replaced');
    r.setPathValue('extra', 'stored');
    got = [r.pathValue('id'), r.pathValue('extra'), r.pathValue('absent')];
  });
  await mux.serveHTTP(newRecorder(), newRequest('GET', '/items/7'));
  expect(got).toEqual(['replaced', 'stored', '']);
});

test('fields most requests leave unset are per request once set, and copies keep what the original set', async () => {
  const a = newRequest('GET', '/a');
  const b = newRequest('GET', '/b');
  expect(a.transferEncoding).toEqual([]);
  expect([a.form, a.postForm, a.multipartForm, a.tls]).toEqual([null, null, null, undefined]);
  a.transferEncoding = ['chunked'];
  a.setPathValue('x', '1');
  a.trailer.set('T', 'v');
  await a.parseForm();
  expect(b.transferEncoding).toEqual([]);
  expect(b.pathValue('x')).toBe('');
  expect(b.trailer.get('T')).toBe('');
  expect(b.form).toBeNull();
  // The empty list is shared: it is replaced, never grown in place.
  expect(() => b.transferEncoding.push('gzip')).toThrow(TypeError);
  const c = a.withContext(a.context());
  expect([c.transferEncoding, c.pathValue('x'), c.trailer.get('T'), c.form]).toEqual([['chunked'], '1', 'v', a.form]);
  const d = a.clone();
  d.transferEncoding.push('gzip');
  expect(a.transferEncoding).toEqual(['chunked']);
  const e = b.clone();
  e.transferEncoding.push('gzip');
  expect(b.transferEncoding).toEqual([]);
});
