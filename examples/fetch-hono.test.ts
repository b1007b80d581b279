import { Hono } from 'hono';
import { ServeMux, fromFetch } from 'nethttp/adapters/fetch';
import { newServer } from 'nethttp/httptest';

// An existing Hono app, its routes under /legacy.
const legacy = new Hono().basePath('/legacy');
legacy.get('/users/:id', (c) => c.json({ id: c.req.param('id'), from: 'hono' }));

// A Go-style mux takes the new routes and hands /legacy/ to the Hono app.
const mux = new ServeMux();
mux.handle('/legacy/', fromFetch(legacy.fetch));
mux.handleFunc('GET /users/{id}', (w, r) => void w.write(`user ${r.pathValue('id')} from nethttp\n`));

test('a Hono app mounted in a ServeMux on the native Server', async () => {
  const ts = await newServer(mux);
  try {
    expect(await (await fetch(ts.url + '/legacy/users/7')).json()).toEqual({ id: '7', from: 'hono' });
    expect(await (await fetch(ts.url + '/users/7')).text()).toBe('user 7 from nethttp\n');
  } finally {
    await ts.close();
  }
});
