/**
 * The workloads users judge a server by, each measured against every peer in one interleaved run (server on
 * core 0, load generator on core 1), one table per workload: req/s, MB/s, p99, the server's RSS, and the median of
 * per-round ratios to the workload's reference peer.
 *
 * - `ceiling`: hello-world keep-alive; nethttp against raw node:http, a bare node:net responder, Go, Fastify, Hono, Express.
 * - `api`: the GitHub API route set (226 routes) with JSON in and out, path values and a query value.
 * - `json`: writeJSON/readJSON against the same handler written by hand (the helpers must cost nothing).
 * - `static`: a file server over 1 KiB, 64 KiB and 4 MiB files, a conditional GET (304) and a Range request.
 * - `upload`: 256 MiB POST bodies read by the handler: MB/s and peak RSS.
 * - `connections`: 10,000 keep-alive connections at once, and 50 connections pipelining 16 requests each.
 *
 * Peers are started by the harness (bench/peers, bench/go/peers.go); Go 1.23 (GOMAXPROCS=1) joins when `$GO` or
 * `go` on PATH is Go 1.23. Usage: node dist/bench/workloads.js [--only api,static] [--duration 5] [--runs 3]
 * Results: bench/results/workloads.json and the tables on stdout (as docs/performance.md shows them).
 */

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildGo, has, interleaveCases, median, opt, rss, start, stop, type Case, type Measured, type Target } from './harness';
import { apiRoutes, sampleItem } from './peers/workload';
import { goPattern, samplePath } from './router/mix';

const duration = opt('duration', 5);
const runs = opt('runs', 3);
const connections = opt('connections', 50);
const onlyArg = process.argv.indexOf('--only');
const only = onlyArg >= 0 ? process.argv[onlyArg + 1].split(',') : ['ceiling', 'api', 'json', 'static', 'upload', 'connections'];
const here = __dirname;
const root = path.resolve(here, '..', '..');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'nethttp-workloads-'));
const peer = (f: string): string => path.join(here, 'peers', f);
const goBin = buildGo(root, 'peers.go', 'peers');
if (goBin === null) console.error('note: Go 1.23 not found ($GO or go on PATH); the Go rows are skipped');

const node = (name: string, file: string, ...argv: string[]): Target => ({ name, cmd: process.execPath, argv: [peer(file), ...argv] });
const native = (w: string, ...a: string[]): Target => node('nethttp native', 'nethttp.js', 'native', w, ...a);
const listener = (w: string, ...a: string[]): Target => node('requestListener(mux)', 'nethttp.js', 'listener', w, ...a);
const go = (w: string, ...a: string[]): Target[] =>
  goBin === null ? [] : [{ name: 'Go 1.23 (GOMAXPROCS=1)', cmd: goBin, argv: [w, ...a], env: { ...process.env, GOMAXPROCS: '1' } }];

interface Table {
  workload: string;
  title: string;
  base: string;
  rows: Array<{ server: string; case: string; rps: number; cpuUs: number; cpuRatio: number; mbps: number; p99ms: number; errors: number; rssMiB: number; peakMiB: number; ratio: number; mbRatio: number }>;
  targets: Array<{ what: string; got: number; want: number; byCpu: number }>;
}

const perRound = (m: Measured, b: Measured, k: 'rps' | 'mbps' | 'cpuUs'): number => median(m[k].map((x, i) => x / b[k][i]));

function table(workload: string, title: string, measured: Map<string, Measured[]>, base: string): Table {
  const rows: Table['rows'] = [];
  for (const [c, ms] of measured) {
    const b = ms.find((m) => m.name === base) ?? ms[0];
    for (const m of ms) {
      rows.push({
        server: m.name, case: c, rps: median(m.rps), cpuUs: median(m.cpuUs), cpuRatio: 1 / perRound(m, b, 'cpuUs'), mbps: median(m.mbps), p99ms: median(m.p99), errors: m.errors.reduce((a, x) => a + x, 0),
        rssMiB: m.rssKiB / 1024, peakMiB: m.peakKiB / 1024, ratio: perRound(m, b, 'rps'), mbRatio: perRound(m, b, 'mbps'),
      });
    }
  }
  return { workload, title, base, rows, targets: [] };
}

/**
 * A target check between two servers of one case: the median of per-round ratios of req/s (or MB/s), and the
 * same ratio judged by CPU time per request (b's over a's: what a's throughput would be on a core of its own).
 */
