/**
 * The examples of docs/coming-from-express.md run here, through inject and on a real server; each block of that page
 * is the file of the same name in examples/from-express/, word for word.
 */

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { inject, newServer } from 'nethttp/httptest';
import * as errors from './from-express/errors';
import * as asyncWork from './from-express/async-work';
import * as streaming from './from-express/streaming';
import * as json from './from-express/json';
import * as accessLog from './from-express/access-log';
import * as shutdown from './from-express/shutdown';

const quiet = (): { lines: string[]; error(m: string): void } => {
  const lines: string[] = [];
  return { lines, error: (m) => void lines.push(m) };
};

test('every block of docs/coming-from-express.md is its example file', () => {
  const doc = readFileSync(path.join(__dirname, '..', 'docs', 'coming-from-express.md'), 'utf8');
  const blocks = [...doc.matchAll(/<!-- example: (\S+) -->\n```ts\n([\s\S]*?)```/g)];
  expect(blocks.map((b) => b[1]).sort()).toEqual(['access-log', 'async-work', 'errors', 'json', 'shutdown', 'streaming']);
  for (const [, name, code] of blocks) {
    expect([name, code]).toEqual([name, readFileSync(path.join(__dirname, 'from-express', `${name}.ts`), 'utf8')]);
  }
});

test('errors: thrown errors become answers', async () => {
  const log = quiet();
  const send = (method: 'GET' | 'POST', url: string, payload?: string) => inject(errors.handler, { method, url, payload }, { errorLog: log });
  const ok = await send('GET', '/users/7');
  expect([ok.statusCode, ok.json()]).toEqual([200, { id: '7', name: 'Ann' }]);
  const missing = await send('GET', '/users/9');
  expect([missing.statusCode, missing.payload]).toEqual([404, 'no such user\n']);
  const bad = await send('POST', '/users', '{nope');
  expect(bad.statusCode).toBe(400);
  expect(bad.payload).toMatch(/^malformed JSON/);
  expect((await send('POST', '/users', '{}')).statusCode).toBe(422);
  expect((await send('POST', '/users', '{"name":"Bo"}')).statusCode).toBe(201);
  const crash = await send('GET', '/crash');
  expect([crash.statusCode, crash.payload]).toEqual([500, 'Internal Server Error\n']);
  expect(log.lines.some((l) => l.startsWith('http: panic serving') && l.includes('database is down'))).toBe(true);
});

test('async work: awaited work and a middleware that returns next', async () => {
  const file = await inject(asyncWork.handler, '/file');
  expect([file.statusCode, file.headers['x-powered-by'], file.payload]).toEqual([200, 'nethttp', "import { readFile } from 'node:fs/promises';"]);
  const later = await inject(asyncWork.handler, '/later');
  expect([later.headers['x-powered-by'], later.payload]).toEqual(['nethttp', 'done']);
});

test('streaming: a file, a Node stream and a web stream, on a real server', async () => {
  const ts = await newServer(streaming.mux);
  try {
    const file = await fetch(ts.url + '/file');
    expect(await file.text()).toBe(readFileSync(path.join(__dirname, 'from-express', 'streaming.ts'), 'utf8'));
    expect(await (await fetch(ts.url + '/lines')).text()).toBe('one\ntwo\nthree\n');
    expect(await (await fetch(ts.url + '/web')).text()).toBe('from a web stream\n');
  } finally {
    await ts.close();
  }
});

test('JSON: readJSON, writeJSON and r.body.text()', async () => {
  const ok = await inject(json.mux, { method: 'POST', url: '/echo', payload: { msg: 'hi' } });
  expect(ok.json()).toEqual({ echoed: 'hi' });
  const wrongType = await inject(json.mux, { method: 'POST', url: '/echo', payload: '{"msg":"hi"}', headers: { 'content-type': 'text/plain' } });
  expect(wrongType.statusCode).toBe(415);
  const shout = await inject(json.mux, { method: 'POST', url: '/shout', payload: 'héllo' });
  expect(shout.payload).toBe('HÉLLO');
});

test('access log: the status and size through WrappedWriter', async () => {
  accessLog.lines.length = 0;
  await inject(accessLog.handler, '/hello');
  await inject(accessLog.handler, { method: 'POST', url: '/things' });
  expect(accessLog.lines.map((l) => l.replace(/ \d+ms$/, ''))).toEqual(['GET /hello 200 5B', 'POST /things 201 0B']);
});

test('shutdown: listenAndServe without await, boundAddr, shutdown then close', async () => {
  const { srv, port } = await shutdown.start();
  expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('hello');
  await shutdown.stop(srv);
  await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
});
