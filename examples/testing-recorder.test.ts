import { ServeMux } from 'nethttp';
import { newRecorder, newRequest } from 'nethttp/httptest';

const mux = new ServeMux();
mux.handleFunc('GET /users/{id}', (w, r) => {
  w.header().set('Content-Type', 'application/json');
  w.write(JSON.stringify({ id: r.pathValue('id') }));
});

test('405 with Allow', async () => {
  const w = newRecorder();
  await mux.serveHTTP(w, newRequest('DELETE', '/users/7'));
  expect(w.code).toBe(405);
  expect(w.result().header.get('Allow')).toBe('GET, HEAD');
});
