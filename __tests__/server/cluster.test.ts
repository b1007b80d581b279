/**
 * Cluster mode (src/server/cluster.ts) end to end: a real primary with 2 workers in a child process (built into dist/).
 * Workers share the listen socket, a crashed worker is replaced, SIGTERM drains every worker (requests in flight
 * complete in full, new connections are refused, the primary exits 0), and a worker that cannot start fails the
 * cluster with WorkerExitError instead of being forked in a loop.
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';

const script = path.resolve(__dirname, '..', '..', 'dist', '__tests__', 'fixtures', 'cluster-server.js');

interface App {
  child: ChildProcess;
  port: number;
  out: () => string;
  exited: Promise<number | null>;
}

function startApp(mode: string): Promise<App> {
  if (!existsSync(script)) throw new Error(`${script} is missing: run npm run build (npm test does)`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, '2', mode], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const timer = setTimeout(() => reject(new Error('no listening line: ' + out)), 15000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, port: Number(m[1]), out: () => out, exited });
      }
      if (/ready failed/.test(out)) {
        clearTimeout(timer);
        resolve({ child, port: 0, out: () => out, exited });
      }
    });
  });
}

function get(port: number, p: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: p, agent: false }, (res) => {
      let body = '';
      res.setEncoding('latin1');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error('timeout')));
  });
}

async function pids(port: number, n: number): Promise<Set<string>> {
  const seen = new Set<string>();
  for (let i = 0; i < n; i++) seen.add((await get(port, '/pid')).body);
  return seen;
}

let app: App | null = null;
afterEach(async () => {
  if (app !== null && app.child.exitCode === null && app.child.signalCode === null) {
    app.child.kill('SIGKILL');
    await app.exited;
  }
  app = null;
});

describe('runCluster', () => {
  test('2 workers share the listen socket; a crashed worker is replaced', async () => {
    app = await startApp('ok');
    const first = await pids(app.port, 20);
    expect(first.size).toBe(2);
    await get(app.port, '/crash').catch(() => undefined);
    let now = new Set<string>();
    for (let i = 0; i < 50; i++) {
      now = await pids(app.port, 6).catch(() => new Set<string>());
      if (now.size === 2 && [...now].some((p) => !first.has(p))) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(now.size).toBe(2);
    expect([...now].filter((p) => !first.has(p))).toHaveLength(1);
    expect(app.out()).toMatch(/log: nethttp: cluster worker \d+ exited \(code 3\); starting a new one/);
  }, 20000);

  test('SIGTERM drains every worker: requests in flight complete in full, new connections are refused, exit 0', async () => {
    app = await startApp('ok');
    const port = app.port;
    // Four slow requests on their own connections; round-robin spreads them over both workers.
    const slow = Array.from({ length: 4 }, () => get(port, '/slow?ms=700'));
    await new Promise((r) => setTimeout(r, 200));
    app.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 200));
    const refused = await get(port, '/pid').then(
      () => false,
      (e: NodeJS.ErrnoException) => e.code === 'ECONNREFUSED',
    );
    expect(refused).toBe(true);
    const replies = await Promise.all(slow);
    for (const r of replies) {
      expect(r.status).toBe(200);
      expect(r.body).toBe('begin end ' + 'x'.repeat(10000));
    }
    expect(await app.exited).toBe(0);
  }, 20000);

  test('a worker that cannot start fails the cluster with WorkerExitError', async () => {
    app = await startApp('fail-start');
    expect(await app.exited).toBe(1);
    expect(app.out()).toMatch(/ready failed: WorkerExitError: nethttp: cluster worker \d+ exited before listening \(code 1\)/);
    // Not forked in a loop: one failure line per worker at most.
    expect(app.out().match(/exited before listening/g)!.length).toBeLessThanOrEqual(2);
  }, 20000);
});
