import { ServeMux, chain, handlerFunc, type Middleware } from 'nethttp';
import { inject } from 'nethttp/httptest';

// A middleware takes the next handler and returns a handler (Go's func(http.Handler) http.Handler).
const requestID: Middleware = (next) =>
  handlerFunc((w, r) => {
    w.header().set('X-Request-Id', r.header.get('X-Request-Id') || 'generated');
    return next.serveHTTP(w, r);
  });

// One that answers by itself and never calls next.
const requireToken: Middleware = (next) =>
  handlerFunc((w, r) => {
    if (r.header.get('Authorization') !== 'Bearer secret') {
      w.writeHeader(401);
      return;
    }
    return next.serveHTTP(w, r);
  });

const mux = new ServeMux();
mux.handleFunc('GET /hello', (w) => void w.write('hello\n'));

// chain(a, b)(h) is a(b(h)): requestID runs first, then requireToken, then the mux.
const app = chain(requestID, requireToken)(mux);

test('middleware runs in chain order', async () => {
  const denied = await inject(app, { method: 'GET', url: '/hello' });
  expect([denied.statusCode, denied.headers['x-request-id']]).toEqual([401, 'generated']);
  const ok = await inject(app, { method: 'GET', url: '/hello', headers: { authorization: 'Bearer secret' } });
  expect([ok.statusCode, ok.body]).toEqual([200, 'hello\n']);
});
