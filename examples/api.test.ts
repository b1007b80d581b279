/** Testing handlers without a socket: the example app's mux through light-my-request, and a recorder. */

import { ServeMux } from '../src';
import { inject, newRecorder, newRequest } from '../adapters/httptest';
import { buildApp } from './express-api';

const mux = new ServeMux();
mux.handleFunc('GET /users/{id}', (w, r) => {
  w.header().set('Content-Type', 'application/json');
  w.write(JSON.stringify({ id: r.pathValue('id') }));
});

test('inject a request into a handler', async () => {
  const res = await inject(mux, { method: 'GET', url: '/users/7' });
  expect(res.statusCode).toBe(200);
  expect(res.json()).toEqual({ id: '7' });
  expect(res.headers['content-length']).toBe('10');
});

test('call a handler with a recorder', async () => {
  const w = newRecorder();
  await mux.serveHTTP(w, newRequest('DELETE', '/users/7'));
  expect(w.code).toBe(405);
  expect(w.result().header.get('Allow')).toBe('GET, HEAD');
});

test('inject into the whole Express app: the mux and the Express routes side by side', async () => {
  const { default: lightInject } = await import('light-my-request');
  const app = buildApp();
  const hit = async (url: string) => {
    const r = await lightInject(app as never, { method: 'GET', url });
    return [r.statusCode, r.payload];
  };
  expect(await hit('/api/users/7')).toEqual([200, '{"id":"7"}']);
  expect(await hit('/api/orders/open')).toEqual([200, 'orders: open\n']);
  expect(await hit('/api/orders')).toEqual([200, 'orders: all\n']);
  expect(await hit('/api/legacy')).toEqual([200, 'still served by Express\n']);
  expect(await hit('/nope')).toEqual([404, 'not found\n']);
});
