/**
 * End-to-end route mix: the GitHub API route set (226 routes) served by the native Server's ServeMux and by
 * Go 1.23's (GOMAXPROCS=1), each handler writing its pattern; wrk plays every route's request round-robin.
 * Server on core 0, wrk on core 1; medians of `--runs`. Usage: node dist/bench/router/e2e.js [--duration 5] [--runs 3]
 */

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildGo, has, median, start, wrk, type Target } from '../harness';
import { githubRoutes } from './github-routes';
import { goPattern, routeMix } from './mix';

const args = process.argv.slice(2);
const opt = (name: string, def: number): number => {
  const i = args.indexOf('--' + name);
  return i >= 0 ? Number(args[i + 1]) : def;
};
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
      'local i = 0\nrequest = function()\n  i = i % #reqs + 1\n  return wrk.format(reqs[i][1], reqs[i][2])\nend\n',
  );
  const targets: Target[] = [{ name: 'nethttp native', cmd: process.execPath, argv: [path.join(__dirname, 'mix-server.js'), routes] }];
  const go = buildGo(root, 'mix.go', 'mix');
  if (go !== null) targets.push({ name: 'Go 1.23 (GOMAXPROCS=1)', cmd: go, argv: [routes], env: { ...process.env, GOMAXPROCS: '1' } });
  const results: { name: string; rps: number; p99ms: number }[] = [];
  for (const t of targets) {
    const { child, url } = await start(t);
    try {
      wrk(url, 2, connections, script);
      const rs: number[] = [];
      const ps: number[] = [];
      for (let i = 0; i < runs; i++) {
        const r = wrk(url, duration, connections, script);
        rs.push(r.rps);
        ps.push(r.p99ms);
      }
      results.push({ name: t.name, rps: median(rs), p99ms: median(ps) });
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  }
  console.log(`route mix: ${githubRoutes.length} routes, ${mix.length} requests round-robin, wrk -t1 -c${connections} -d${duration}s, median of ${runs}`);
  for (const r of results) console.log(r.name.padEnd(26) + r.rps.toFixed(0).padStart(10) + r.p99ms.toFixed(2).padStart(9) + '  ' + (r.rps / results[0].rps).toFixed(2) + 'x');
  const out = path.join(root, 'bench', 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, 'route-mix.json'), JSON.stringify({ date: new Date().toISOString(), duration, connections, runs, results }, null, 2));
}

void main();
