/**
 * Instructions per request: each server runs under Valgrind's callgrind, is warmed up, then serves a fixed number of
 * keep-alive requests with counting switched on; the user-space instructions it executed, divided by the requests,
 * are reported. Unlike req/s this does not depend on what else the machine runs (it leaves out the kernel's share,
 * the same system calls for every Node server here), so it can compare servers on a busy shared machine.
 *
 * Usage: node dist/bench/instructions.js [--alloc] [--only ceiling,api,json-get,json-post,fetch,fetch-json,middleware] [--servers native,bare]
 *   [--requests 10000] [--warm 8]
 * (`fetch`, `fetch-json`: toFetch(mux) against Hono, both on @hono/node-server; `middleware`: the native Server with
 * fromExpress(cors()) against Express 5 with cors(); not in the default set.)
 * `--servers` keeps the servers whose name contains one of the words. The callgrind dumps are kept (their paths are
 * printed); with NODE_OPTIONS=--perf-basic-prof the server also writes the map that names its JavaScript frames.
 * Needs valgrind (Debian: apt-get install -y valgrind); Go joins when `$GO` or `go` on PATH is Go 1.23.
 *
 * With `--alloc` the same sets report V8 heap bytes allocated per request instead, without valgrind: each Node server
 * runs with `--trace-gc-nvp` and a 1 MB semi-space (so a scavenge comes every few hundred requests; the bytes
 * allocated do not depend on it), and the `allocated=` of every collection inside the measured window is summed and
 * divided by the requests. Memory outside V8's heap (Buffers' backing stores, socket read buffers) is not in it.
 * Go is left out of this mode.
 */

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildGo, has, opt, start, stop, type Target } from './harness';
import { apiRoutes, sampleItem } from './peers/workload';
import { goPattern, samplePath } from './router/mix';

const requests = opt('requests', 10_000);
// Eight rounds of 3,000 requests: with fewer, V8 is still compiling the server's functions (on its worker thread,
// counted too) inside the measured window under valgrind's slowed clock, which added 5k instructions per request and
// a run-to-run spread of 25% to the native server's count (34.9k at 2 rounds, 30.0k at 8).
const warm = opt('warm', 8);
const onlyArg = process.argv.indexOf('--only');
const only = onlyArg >= 0 ? process.argv[onlyArg + 1].split(',') : ['ceiling', 'api', 'json-get', 'json-post'];
const alloc = process.argv.includes('--alloc');
const serversArg = process.argv.indexOf('--servers');
const servers = serversArg >= 0 ? process.argv[serversArg + 1].split(',') : null;
const here = __dirname;
const root = path.resolve(here, '..', '..');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'nethttp-instructions-'));
const goBin = buildGo(root, 'peers.go', 'peers');

/** Sends `n` requests (cycling through `reqs`) on `conns` keep-alive connections, one at a time on each. */
function play(port: number, reqs: Buffer[], n: number, conns = 10): Promise<number> {
  let k = 0;
  let ok = 0;
  const one = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1');
      let left = Math.ceil(n / conns);
      let got: Buffer = Buffer.alloc(0);
      const send = (): void => void s.write(reqs[k++ % reqs.length]);
      s.on('connect', send);
      s.on('error', reject);
      s.on('data', (d: Buffer) => {
        got = got.length === 0 ? d : Buffer.concat([got, d]);
        for (;;) {
          const i = got.indexOf('\r\n\r\n');
          if (i < 0) return;
          const head = got.subarray(0, i).toString('latin1');
          let end: number;
          const cl = /\r\ncontent-length: *(\d+)/i.exec(head);
          if (cl) end = i + 4 + Number(cl[1]);
          else if (/\r\ntransfer-encoding: *chunked/i.test(head)) {
            const z = got.indexOf('\r\n0\r\n\r\n', i);
            if (z < 0) return;
            end = z + 7;
          } else end = i + 4;
          if (got.length < end) return;
          if (/^HTTP\/1\.1 2\d\d/.test(head)) ok++;
          got = got.subarray(end);
          if (--left === 0) {
            s.destroy();
            resolve();
            return;
          }
          send();
        }
      });
    });
  return Promise.all(Array.from({ length: conns }, one)).then(() => ok);
}

