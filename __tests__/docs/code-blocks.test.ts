/**
 * Every TypeScript code block in README.md and docs/*.md is type-checked against the real API (strict), so that
 * no example can rot. Runnable versions of the testing and Express examples live in examples/ and run as tests.
 */

import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

const root = path.join(__dirname, '..', '..');
const out = path.join(__dirname, '.blocks');

function blocks(): { name: string; code: string }[] {
  const files = ['README.md', ...readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => path.join('docs', f))];
  const found: { name: string; code: string }[] = [];
  for (const f of files) {
    const text = readFileSync(path.join(root, f), 'utf8');
    let n = 0;
    for (const m of text.matchAll(/```ts\n([\s\S]*?)```/g)) {
      n++;
      found.push({ name: `${f.replace(/[\\/.]/g, '_')}_${n}`, code: m[1] });
    }
  }
  return found;
}

test('every ts block in the README and docs compiles', () => {
  const all = blocks();
  expect(all.length).toBeGreaterThanOrEqual(9);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const names = all.map((b) => {
    const p = path.join(out, b.name + '.ts');
    writeFileSync(p, b.code + '\nexport {};\n');
    return p;
  });
  const program = ts.createProgram(names, {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    strict: true,
    esModuleInterop: true,
    skipLibCheck: true,
    noEmit: true,
    types: ['node', 'jest'],
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    baseUrl: root,
    paths: {
      nethttp: ['src/index.ts'],
      'nethttp/httptest': ['adapters/httptest/index.ts'],
      'nethttp/websocket': ['src/websocket.ts'],
      'nethttp/httputil': ['src/httputil/index.ts'],
      'nethttp/adapters/*': ['adapters/*/index.ts'],
    },
  });
  const diags = ts.getPreEmitDiagnostics(program).filter((d) => d.file !== undefined && d.file.fileName.startsWith(out));
  const text = diags.map((d) => `${path.basename(d.file!.fileName)}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
  rmSync(out, { recursive: true, force: true });
  expect(text).toEqual([]);
}, 120_000);

test('the examples of docs/testing.md are the test files of examples/, verbatim (so they run)', () => {
  const doc = readFileSync(path.join(root, 'docs', 'testing.md'), 'utf8');
  const docBlocks = [...doc.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
  const files = ['testing-recorder', 'testing-inject', 'testing-server'].map((n) => readFileSync(path.join(root, 'examples', `${n}.test.ts`), 'utf8'));
  expect(docBlocks).toEqual(files);
});

test('the examples of docs/middleware.md are test files of examples/, verbatim (so they run)', () => {
  const doc = readFileSync(path.join(root, 'docs', 'middleware.md'), 'utf8');
  const docBlocks = [...doc.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
  const files = ['middleware-chain', 'middleware-express'].map((n) => readFileSync(path.join(root, 'examples', `${n}.test.ts`), 'utf8'));
  expect(docBlocks).toEqual(files);
});

test('the examples of docs/fetch.md are test files of examples/, verbatim (so they run)', () => {
  const doc = readFileSync(path.join(root, 'docs', 'fetch.md'), 'utf8');
  const docBlocks = [...doc.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
  const files = ['fetch-serve', 'fetch-worker', 'fetch-hono'].map((n) => readFileSync(path.join(root, 'examples', `${n}.test.ts`), 'utf8'));
  expect(docBlocks).toEqual(files);
});