function pair(measured: Map<string, Measured[]>, c: string, a: string, b: string, want: number, what: string, k: 'rps' | 'mbps' = 'rps'): Table['targets'][number] {
  const ms = measured.get(c)!;
  const x = ms.find((m) => m.name === a);
  const y = ms.find((m) => m.name === b);
  return { what, want, got: x && y ? perRound(x, y, k) : NaN, byCpu: x && y ? 1 / perRound(x, y, 'cpuUs') : NaN };
}

function luaScript(name: string, body: string): string {
  const f = path.join(tmp, name);
  writeFileSync(f, body);
  return f;
}

async function ceiling(): Promise<Table> {
  const targets: Target[] = [
    node('node:http', 'node-http.js', 'hello'), native('hello'), node('node:net bare', '../servers/net-hello.js'), listener('hello'), ...go('hello'),
    node('Fastify 5', 'fastify.js', 'hello'), node('Hono 4 (node-server)', 'hono.js', 'hello'), node('Express 5', 'express.js', 'hello'),
  ];
  const m = await interleaveCases(targets, [{ name: 'hello' }], { duration, connections, runs });
  const t = table('ceiling', 'hello-world keep-alive', m, 'node:http');
  t.targets.push(pair(m, 'hello', 'nethttp native', 'node:net bare', 0.95, 'native / bare node:net'));
  t.targets.push(pair(m, 'hello', 'requestListener(mux)', 'node:http', 0.95, 'requestListener(mux) / node:http'));
  return t;
}

async function api(): Promise<Table> {
  const routesJSON = path.join(tmp, 'routes.json');
  writeFileSync(routesJSON, JSON.stringify(apiRoutes.map((r) => ({ ...r, pattern: goPattern(r.method, r.route) }))));
  // Every route once, with path values, a page and (POST, PUT, PATCH) a JSON body.
  const reqs = apiRoutes.map((r, i) => [r.method, `${samplePath(r.route, i)}?page=${(i % 5) + 1}&per_page=30`, r.hasBody ? JSON.stringify(sampleItem) : null] as const);
  const script = luaScript(
    'api.lua',
    `local reqs = {${reqs.map(([m, p, b]) => `{${JSON.stringify(m)},${JSON.stringify(p)}${b ? ',' + JSON.stringify(b) : ''}}`).join(',\n')}}\n` +
      // Formatted once in init: formatting per request in Lua would make wrk the bottleneck.
      'local json = {["Content-Type"] = "application/json"}\nlocal raw = {}\nlocal i = 0\n' +
      'init = function(args)\n  for k, r in ipairs(reqs) do\n    if r[3] then raw[k] = wrk.format(r[1], r[2], json, r[3]) else raw[k] = wrk.format(r[1], r[2]) end\n  end\nend\n' +
      'request = function()\n  i = i % #raw + 1\n  return raw[i]\nend\n',
  );
  const targets: Target[] = [
    native('api'), listener('api'), ...go('api', routesJSON), node('Fastify 5', 'fastify.js', 'api'), node('Fastify 5 + schema', 'fastify.js', 'api-schema'),
    node('Hono 4 (node-server)', 'hono.js', 'api'), node('Express 5', 'express.js', 'api'),
  ];
  const m = await interleaveCases(targets, [{ name: 'route mix', script }], { duration, connections, runs });
  const base = goBin !== null ? 'Go 1.23 (GOMAXPROCS=1)' : 'Fastify 5';
  const t = table('api', `JSON API: ${apiRoutes.length} routes round-robin, JSON in (POST/PUT/PATCH) and out`, m, base);
  t.targets.push(pair(m, 'route mix', 'nethttp native', 'Go 1.23 (GOMAXPROCS=1)', 1.2, 'native / Go'));
  t.targets.push(pair(m, 'route mix', 'nethttp native', 'Fastify 5', 1.5, 'native / Fastify'));
  t.targets.push(pair(m, 'route mix', 'nethttp native', 'Fastify 5 + schema', 1.5, 'native / Fastify + schema'));
  t.targets.push(pair(m, 'route mix', 'requestListener(mux)', 'Fastify 5', 1.0, 'requestListener(mux) / Fastify'));
  return t;
}