function callgrind(pid: number, ...cmd: string[]): void {
  execFileSync('callgrind_control', [...cmd, String(pid)], { stdio: 'ignore' });
}

/** V8 heap bytes allocated per request (see the module comment). */
async function allocated(t: Target, reqs: Buffer[]): Promise<{ name: string; perRequest: number; ok: number }> {
  let text = '';
  let counting = false;
  const onOutput = (chunk: string): void => {
    if (counting) text += chunk;
  };
  const { child, url } = await start({ ...t, argv: ['--trace-gc-nvp', '--max-semi-space-size=1', ...t.argv], onOutput });
  try {
    const port = Number(new URL(url).port);
    for (let i = 0; i < warm; i++) await play(port, reqs, Math.min(requests, 3000));
    await new Promise((r) => setTimeout(r, 100));
    counting = true;
    const ok = await play(port, reqs, requests);
    await new Promise((r) => setTimeout(r, 100));
    counting = false;
    let total = 0;
    let gcs = 0;
    for (const m of text.matchAll(/ allocated=(\d+)/g)) {
      total += Number(m[1]);
      gcs++;
    }
    // The bytes allocated after the window's last collection are not counted (and those before its first one, from
    // before the window, are): with fewer than ten collections that share is too large to ignore.
    if (gcs < 10) throw new Error(`${t.name}: only ${gcs} collections in the window; raise --requests`);
    return { name: t.name, perRequest: Math.round(total / requests), ok };
  } finally {
    await stop([child]);
  }
}

async function count(t: Target, reqs: Buffer[]): Promise<{ name: string; perRequest: number; ok: number }> {
  const out = path.join(tmp, `cg.${t.name.replace(/\W+/g, '_')}.%p.out`);
  const log = path.join(tmp, `vg.${t.name.replace(/\W+/g, '_')}.%p.log`);
  const vt: Target = {
    ...t, cmd: 'valgrind', startTimeout: 300_000,
    argv: ['--tool=callgrind', '--instr-atstart=no', `--callgrind-out-file=${out}`, `--log-file=${log}`, t.cmd, ...t.argv],
  };
  const { child, url } = await start(vt);
  try {
    const port = Number(new URL(url).port);
    for (let i = 0; i < warm; i++) await play(port, reqs, Math.min(requests, 3000));
    callgrind(child.pid!, '-i', 'on');
    const ok = await play(port, reqs, requests);
    callgrind(child.pid!, '-d');
    callgrind(child.pid!, '-i', 'off');
    const prefix = path.basename(out).replace('%p', String(child.pid));
    const dump = readdirSync(tmp).filter((f) => f.startsWith(prefix + '.')).sort().pop()!;
    console.error(`${t.name}: ${path.join(tmp, dump)}`);
    const m = /^(?:summary|totals): (\d+)/m.exec(readFileSync(path.join(tmp, dump), 'utf8'));
    const total = Number(m?.[1] ?? NaN);
    if (!(total > 0)) throw new Error(`${t.name}: callgrind counted nothing`);
    return { name: t.name, perRequest: Math.round(total / requests), ok };
  } finally {
    await stop([child]);
  }
}

const node = (name: string, file: string, ...argv: string[]): Target => ({ name, cmd: process.execPath, argv: [path.join(here, 'peers', file), ...argv] });
const fetchServer = (name: string, mode: string): Target => ({ name, cmd: process.execPath, argv: [path.join(here, 'fetch', 'server.js'), mode] });
const go = (...argv: string[]): Target[] =>
  goBin === null ? [] : [{ name: 'Go 1.23 (GOMAXPROCS=1)', cmd: goBin, argv, env: { ...process.env, GOMAXPROCS: '1' } }];

