/**
 * 10,000 concurrent keep-alive connections: each server (pinned to core 0) gets N connections from one client
 * process (core 1) that sends a request on each and keeps them open. Reported: the server's resident set before
 * and with all connections open, the cost per connection, and the time of one round in which every connection
 * sends a request at once. Usage: node dist/bench/connections.js [--connections 10000]
 * Needs `ulimit -n` above N + 100 for both processes.
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { buildGo, start, type Target } from './harness';

const args = process.argv.slice(2);
const i = args.indexOf('--connections');
const count = i >= 0 ? Number(args[i + 1]) : 10_000;
const here = __dirname;
const root = path.resolve(here, '..', '..');

function rssKiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

function lines(child: ChildProcess): () => Promise<string> {
  const rl = readline.createInterface({ input: child.stdout! });
  const queue: string[] = [];
  const waiters: Array<(l: string) => void> = [];
  rl.on('line', (l) => {
    const w = waiters.shift();
    if (w) w(l);
    else queue.push(l);
  });
  return () => (queue.length ? Promise.resolve(queue.shift()!) : new Promise((r) => waiters.push(r)));
}

async function measure(t: Target): Promise<Record<string, number | string>> {
  const { child, url } = await start(t);
  try {
    const port = new URL(url).port;
    // Let the server settle, then take the baseline.
    await new Promise((r) => setTimeout(r, 500));
    const before = rssKiB(child.pid!);
    const client = spawn('taskset', ['-c', '1', process.execPath, path.join(here, 'conn-client.js'), port, String(count)], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const next = lines(client);
    const [, openMs, open, failed] = (await next()).split(' ');
    await new Promise((r) => setTimeout(r, 1000));
    const idle = rssKiB(child.pid!);
    client.stdin!.write('go\n');
    const [, roundMs, answered] = (await next()).split(' ');
    const after = rssKiB(child.pid!);
    client.stdin!.write('close\n');
    await new Promise((r) => client.once('exit', r));
    return {
      server: t.name,
      open: Number(open),
      failed: Number(failed),
      openMs: Number(openMs),
      rssBeforeMiB: +(before / 1024).toFixed(1),
      rssOpenMiB: +(idle / 1024).toFixed(1),
      perConnKiB: +((idle - before) / Number(open)).toFixed(2),
      roundMs: Number(roundMs),
      answered: Number(answered),
      rssAfterRoundMiB: +(after / 1024).toFixed(1),
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
  }
}

async function main(): Promise<void> {
  const targets: Target[] = [
    { name: 'node:http', cmd: process.execPath, argv: [path.join(here, 'servers', 'node-hello.js')] },
    { name: 'nethttp native', cmd: process.execPath, argv: [path.join(here, 'servers', 'native-hello.js')] },
  ];
  const hello = buildGo(root, 'hello.go', 'hello');
  if (hello !== null) targets.push({ name: 'Go 1.23 (GOMAXPROCS=1)', cmd: hello, argv: [], env: { ...process.env, GOMAXPROCS: '1' } });
  const rows = [];
  for (const t of targets) rows.push(await measure(t));
  console.log(`${count} concurrent keep-alive connections, one request each, then one round of ${count} requests at once`);
  console.log('server'.padEnd(24) + 'open'.padStart(7) + 'RSS idle'.padStart(10) + 'RSS open'.padStart(10) + 'KiB/conn'.padStart(10) + 'round ms'.padStart(10) + 'answered'.padStart(10));
  for (const r of rows) {
    console.log(
      String(r.server).padEnd(24) + String(r.open).padStart(7) + `${r.rssBeforeMiB}M`.padStart(10) + `${r.rssOpenMiB}M`.padStart(10) +
        String(r.perConnKiB).padStart(10) + String(r.roundMs).padStart(10) + String(r.answered).padStart(10),
    );
  }
  const base = rows.find((r) => r.server === 'node:http')!;
  const nat = rows.find((r) => r.server === 'nethttp native')!;
  console.log(`native per-connection cost vs node:http: ${(Number(nat.perConnKiB) / Number(base.perConnKiB)).toFixed(2)}x`);
  mkdirSync(path.join(root, 'bench', 'results'), { recursive: true });
  writeFileSync(path.join(root, 'bench', 'results', 'connections.json'), JSON.stringify({ date: new Date().toISOString(), count, rows }, null, 2));
}

void main();