async function jsonHelpers(): Promise<Table> {
  const post = luaScript(
    'post.lua',
    `init = function(args)\n  req = wrk.format("POST", "/users/7", {["Content-Type"] = "application/json"}, ${JSON.stringify(JSON.stringify(sampleItem))})\nend\nrequest = function()\n  return req\nend\n`,
  );
  const targets: Target[] = [native('json-helpers'), native('json-hand')];
  targets[1].name = 'nethttp native, by hand';
  const m = await interleaveCases(targets, [{ name: 'GET writeJSON', path: '/users/7' }, { name: 'POST readJSON + writeJSON', script: post }], { duration, connections, runs });
  const t = table('json', 'writeJSON/readJSON against the same handler written by hand', m, 'nethttp native, by hand');
  t.targets.push(pair(m, 'GET writeJSON', 'nethttp native', 'nethttp native, by hand', 0.98, 'GET: helpers / by hand'));
  t.targets.push(pair(m, 'POST readJSON + writeJSON', 'nethttp native', 'nethttp native, by hand', 0.98, 'POST: helpers / by hand'));
  return t;
}

async function staticFiles(): Promise<Table> {
  const dir = path.join(tmp, 'www');
  mkdirSync(dir);
  const mtime = new Date(Date.UTC(2024, 0, 2, 3, 4, 5));
  for (const [f, n] of [['1k.bin', 1 << 10], ['64k.bin', 64 << 10], ['4m.bin', 4 << 20]] as const) {
    writeFileSync(path.join(dir, f), randomBytes(n));
    utimesSync(path.join(dir, f), mtime, mtime);
  }
  const cases: Case[] = [
    { name: '1 KiB', path: '/1k.bin' },
    { name: '64 KiB', path: '/64k.bin' },
    { name: '4 MiB', path: '/4m.bin', connections: 8 },
    { name: '304 (If-Modified-Since, 1 KiB)', path: '/1k.bin', headers: [`If-Modified-Since: ${mtime.toUTCString()}`] },
    { name: 'Range 1 KiB of 64 KiB', path: '/64k.bin', headers: ['Range: bytes=1024-2047'] },
  ];
  const targets: Target[] = [
    native('static', dir), ...go('static', dir), node('express.static (Express 5)', 'express.js', 'static', dir), node('@fastify/static', 'fastify.js', 'static', dir),
  ];
  const m = await interleaveCases(targets, cases, { duration, connections, runs });
  const base = goBin !== null ? 'Go 1.23 (GOMAXPROCS=1)' : 'express.static (Express 5)';
  const t = table('static', 'static files: fileServer against Go’s FileServer, express.static, @fastify/static', m, base);
  t.targets.push(pair(m, '1 KiB', 'nethttp native', base, 1.0, 'native / Go, 1 KiB req/s'));
  t.targets.push(pair(m, '4 MiB', 'nethttp native', base, 0.9, 'native / Go, 4 MiB MB/s', 'mbps'));
  return t;
}

async function upload(): Promise<Table> {
  const mib = opt('upload-mib', 256);
  const count = opt('uploads', 4);
  const targets: Target[] = [node('node:http', 'node-http.js', 'upload'), native('upload'), listener('upload'), ...go('upload')];
  const up = [];
  const ms: Measured[] = targets.map((t) => ({ name: t.name, rps: [], cpuUs: [], p99: [], mbps: [], errors: [], rssKiB: NaN, peakKiB: NaN }));
  try {
    for (const t of targets) up.push(await start(t));
    for (let round = -1; round < runs; round++) {
      up.forEach((u, j) => {
        const port = new URL(u.url).port;
        // One warm-up upload in round -1.
        const out = execFileSync('taskset', ['-c', '1', process.execPath, path.join(here, 'upload-client.js'), port, String(mib), String(round < 0 ? 1 : count)]).toString();
        const [, msStr, ok] = out.trim().split(' ');
        if (round < 0) return;
        const secs = Number(msStr) / 1000;
        ms[j].mbps.push((mib * (1 << 20) * count) / secs / 1e6);
        ms[j].rps.push(count / secs);
        ms[j].cpuUs.push(NaN);
        ms[j].p99.push(NaN);
        ms[j].errors.push(count - Number(ok));
      });
    }
    up.forEach((u, j) => Object.assign(ms[j], rss(u.child.pid!)));
  } finally {
    await stop(up.map((u) => u.child));
  }
  const t = table('upload', `uploads: ${count} × ${mib} MiB POST bodies read by the handler, one connection`, new Map([[`${mib} MiB`, ms]]), 'node:http');
  return t;
}