async function main(): Promise<void> {
  if (!alloc && (!has('valgrind') || !has('callgrind_control'))) {
    console.error('valgrind is required (Debian: apt-get install -y valgrind)');
    process.exit(2);
  }
  const results: Record<string, Array<{ name: string; perRequest: number; ok: number }>> = {};
  const hello = [Buffer.from('GET / HTTP/1.1\r\nHost: bench\r\n\r\n')];
  const body = JSON.stringify(sampleItem);
  const api = apiRoutes.map((r, i) => {
    const p = `${samplePath(r.route, i)}?page=${(i % 5) + 1}&per_page=30`;
    return Buffer.from(
      r.hasBody
        ? `${r.method} ${p} HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`
        : `${r.method} ${p} HTTP/1.1\r\nHost: bench\r\n\r\n`,
    );
  });
  const routesJSON = path.join(tmp, 'routes.json');
  writeFileSync(routesJSON, JSON.stringify(apiRoutes.map((r) => ({ ...r, pattern: goPattern(r.method, r.route) }))));
  const helpers = [node('writeJSON/readJSON', 'nethttp.js', 'native', 'json-helpers'), node('by hand', 'nethttp.js', 'native', 'json-hand')];
  const sets: Record<string, [Target[], Buffer[]]> = {
    'json-get': [helpers, [Buffer.from('GET /users/7 HTTP/1.1\r\nHost: bench\r\n\r\n')]],
    'json-post': [helpers, [Buffer.from(`POST /users/7 HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`)]],
    ceiling: [
      [
        node('nethttp native', 'nethttp.js', 'native', 'hello'), { name: 'node:net bare', cmd: process.execPath, argv: [path.join(here, 'servers', 'net-hello.js')] },
        node('requestListener(mux)', 'nethttp.js', 'listener', 'hello'), node('node:http', 'node-http.js', 'hello'), ...go('hello'),
      ],
      hello,
    ],
    fetch: [[fetchServer('Hono on @hono/node-server', 'hono'), fetchServer('toFetch(mux) on @hono/node-server', 'tofetch')], hello],
    'fetch-json': [
      [fetchServer('Hono on @hono/node-server', 'hono'), fetchServer('toFetch(mux) on @hono/node-server', 'tofetch')],
      [Buffer.from('GET /users/7 HTTP/1.1\r\nHost: bench\r\n\r\n')],
    ],
    middleware: [
      [fetchServer('Express 5 + cors()', 'express-cors'), fetchServer('native + fromExpress(cors())', 'native-cors')],
      [Buffer.from('GET / HTTP/1.1\r\nHost: bench\r\nOrigin: https://app.example\r\n\r\n')],
    ],
    api: [
      [
        node('nethttp native', 'nethttp.js', 'native', 'api'), node('requestListener(mux)', 'nethttp.js', 'listener', 'api'), ...go('api', routesJSON),
        node('Fastify 5', 'fastify.js', 'api'), node('Fastify 5 + schema', 'fastify.js', 'api-schema'),
      ],
      api,
    ],
  };
  for (const w of only) {
    const [all, reqs] = sets[w];
    const named = servers === null ? all : all.filter((t) => servers.some((s) => t.name.includes(s)));
    const targets = alloc ? named.filter((t) => t.cmd === process.execPath) : named;
    results[w] = [];
    // Two at a time: valgrind runs a process on one core.
    for (let i = 0; i < targets.length; i += 2) {
      const batch = targets.slice(i, i + 2).map((t, j) =>
        // A server that dies under valgrind (Go's runtime sometimes does) is reported, not fatal to the run.
        (alloc ? allocated : count)({ ...t, cpus: String(j) }, reqs).catch((err: Error) => {
          console.error(`${t.name}: ${err.message}`);
          return { name: t.name, perRequest: NaN, ok: 0 };
        }),
      );
      results[w].push(...(await Promise.all(batch)));
    }
    const what = alloc ? 'V8 heap bytes allocated per request (--trace-gc-nvp' : 'user-space instructions per request (callgrind';
    console.log(`### ${w}: ${what}, ${requests} requests after ${warm} warm-up rounds)\n`);
    console.log(`| server | ${alloc ? 'bytes' : 'instructions'}/request | 2xx answered |\n| --- | ---: | ---: |`);
    const failed = alloc ? 'failed' : 'failed under valgrind';
    for (const r of results[w]) console.log(`| ${r.name} | ${Number.isNaN(r.perRequest) ? failed : r.perRequest.toLocaleString('en-US')} | ${r.ok} |`);
    console.log('');
  }
  mkdirSync(path.join(root, 'bench', 'results'), { recursive: true });
  writeFileSync(path.join(root, 'bench', 'results', alloc ? 'allocations.json' : 'instructions.json'), JSON.stringify({ date: new Date().toISOString(), requests, warm, results }, null, 2));
}

void main();
