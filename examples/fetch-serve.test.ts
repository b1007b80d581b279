import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { ServeMux, newResponseController, toFetch } from 'nethttp/adapters/fetch';

const mux = new ServeMux();
mux.handleFunc('GET /hello/{name}', (w, r) => void w.write(`hello, ${r.pathValue('name')}\n`));
mux.handleFunc('GET /events', async (w, r) => {
  const rc = newResponseController(w);
  w.header().set('Content-Type', 'text/event-stream');
  for (let i = 1; i <= 3 && !r.context().err(); i++) {
    w.write(`data: ${i}\n\n`);
    rc.flush(); // this event reaches the client now
    await rc.drained(); // and the next waits until the client took it
  }
});

test('a ServeMux on @hono/node-server through toFetch', async () => {
  const server = serve({ fetch: toFetch(mux), port: 0, hostname: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const res = await fetch(base + '/hello/gopher');
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8'); // sniffed, as Go does
    expect(await res.text()).toBe('hello, gopher\n');
    expect(await (await fetch(base + '/events')).text()).toBe('data: 1\n\ndata: 2\n\ndata: 3\n\n');
  } finally {
    server.close();
  }
});
