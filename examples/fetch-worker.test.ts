import { ServeMux, toFetch, writeJSON } from 'nethttp/adapters/fetch';

const mux = new ServeMux();
mux.handleFunc('GET /api/time', (w) => writeJSON(w, 200, { now: 0 }));
mux.handleFunc('POST /api/echo', async (w, r) => void w.write(await r.body.readAll()));

// A module Worker (Cloudflare Workers, Deno, Bun): everything comes from nethttp/adapters/fetch, which loads no
// node: module.
const worker = { fetch: toFetch(mux) };

test('the same mux as a Worker\'s fetch handler', async () => {
  const res = await worker.fetch(new Request('https://example.com/api/time'));
  expect([res.status, res.headers.get('content-type'), await res.json()]).toEqual([200, 'application/json', { now: 0 }]);
  const echo = await worker.fetch(new Request('https://example.com/api/echo', { method: 'POST', body: 'ping' }));
  expect(await echo.text()).toBe('ping');
});
