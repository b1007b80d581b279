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
