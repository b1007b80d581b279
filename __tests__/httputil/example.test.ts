/** examples/reverse-proxy.ts: the gateway of docs/proxy.md in front of two nethttp services. */

import { ServeMux } from '../../src';
import { gateway } from '../../examples/reverse-proxy';
import { serveOn } from '../raw-client';

test('the gateway routes /api/ with the client\'s Host and /users/ with the backend\'s, and answers 503 when users is down', async () => {
  const api = new ServeMux();
  api.handleFunc('GET /v1/items', (w, r) => void w.write(`items for ${r.host} via ${r.header.get('X-Forwarded-For')}\n`));
  const users = new ServeMux();
  users.handleFunc('GET /users/{id}', (w, r) => void w.write(`user ${r.pathValue('id')} host=${r.host} fwd-host=${r.header.get('X-Forwarded-Host')} proto=${r.header.get('X-Forwarded-Proto')}\n`));
  const a = await serveOn(api);
  const u = await serveOn(users);
  const g = await serveOn(gateway(`http://127.0.0.1:${a.port}`, `http://127.0.0.1:${u.port}`));
  try {
    const items = await fetch(`http://127.0.0.1:${g.port}/api/items`);
    expect(items.headers.get('x-served-by')).toBe('api');
    expect(await items.text()).toBe(`items for 127.0.0.1:${g.port} via 127.0.0.1\n`);
    const user = await fetch(`http://127.0.0.1:${g.port}/users/7`);
    expect(await user.text()).toBe(`user 7 host=127.0.0.1:${u.port} fwd-host=127.0.0.1:${g.port} proto=http\n`);
    await u.srv.close();
    const down = await fetch(`http://127.0.0.1:${g.port}/users/7`);
    expect(down.status).toBe(503);
    expect(await down.text()).toMatch(/^users service unavailable: /);
  } finally {
    await g.srv.close();
    await a.srv.close();
  }
});
