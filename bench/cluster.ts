/**
 * Cluster benchmark: hello-world keep-alive on 1 process vs 2 node:cluster workers, for nethttp's native server
 * (runCluster) and for raw node:http (node:cluster), with Go 1.23 at GOMAXPROCS=1 and 2 as the reference.
 * The machine has 2 cores and wrk needs one: single processes are pinned to core 0 and wrk to core 1, but the
 * 2-worker clusters (and Go with 2 threads) run on both cores, so they share core 1 with wrk. The ratio is what
 * a second worker buys on this machine, not what it buys on a machine with a spare core.
 * Usage: node dist/bench/cluster.js [--duration 10] [--connections 100] [--runs 3]
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildGo, has, interleave, median, opt, ratio, type Target } from './harness';

const duration = opt('duration', 10);
const connections = opt('connections', 100);
const runs = opt('runs', 3);
const here = __dirname;
const root = path.resolve(here, '..', '..');
const clusterHello = path.join(here, 'servers', 'cluster-hello.js');

async function main(): Promise<void> {
  if (!has('wrk')) {
    console.error('wrk is required (Debian: apt-get install -y wrk)');
    process.exit(2);
  }
  const pairs: Array<{ name: string; one: Target; two: Target }> = [
    {
      name: 'nethttp native',
      one: { name: 'native x1', cmd: process.execPath, argv: [path.join(here, 'servers', 'native-hello.js')] },
      two: { name: 'native cluster x2', cmd: process.execPath, argv: [clusterHello, '2', 'native'], cpus: '0,1' },
    },
    {
      name: 'node:http',
      one: { name: 'node:http x1', cmd: process.execPath, argv: [path.join(here, 'servers', 'node-hello.js')] },
      two: { name: 'node:http cluster x2', cmd: process.execPath, argv: [clusterHello, '2', 'node'], cpus: '0,1' },
    },
  ];
  const hello = buildGo(root, 'hello.go', 'hello');
  if (hello !== null) {
    pairs.push({
      name: 'Go 1.23',
      one: { name: 'Go GOMAXPROCS=1', cmd: hello, argv: [], env: { ...process.env, GOMAXPROCS: '1' } },
      two: { name: 'Go GOMAXPROCS=2', cmd: hello, argv: [], env: { ...process.env, GOMAXPROCS: '2' }, cpus: '0,1' },
    });
  }
  const measured = await interleave(
    pairs.flatMap((p) => [p.one, p.two]),
    { duration, connections, runs },
  );
  const rows = pairs.map((p, k) => {
    const [one, two] = [measured[2 * k], measured[2 * k + 1]];
    return { name: p.name, one: median(one.rps), two: median(two.rps), ratio: ratio(two, one) };
  });
  console.log(`hello-world keep-alive, wrk -t1 -c${connections} -d${duration}s on core 1, ${runs} interleaved rounds (ratio: median of per-round ratios)`);
  console.log('server'.padEnd(18) + '1 process'.padStart(12) + '2 workers'.padStart(12) + '  ratio');
  for (const r of rows) console.log(r.name.padEnd(18) + r.one.toFixed(0).padStart(12) + r.two.toFixed(0).padStart(12) + '  ' + r.ratio.toFixed(2) + 'x');
  const outDir = path.join(root, 'bench', 'results');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, 'cluster.json'), JSON.stringify({ date: new Date().toISOString(), duration, connections, runs, rows }, null, 2));
}

void main();
