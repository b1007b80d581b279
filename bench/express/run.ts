/**
 * Express bench: 20 routes served by Express 5's router vs the same routes on a ServeMux mounted as Express
 * middleware; wrk requests the 17 GET paths round-robin. Server on core 0, wrk on core 1; medians of `--runs`.
 * Usage: node dist/bench/express/run.js [--duration 5] [--connections 50] [--runs 3]
 */

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { has, interleave, median, opt, ratio, type Target } from '../harness';
import { getPaths } from './routes';

const duration = opt('duration', 5);
const connections = opt('connections', 50);
const runs = opt('runs', 3);

async function main(): Promise<void> {
  if (!has('wrk')) {
    console.error('wrk is required (Debian: apt-get install -y wrk)');
    process.exit(2);
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nethttp-bench-'));
  const script = path.join(dir, 'paths.lua');
  writeFileSync(script, `local paths = {${getPaths.map((p) => JSON.stringify(p)).join(',')}}\nlocal i = 0\nrequest = function()\n  i = i % #paths + 1\n  return wrk.format("GET", paths[i])\nend\n`);
  const targets: Target[] = [
    { name: 'Express 5 router', cmd: process.execPath, argv: [path.join(__dirname, 'express-router.js')] },
    { name: 'ServeMux in Express 5', cmd: process.execPath, argv: [path.join(__dirname, 'express-mux.js')] },
  ];
  const measured = await interleave(targets, { duration, connections, runs, script });
  const results = measured.map((m) => ({ name: m.name, rps: median(m.rps), p99ms: median(m.p99), ratio: ratio(m, measured[0]) }));
  console.log(`20-route app, ${getPaths.length} GET paths round-robin, wrk -t1 -c${connections} -d${duration}s, ${runs} interleaved rounds (ratio: median of per-round ratios)`);
  for (const r of results) console.log(r.name.padEnd(24) + r.rps.toFixed(0).padStart(10) + r.p99ms.toFixed(2).padStart(9) + '  ' + r.ratio.toFixed(2) + 'x');
  const out = path.join(__dirname, '..', '..', '..', 'bench', 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, 'express.json'), JSON.stringify({ date: new Date().toISOString(), duration, connections, runs, results }, null, 2));
}

void main();
