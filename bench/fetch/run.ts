/**
 * The fetch carrier and fromExpress against their peers, each pair in one run (interleaved rounds, servers pinned to
 * core 0, wrk to core 1):
 * - toFetch(mux) on @hono/node-server against a Hono app on the same @hono/node-server: GET / (text) and
 *   GET /users/7 (JSON);
 * - the native Server with fromExpress(cors()) against Express 5 with cors(): GET / with an Origin header.
 * Reports median req/s, the server's CPU µs per request, and the median of per-round ratios to the peer.
 * Usage: npm run bench:fetch -- [--duration 5] [--connections 50] [--runs 3]
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { has, interleaveCases, median, opt, ratio, type Case, type Measured, type Target } from '../harness';

const duration = opt('duration', 5);
const connections = opt('connections', 50);
const runs = opt('runs', 3);
const server = path.join(__dirname, 'server.js');
const target = (name: string, mode: string): Target => ({ name, cmd: process.execPath, argv: [server, mode] });

function report(title: string, res: Map<string, Measured[]>): object[] {
  const rows: object[] = [];
  console.log(`\n### ${title}\n`);
  console.log('| case | server | req/s | CPU µs/request | req/s ratio to the peer | CPU ratio | errors |\n| --- | --- | ---: | ---: | ---: | ---: | ---: |');
  for (const [c, ms] of res) {
    const peer = ms[0];
    for (const m of ms) {
      const cpuRatio = median(m.cpuUs.map((x, i) => x / peer.cpuUs[i]));
      const row = { case: c, name: m.name, rps: median(m.rps), cpuUs: median(m.cpuUs), ratio: ratio(m, peer), cpuRatio, errors: m.errors.reduce((a, b) => a + b, 0) };
      rows.push(row);
      console.log(`| ${c} | ${m.name} | ${row.rps.toFixed(0)} | ${row.cpuUs.toFixed(1)} | ${row.ratio.toFixed(2)}x | ${cpuRatio.toFixed(2)}x | ${row.errors} |`);
    }
  }
  return rows;
}

async function main(): Promise<void> {
  if (!has('wrk')) {
    console.error('wrk is required (Debian: apt-get install -y wrk)');
    process.exit(2);
  }
  const o = { duration, connections, runs };
  const fetchCases: Case[] = [{ name: 'text', path: '/' }, { name: 'json', path: '/users/7' }];
  const fetch = await interleaveCases([target('Hono on @hono/node-server', 'hono'), target('toFetch(mux) on @hono/node-server', 'tofetch')], fetchCases, o);
  const corsCases: Case[] = [{ name: 'cors', path: '/', headers: ['Origin: https://app.example'] }];
  const mw = await interleaveCases([target('Express 5 + cors()', 'express-cors'), target('native + fromExpress(cors())', 'native-cors')], corsCases, o);
  console.log(`wrk -t1 -c${connections} -d${duration}s, ${runs} interleaved rounds; ratio: median of per-round ratios (above 1: faster than the peer; CPU below 1: cheaper)`);
  const results = { fetch: report('toFetch against Hono', fetch), middleware: report('fromExpress(cors()) on the native Server against Express + cors', mw) };
  const out = path.join(__dirname, '..', '..', '..', 'bench', 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, 'fetch.json'), JSON.stringify({ date: new Date().toISOString(), duration, connections, runs, results }, null, 2));
}

void main();
