/**
 * End-to-end route mix: the GitHub API route set (226 routes) served by the native Server's ServeMux and by
 * Go 1.23's (GOMAXPROCS=1), each handler writing its pattern; wrk plays every route's request round-robin.
 * Server on core 0, wrk on core 1; medians of `--runs`. Usage: node dist/bench/router/e2e.js [--duration 5] [--runs 3]
 */

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildGo, has, interleave, median, opt, ratio, type Target } from '../harness';
import { githubRoutes } from './github-routes';
import { goPattern, routeMix } from './mix';

const duration = opt('duration', 5);
const connections = opt('connections', 50);
const runs = opt('runs', 3);
const root = path.resolve(__dirname, '..', '..', '..');

async function main(): Promise<void> {
  if (!has('wrk')) {
    console.error('wrk is required (Debian: apt-get install -y wrk)');
    process.exit(2);
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nethttp-mix-'));
  const routes = path.join(dir, 'routes.json');
  writeFileSync(routes, JSON.stringify({ patterns: githubRoutes.map(([m, p]) => goPattern(m, p)) }));
  const mix = routeMix();
  const script = path.join(dir, 'mix.lua');
  writeFileSync(
    script,
    `local reqs = {${mix.map((r) => `{${JSON.stringify(r.method)},${JSON.stringify(r.path)}}`).join(',')}}\n` +
      // Formatted once in init: formatting per request in Lua would make wrk the bottleneck.
      'local raw = {}\nlocal i = 0\ninit = function(args)\n  for k, r in ipairs(reqs) do raw[k] = wrk.format(r[1], r[2]) end\nend\n' +
      'request = function()\n  i = i % #raw + 1\n  return raw[i]\nend\n',
  );
  const targets: Target[] = [{ name: 'nethttp native', cmd: process.execPath, argv: [path.join(__dirname, 'mix-server.js'), routes] }];
  const go = buildGo(root, 'mix.go', 'mix');
  if (go !== null) targets.push({ name: 'Go 1.23 (GOMAXPROCS=1)', cmd: go, argv: [routes], env: { ...process.env, GOMAXPROCS: '1' } });
  const measured = await interleave(targets, { duration, connections, runs, script });
  const results = measured.map((m) => ({ name: m.name, rps: median(m.rps), p99ms: median(m.p99), ratio: ratio(m, measured[0]) }));
  console.log(`route mix: ${githubRoutes.length} routes, ${mix.length} requests round-robin, wrk -t1 -c${connections} -d${duration}s, ${runs} interleaved rounds (ratio: median of per-round ratios)`);
  for (const r of results) console.log(r.name.padEnd(26) + r.rps.toFixed(0).padStart(10) + r.p99ms.toFixed(2).padStart(9) + '  ' + r.ratio.toFixed(2) + 'x');
  const out = path.join(root, 'bench', 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, 'route-mix.json'), JSON.stringify({ date: new Date().toISOString(), duration, connections, runs, results }, null, 2));
}

void main();
