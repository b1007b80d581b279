/**
 * Hello-world keep-alive benchmark: nethttp's native server, raw node:http, a bare node:net responder, the
 * requestListener carrier (when present) and Go 1.23 (GOMAXPROCS=1, when Go is installed), measured in one run.
 * Servers are pinned to core 0, wrk to core 1; each server is measured `--runs` times, the median is reported
 * with the median of its per-round ratios to node:http. Usage: npm run bench -- [--duration 10] [--connections 50] [--runs 3]
 */

import { execFileSync } from 'node:child_process';
import { buildGo, has, interleave, median, opt, ratio, type Target } from './harness';
import { existsSync, mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

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
  const measured = await interleave(targets(), { duration, connections, runs });
  const base = measured.find((m) => m.name === 'node:http')!;
  const results = measured.map((m) => ({ name: m.name, rps: median(m.rps), p99ms: median(m.p99), ratio: ratio(m, base) }));
  console.log(`hello-world keep-alive, wrk -t1 -c${connections} -d${duration}s, ${runs} interleaved rounds; server on core 0, wrk on core 1`);
  console.log('server'.padEnd(26) + 'req/s'.padStart(12) + 'p99 ms'.padStart(10) + '  vs node:http (median of per-round ratios)');
  for (const r of results) {
    console.log(r.name.padEnd(26) + r.rps.toFixed(0).padStart(12) + r.p99ms.toFixed(2).padStart(10) + ('  ' + r.ratio.toFixed(2) + 'x'));
  }
  const outDir = path.join(root, 'bench', 'results');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, 'latest.json'), JSON.stringify({ date: new Date().toISOString(), duration, connections, runs, results }, null, 2));
}

void main();
