/**
 * The import rules of DESIGN.md §6: adapters reach src only through src/index.ts, src/core.ts, src/carrier.ts and
 * src/carrier-node.ts; src never imports adapters; and no import circle anywhere in src/ or adapters/ (interfaces sit
 * below implementations).
 */

import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const root = path.join(__dirname, '..');

function files(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

function imports(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  return [...src.matchAll(/(?:from\s+|require\(\s*|import\s*\(?\s*)['"]([^'"]+)['"]/g)].map((m) => m[1]);
}

// src/core is the node-free public API (src/index re-exports it), src/carrier-node the Node carriers' parts.
const entries = ['index', 'core', 'carrier', 'carrier-node'].map((n) => path.join('src', n));

test('adapters import src only through src/index, src/core, src/carrier and src/carrier-node', () => {
  const bad: string[] = [];
  for (const f of files(path.join(root, 'adapters'))) {
    for (const spec of imports(f)) {
      if (!spec.startsWith('.')) continue;
      const target = path.relative(root, path.resolve(path.dirname(f), spec));
      if (target.startsWith('src') && !entries.includes(target)) {
        bad.push(`${path.relative(root, f)} imports ${spec}`);
      }
    }
  }
  expect(bad).toEqual([]);
});

test('src never imports adapters', () => {
  const bad: string[] = [];
  for (const f of files(path.join(root, 'src'))) {
    for (const spec of imports(f)) {
      const target = path.relative(root, path.resolve(path.dirname(f), spec));
      if (spec.startsWith('.') && target.startsWith('adapters')) bad.push(`${path.relative(root, f)} imports ${spec}`);
    }
  }
  expect(bad).toEqual([]);
});

/** Resolves a relative import to the .ts file it names (a file or a folder's index.ts), or null when outside. */
function resolveImport(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const base = path.resolve(path.dirname(from), spec);
  for (const c of [base + '.ts', path.join(base, 'index.ts'), base]) {
    try {
      if (statSync(c).isFile() && c.endsWith('.ts')) return c;
    } catch {
      // not this candidate
    }
  }
  return null;
}

/** Every import circle (type-only imports included: they tie the files as much as any other). */
function importCircles(dirs: string[]): string[][] {
  const graph = new Map<string, string[]>();
  for (const d of dirs) {
    for (const f of files(d)) {
      const out: string[] = [];
      for (const spec of imports(f)) {
        const t = resolveImport(f, spec);
        if (t !== null) out.push(t);
      }
      graph.set(f, out);
    }
  }
  // Tarjan's strongly connected components; a component of two or more files (or a self-import) is a circle.
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const circles: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        comp.push(path.relative(root, w));
      } while (w !== v);
      if (comp.length > 1 || (graph.get(v) ?? []).includes(v)) circles.push(comp.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return circles;
}

test('no import circles in src/ or adapters/', () => {
  expect(importCircles([path.join(root, 'src'), path.join(root, 'adapters')])).toEqual([]);
});

test('the circle check sees a circle, type-only imports included', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'circle-'));
  try {
    writeFileSync(path.join(dir, 'a.ts'), "import type { B } from './b';\nexport type A = B;\n");
    writeFileSync(path.join(dir, 'b.ts'), "import { a } from './c';\nexport type B = number;\n");
    writeFileSync(path.join(dir, 'c.ts'), "export * from './a';\nexport const a = 1;\n");
    expect(importCircles([dir]).map((c) => c.map((f) => path.basename(f)))).toEqual([['a.ts', 'b.ts', 'c.ts']]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('src/ keeps its rooms: entries and shared types at the root, every folder on docs/architecture.md\'s map', () => {
  const arch = readFileSync(path.join(root, 'docs', 'architecture.md'), 'utf8');
  const map = arch.slice(arch.indexOf('## The tree'), arch.indexOf('## 1. Listen'));
  const src = path.join(root, 'src');
  const missing: string[] = [];
  for (const name of readdirSync(src)) {
    const isDir = statSync(path.join(src, name)).isDirectory();
    // A root file or a folder the map does not name is a new room nobody placed: put it in a folder, or map it.
    if (isDir ? !map.includes(`\`src/${name}/\``) : !map.includes(`\`${name}\``)) missing.push(isDir ? `src/${name}/` : `src/${name}`);
    if (isDir) {
      for (const f of readdirSync(path.join(src, name))) if (!map.includes(`\`${f}\``)) missing.push(`src/${name}/${f}`);
    }
  }
  expect(missing).toEqual([]);
});
