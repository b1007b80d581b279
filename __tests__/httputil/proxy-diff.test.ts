/**
 * nethttp's ReverseProxy against Go's httputil.ReverseProxy, byte for byte (Date values and ports masked): for
 * each request of the table, the response the client reads and the request the backend sees must equal what
 * __tests__/proxy.golden.json recorded with Go's proxy in front of Go's backend (streaming, trailers, 502
 * included). The backend is the TypeScript one of proxy-backend.ts, which answers as Go's does; when Go 1.23 is
 * at hand (`go` on PATH, or GO naming it) the Go backend itself is used too (live mode).
 */

import { execFileSync } from 'node:child_process';
import * as fsn from 'node:fs';
import * as path from 'node:path';
import { Server, listen } from '../../src';
import { buildOracle, startOracle } from '../go-oracle';
import { startBackend } from './proxy-backend';
import { deadAddr, play, proxyCases, proxyHandler, type ProxyGolden } from './proxy-cases';

const goldens = JSON.parse(fsn.readFileSync(path.join(__dirname, '..', 'proxy.golden.json'), 'utf8')) as ProxyGolden[];

// The documented differences (docs/proxy.md), both in the Connection field undici writes itself: on an
// ordinary request it sends `connection: keep-alive` where Go's transport sends none, and on an upgrade it sends
// `connection: upgrade` where Go's sends `Connection: Upgrade` (values are compared as sent). Everything else is
// compared as recorded.
function withoutUndiciConnection(view: string | null): string | null {
  if (view === null) return null;
  if (/^Upgrade: /m.test(view)) {
    expect(view).toMatch(/^Connection: upgrade\n/m);
    return view.replace(/^Connection: upgrade\n/m, 'Connection: Upgrade\n');
  }
  const line = /^Connection: keep-alive\n/m;
  expect(view).toMatch(line);
  return view.replace(line, '');
}

async function compare(backendAddr: string): Promise<void> {
  const server = new Server({ handler: proxyHandler(backendAddr, await deadAddr()) });
  const ln = await listen('tcp', '127.0.0.1:0');
  void server.serve(ln).catch(() => undefined);
  try {
    const got = await play(ln.addr().port, backendAddr);
    const ours = got.map((g) => ({ ...g, backend: withoutUndiciConnection(g.backend) }));
    for (let i = 0; i < goldens.length; i++) {
      expect({ id: ours[i].id, client: ours[i].client }).toEqual({ id: goldens[i].id, client: goldens[i].client });
      expect({ id: ours[i].id, backend: ours[i].backend }).toEqual({ id: goldens[i].id, backend: goldens[i].backend });
    }
    expect(ours.length).toBe(goldens.length);
  } finally {
    await server.close();
  }
}

test('the goldens cover the table and were recorded with these requests', () => {
  expect(goldens.map((g) => [g.id, g.request])).toEqual(proxyCases());
  const byId = new Map(goldens.map((g) => [g.id, g]));
  // What the table is there to show, as Go answered it.
  expect(byId.get('backend-down')!.client).toBe('HTTP/1.1 502 Bad Gateway\r\nDate: DATE\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
  expect(byId.get('stream')!.client).toContain('Transfer-Encoding: chunked\r\n');
  expect(byId.get('trailers')!.client.endsWith('0\r\nX-Announced: a\r\n\r\n')).toBe(true);
  expect(byId.get('upgrade')!.client).toBe('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: x-echo\r\nX-Back: 1\r\n\r\npong:ping\n');
});

test('the same bytes as Go\'s ReverseProxy, in front of a backend that answers as Go\'s', async () => {
  const backend = await startBackend();
  try {
    await compare(backend.addr);
  } finally {
    await backend.close();
  }
}, 60_000);

function haveGo(): boolean {
  try {
    execFileSync(process.env.GO ?? 'go', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

(haveGo() ? test : test.skip)('live: the same bytes in front of Go\'s own backend', async () => {
  const bin = buildOracle('proxy-oracle');
  const back = await startOracle(bin, ['-role', 'backend']);
  try {
    await compare(`127.0.0.1:${back.port}`);
  } finally {
    back.child.kill();
  }
}, 120_000);
