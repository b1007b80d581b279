/** The import rules of DESIGN.md §6: adapters reach src only through src/index.ts and src/carrier.ts; src never imports adapters. */

import { readFileSync, readdirSync, statSync } from 'node:fs';
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
  return [...src.matchAll(/(?:from\s+|require\(\s*|import\s+)['"]([^'"]+)['"]/g)].map((m) => m[1]);
}

test('adapters import src only through src/index and src/carrier', () => {
  const bad: string[] = [];
  for (const f of files(path.join(root, 'adapters'))) {
    for (const spec of imports(f)) {
      if (!spec.startsWith('.')) continue;
      const target = path.relative(root, path.resolve(path.dirname(f), spec));
      if (target.startsWith('src') && target !== path.join('src', 'index') && target !== path.join('src', 'carrier')) {
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
