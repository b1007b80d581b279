/**
 * Hello-world keep-alive benchmark: nethttp's native server, raw node:http, a bare node:net responder, the
 * requestListener carrier (when present) and Go 1.23 (GOMAXPROCS=1, when Go is installed), measured in one run.
 * Servers are pinned to core 0, wrk to core 1; each server is measured `--runs` times, the median is reported
 * with its ratio to node:http. Usage: npm run bench -- [--duration 10] [--connections 50] [--runs 3]
 */

import { execFileSync } from 'node:child_process';
import { buildGo, has, median, start, wrk, type Target } from './harness';
import { existsSync, mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const args = process.argv.slice(2);
function opt(name: string, def: number): number {
  const i = args.indexOf('--' + name);
  return i >= 0 ? Number(args[i + 1]) : def;
}
const duration = opt('duration', 10);
const connections = opt('connections', 50);
const runs = opt('runs', 3);
const here = __dirname; // dist/bench
const root = path.resolve(here, '..', '..');

function targets(): Target[] {
  const t: Target[] = [
    { name: 'node:http', cmd: process.execPath, argv: [path.join(here, 'servers', 'node-hello.js')] },
    { name: 'nethttp native', cmd: process.execPath, argv: [path.join(here, 'servers', 'native-hello.js')] },
    { name: 'node:net bare', cmd: process.execPath, argv: [path.join(here, 'servers', 'net-hello.js')] },
  ];
  const rl = path.join(here, 'servers', 'listener-hello.js');
  if (existsSync(rl)) t.push({ name: 'requestListener(mux)', cmd: process.execPath, argv: [rl] });
  const hello = buildGo(root, 'hello.go', 'hello');
  if (hello !== null) {
    t.push({ name: 'Go 1.23 (GOMAXPROCS=1)', cmd: hello, argv: [], env: { ...process.env, GOMAXPROCS: '1' } });
  } else {
    console.error('note: Go not found; the Go column is skipped');
  }
  return t;
}

async function main(): Promise<void> {
  if (!has('wrk')) {
    console.error('wrk is required (Debian: apt-get install -y wrk)');
    process.exit(2);
  }
  const results: Array<{ name: string; rps: number; p99ms: number }> = [];
  for (const t of targets()) {
    const { child, url } = await start(t);
    try {
      wrk(url, 2, connections); // warm-up, discarded
      const rs: number[] = [];
      const ps: number[] = [];
      for (let i = 0; i < runs; i++) {
        const r = wrk(url, duration, connections);
        rs.push(r.rps);
        ps.push(r.p99ms);
      }
      results.push({ name: t.name, rps: median(rs), p99ms: median(ps) });
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  }
  const base = results.find((r) => r.name === 'node:http')!.rps;
  console.log(`hello-world keep-alive, wrk -t1 -c${connections} -d${duration}s, median of ${runs}; server on core 0, wrk on core 1`);
  console.log('server'.padEnd(26) + 'req/s'.padStart(12) + 'p99 ms'.padStart(10) + '  vs node:http');
  for (const r of results) {
    console.log(r.name.padEnd(26) + r.rps.toFixed(0).padStart(12) + r.p99ms.toFixed(2).padStart(10) + ('  ' + (r.rps / base).toFixed(2) + 'x'));
  }
  const outDir = path.join(root, 'bench', 'results');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, 'latest.json'), JSON.stringify({ date: new Date().toISOString(), duration, connections, runs, results }, null, 2));
}

void main();
