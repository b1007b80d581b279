import { ServeMux } from 'nethttp';
import { inject } from 'nethttp/httptest';

const mux = new ServeMux();
mux.handleFunc('GET /users/{id}', (w, r) => w.write(`user ${r.pathValue('id')}`));

test('inject', async () => {
  const res = await inject(mux, { method: 'GET', url: '/users/7' });
  expect(res.statusCode).toBe(200);
  expect(res.payload).toBe('user 7');
  const chained = await inject(mux).get('/users/8').headers({ accept: 'text/plain' });
  expect(chained.payload).toBe('user 8');
});
