/**
 * Router lookup benchmark over the GitHub REST API route set: nethttp's ServeMux, find-my-way and Express 5's
 * router, in one process, on the same fixed request mix (every route once, in a seeded shuffled order).
 *
 * - `lookup`: find the handler and the path values without calling it (ServeMux.match, find-my-way's find).
 * - `dispatch`: route and call a no-op handler (ServeMux.serveHTTP, find-my-way's lookup, Express's router).
 *
 * Each router is measured in interleaved rounds of `--ms` milliseconds; the median ops/s is reported with its
 * ratio to find-my-way. Run pinned to one core: `taskset -c 1 node dist/bench/router/run.js [--rounds 7] [--ms 1000]`.
 */

import express from 'express';
import findMyWay from 'find-my-way';
import { writeFileSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { Request, ServeMux, type ResponseWriter } from '../../src';
import { parseRequestTarget } from '../../src/request/url';
import { githubRoutes } from './github-routes';
import { goPattern, routeMix } from './mix';

const args = process.argv.slice(2);
const opt = (name: string, def: number): number => {
  const i = args.indexOf('--' + name);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const rounds = opt('rounds', 7);
const ms = opt('ms', 1000);

const mix = routeMix();

// nethttp
const mux = new ServeMux();
let sink = 0;
for (const [m, p] of githubRoutes) mux.handleFunc(goPattern(m, p), () => void sink++);
// Requests as a server makes them: the target parsed as the reader parses it (parseRequestTarget, which keeps the
// common target's parts in place for the mux).
const requests = mix.map(({ method, path: p }) => {
  const r = new Request(method, parseRequestTarget(method, p)!);
  r.requestURI = p;
  return r;
});
const nullWriter: ResponseWriter = { header: () => { throw new Error('unused'); }, write: () => null, writeHeader: () => {}, drained: () => Promise.resolve() };

// find-my-way
const fmw = findMyWay();
for (const [m, p] of githubRoutes) fmw.on(m as 'GET', p.replace(/\*\w+/, '*'), () => void sink++);

// Express 5 router
const router = express.Router();
for (const [m, p] of githubRoutes) (router as unknown as Record<string, (p: string, h: () => void) => void>)[m.toLowerCase()](p, () => void sink++);

// Every router must find every route of the mix before it is timed.
for (const r of requests) if (mux.match(r).kind !== 'found') throw new Error(`ServeMux misses ${r.method} ${r.url.path}`);
for (const { method, path: p } of mix) if (fmw.find(method as 'GET', p) === null) throw new Error(`find-my-way misses ${method} ${p}`);

type Case = { name: string; run: (n: number) => void };
const cases: Case[] = [
  {
    name: 'nethttp ServeMux lookup',
    run: (n) => {
      for (let i = 0; i < n; i++) sink += mux.match(requests[i % requests.length]).values!.length;
    },
  },
  {
    name: 'find-my-way lookup',
    run: (n) => {
      for (let i = 0; i < n; i++) {
        const q = mix[i % mix.length];
        sink += Object.keys(fmw.find(q.method as 'GET', q.path)!.params).length;
      }
    },
  },
  {
    name: 'nethttp ServeMux dispatch',
    run: (n) => {
      for (let i = 0; i < n; i++) mux.serveHTTP(nullWriter, requests[i % requests.length]);
    },
  },
  {
    name: 'find-my-way dispatch',
    run: (n) => {
      const req = { method: 'GET', url: '/', headers: {} };
      for (let i = 0; i < n; i++) {
        const q = mix[i % mix.length];
        req.method = q.method;
        req.url = q.path;
        fmw.lookup(req as never, {} as never);
      }
    },
  },
  {
    name: 'Express 5 router dispatch',
    run: (n) => {
      const done = (): void => {
        throw new Error('route not found');
      };
      for (let i = 0; i < n; i++) {
        const q = mix[i % mix.length];
        (router as unknown as (req: unknown, res: unknown, next: () => void) => void)({ method: q.method, url: q.path, headers: {} }, {}, done);
      }
    },
  },
];

function measure(c: Case): number {
  const batch = 1000;
  const start = process.hrtime.bigint();
  const limit = BigInt(ms) * 1_000_000n;
  let ops = 0;
  let el = 0n;
  do {
    c.run(batch);
    ops += batch;
    el = process.hrtime.bigint() - start;
  } while (el < limit);
  return (ops * 1e9) / Number(el);
}

const median = (xs: number[]): number => xs.slice().sort((a, b) => a - b)[xs.length >> 1];

for (const c of cases) c.run(50_000); // warm-up: let the JIT settle
const results = new Map<string, number[]>(cases.map((c) => [c.name, []]));
for (let r = 0; r < rounds; r++) for (const c of cases) results.get(c.name)!.push(measure(c));

const med = new Map([...results].map(([k, v]) => [k, median(v)]));
const ref = { lookup: med.get('find-my-way lookup')!, dispatch: med.get('find-my-way dispatch')! };
console.log(`routes: ${githubRoutes.length}, request mix: ${mix.length} paths, rounds: ${rounds} × ${ms} ms, node ${process.version}`);
for (const [name, v] of med) {
  const base = name.endsWith('lookup') ? ref.lookup : ref.dispatch;
  console.log(`${name.padEnd(28)} ${Math.round(v).toLocaleString('en-US').padStart(12)} ops/s   ${(v / base).toFixed(2)}× find-my-way`);
}
const out = path.resolve(__dirname, '..', '..', '..', 'bench', 'results');
mkdirSync(out, { recursive: true });
writeFileSync(path.join(out, 'router.json'), JSON.stringify({ routes: githubRoutes.length, rounds, ms, medians: Object.fromEntries(med), sink }, null, 2));