async function conns(): Promise<Table> {
  const pipeline = luaScript(
    'pipeline.lua',
    'init = function(args)\n  local r = {}\n  for i = 1, 16 do r[i] = wrk.format(nil, "/") end\n  req = table.concat(r)\nend\nrequest = function()\n  return req\nend\n',
  );
  const targets: Target[] = [node('node:http', 'node-http.js', 'hello'), native('hello'), ...go('hello')];
  const m = await interleaveCases(
    targets,
    [
      { name: '10,000 connections', connections: 10_000 },
      { name: 'pipelined, depth 16 (50 connections)', script: pipeline },
    ],
    { duration: Math.max(duration, 5), connections, runs },
  );
  return table('connections', 'many connections and pipelining (hello-world)', m, 'node:http');
}

function fmt(t: Table): string {
  const mb = t.workload === 'static' || t.workload === 'upload';
  const up = t.workload === 'upload';
  const head = ['server', 'case', up ? 'uploads/s' : 'req/s', 'MB/s', 'p99 ms', 'RSS MiB', 'peak MiB'];
  if (!up) head.push('CPU µs/req');
  head.push(`req/s vs ${t.base}`);
  if (!up) head.push('by CPU/req');
  if (mb) head.push(`MB/s vs ${t.base}`);
  const lines = [`| ${head.join(' | ')} |`, `|${head.map((h, i) => (i < 2 ? ' --- ' : ' ---: ')).join('|')}|`];
  for (const r of t.rows) {
    const cells = [
      r.server, r.case, r.rps >= 100 ? r.rps.toFixed(0) : r.rps.toFixed(2), r.mbps.toFixed(1), Number.isNaN(r.p99ms) ? '–' : r.p99ms.toFixed(2),
      r.rssMiB.toFixed(0), r.peakMiB.toFixed(0),
    ];
    if (!up) cells.push(r.cpuUs.toFixed(1));
    cells.push(r.ratio.toFixed(2) + '×');
    if (!up) cells.push(r.cpuRatio.toFixed(2) + '×');
    if (mb) cells.push(r.mbRatio.toFixed(2) + '×');
    if (r.errors > 0) cells[2] += ` (${r.errors} errors)`;
    lines.push(`| ${cells.join(' | ')} |`);
  }
  const verdict = (v: number, want: number): string => (Number.isNaN(v) ? 'not measured' : v.toFixed(2) + (v >= want ? ' (met)' : ' (missed)'));
  if (t.targets.length > 0) lines.push('', `| target | want | req/s ratio | by CPU per request |`, '| --- | ---: | ---: | ---: |');
  for (const x of t.targets) lines.push(`| ${x.what} | ≥ ${x.want} | ${verdict(x.got, x.want)} | ${verdict(x.byCpu, x.want)} |`);
  return `### ${t.title}\n\n${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  if (!has('wrk') || !has('taskset')) {
    console.error('wrk and taskset are required (Debian: apt-get install -y wrk util-linux)');
    process.exit(2);
  }
  const load = os.loadavg()[0];
  const machine = `${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, Node ${process.version}, load average ${load.toFixed(1)} at start`;
  const tables: Table[] = [];
  const all: Record<string, () => Promise<Table>> = { ceiling, api, json: jsonHelpers, static: staticFiles, upload, connections: conns };
  for (const w of only) {
    const t = await all[w]();
    tables.push(t);
    console.log(fmt(t));
  }
  console.log(`${new Date().toISOString().slice(0, 10)}; ${machine}; ${runs} interleaved rounds of ${duration} s; load average ${os.loadavg()[0].toFixed(1)} at the end`);
  const out = path.join(root, 'bench', 'results');
  mkdirSync(out, { recursive: true });
  let prev: Record<string, unknown> = {};
  try {
    prev = JSON.parse(readFileSync(path.join(out, 'workloads.json'), 'utf8')) as Record<string, unknown>;
  } catch {
    prev = {};
  }
  for (const t of tables) prev[t.workload] = { date: new Date().toISOString(), machine, duration, runs, ...t };
  writeFileSync(path.join(out, 'workloads.json'), JSON.stringify(prev, null, 2));
}

void main();
