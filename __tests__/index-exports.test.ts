/**
 * The main entry's CommonJS exports are plain data properties of an object V8 keeps in fast mode (src/index.ts: a
 * getter per name on a dictionary-mode object cost a handler about 200 instructions per `http.x` use), and the
 * names an ES module can import from it are all of them.
 */

import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

test('every export is a data property; ESM named imports see every name', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const api = require('../src/index') as Record<string, unknown>;
  const names = Object.keys(api);
  expect(names.length).toBeGreaterThan(150);
  const getters = names.filter((k) => Object.getOwnPropertyDescriptor(api, k)?.get !== undefined);
  expect(getters).toEqual([]);
  expect(api.__esModule).toBe(true);
  expect(names).not.toContain('__esModule');
  // npm test builds dist/ first (pretest): the compiled entry, as Node's ESM loader reads it.
  const entry = path.join(__dirname, '..', 'dist', 'src', 'index.js');
  const script = `import(${JSON.stringify(entry)}).then((ns) => process.stdout.write(JSON.stringify(Object.keys(ns).filter((k) => k !== 'default' && k !== '__esModule' && ns[k] !== undefined).sort())));`;
  const esm = JSON.parse(execFileSync(process.execPath, ['-e', script], { timeout: 30_000 }).toString()) as string[];
  expect(esm).toEqual([...names].sort());
});

test('the exports object is in fast mode (V8)', () => {
  const script = `const api = require(${JSON.stringify(path.join(__dirname, '..', 'dist', 'src', 'index.js'))}); process.stdout.write(String(%HasFastProperties(api)));`;
  expect(execFileSync(process.execPath, ['--allow-natives-syntax', '-e', script], { timeout: 30_000 }).toString()).toBe('true');
});
