/**
 * The fetch carrier loads where there is no Node module: nothing on the import graph of adapters/fetch imports a
 * node: module (or a bare Node built-in), and the compiled carrier, loaded in a worker_threads Worker whose module
 * loader refuses every built-in, serves a request through toFetch and a Hono-style fetch handler through fromFetch.
 */

import { readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';

const root = path.resolve(__dirname, '..', '..', '..');
const builtins = new Set(builtinModules);
const isBuiltin = (spec: string): boolean => spec.startsWith('node:') || builtins.has(spec) || builtins.has(spec.split('/')[0]);

/** The runtime imports of a TypeScript file: type-only imports and exports are erased by the compiler. */
function runtimeImports(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of src.matchAll(/^\s*(import|export)\s+(type\s+)?([^;]*?)\s*from\s+['"]([^'"]+)['"]/gms)) {
    if (m[2] !== undefined) continue;
    const names = m[3].trim();
    if (/^\{[^}]*\}$/.test(names)) {
      const items = names.slice(1, -1).split(',').map((x) => x.trim()).filter((x) => x !== '');
      if (items.length > 0 && items.every((x) => x.startsWith('type '))) continue;
    }
    out.push(m[4]);
  }
  for (const m of src.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)) out.push(m[1]);
  for (const m of src.matchAll(/\brequire\(\s*['"]([^'"]+)['"]\s*\)|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push(m[1] ?? m[2]);
  return out;
}

function resolve(from: string, spec: string): string {
  const base = path.resolve(path.dirname(from), spec);
  for (const c of [base + '.ts', path.join(base, 'index.ts')]) {
    try {
      if (statSync(c).isFile()) return c;
    } catch {
      // not this one
    }
  }
  throw new Error(`cannot resolve ${spec} from ${from}`);
}

/** Every node: import reachable from `entry`, with the chain of files that leads to it. */
function nodeImports(entry: string): string[] {
  const bad: string[] = [];
  const seen = new Set<string>();
  const walk = (file: string, chain: string[]): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const here = [...chain, path.relative(root, file)];
    for (const spec of runtimeImports(file)) {
      if (spec.startsWith('.')) walk(resolve(file, spec), here);
      else if (isBuiltin(spec)) bad.push(`${here.join(' → ')} imports ${spec}`);
      else bad.push(`${here.join(' → ')} imports the package ${spec}`);
    }
  };
  walk(entry, []);
  expect(seen.size).toBeGreaterThan(20); // the walk went through the core, not just the entry
  return bad;
}

test('nothing on the import graph of adapters/fetch imports a node: module (or any package)', () => {
  expect(nodeImports(path.join(root, 'adapters', 'fetch', 'index.ts'))).toEqual([]);
});

test('the walk finds a node: import where there is one (the main entry loads the native server)', () => {
  expect(nodeImports(path.join(root, 'src', 'index.ts')).some((l) => l.endsWith('imports node:net'))).toBe(true);
});

// Runs in the Worker: every built-in refused by the module loader, then the compiled carrier loaded and used.
const workerScript = `
const Module = require('module');
const { parentPort, workerData } = require('worker_threads');
const load = Module._load;
const refused = [];
Module._load = function (request, parent, isMain) {
  if (request.startsWith('node:') || Module.builtinModules.includes(request.split('/')[0])) {
    refused.push(request);
    throw new Error('built-in module refused: ' + request);
  }
  return load.apply(this, arguments);
};
(async () => {
  const f = require(workerData.entry);
  const mux = new f.ServeMux();
  mux.handleFunc('GET /hello/{name}', (w, r) => void w.write('hello, ' + r.pathValue('name') + '\\n'));
  mux.handleFunc('POST /echo', async (w, r) => void w.write(await r.body.readAll()));
  mux.handle('/hono/', f.fromFetch(async (req) => new Response('from fetch: ' + new URL(req.url).pathname, { headers: { 'X-Via': 'fetch' } })));
  const app = f.toFetch(mux);
  const a = await app(new Request('http://example.com/hello/w%C3%B6rld'));
  const b = await app(new Request('http://example.com/echo', { method: 'POST', body: 'posted' }));
  const c = await app(new Request('http://example.com/hono/x'));
  parentPort.postMessage({
    refused,
    a: [a.status, a.headers.get('content-type'), await a.text()],
    b: [b.status, await b.text()],
    c: [c.status, c.headers.get('x-via'), await c.text()],
  });
})().catch((e) => parentPort.postMessage({ refused, error: String(e && e.stack || e) }));
`;

test('the compiled carrier loads and serves in a Worker whose loader refuses every built-in module', async () => {
  const entry = path.join(root, 'dist', 'adapters', 'fetch', 'index.js');
  const worker = new Worker(workerScript, { eval: true, workerData: { entry } });
  const msg = await new Promise<Record<string, unknown>>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  expect(msg.error).toBeUndefined();
  expect(msg.refused).toEqual([]);
  expect(msg.a).toEqual([200, 'text/plain; charset=utf-8', 'hello, wörld\n']);
  expect(msg.b).toEqual([200, 'posted']);
  expect(msg.c).toEqual([200, 'fetch', 'from fetch: /hono/x']);
});
