/**
 * The published package: `npm pack` output, unpacked into a temporary project the way npm installs it, type-checks
 * through every entry point under each TypeScript module resolution a user may have (node10 with CommonJS, node16,
 * nodenext, bundler), and loads with both `require` and `import`.
 */

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import ts from 'typescript';

const root = path.resolve(__dirname, '..');

// Uses one value and one type of each entry point, so that a missing declaration is an error.
const consumer = `
import { ServeMux, fallThrough, ErrBodyConsumed, type Handler } from 'nethttp';
import { requestListener, type RequestListenerOptions } from 'nethttp/adapters/node';
import { middleware, expressRequest, keepRawBody, type MiddlewareOptions } from 'nethttp/adapters/express';
import { newRecorder, newRequest, type ResponseRecorder } from 'nethttp/httptest';
import { upgradeWebSocket, type WebSocketUpgrader } from 'nethttp/websocket';
import { newSingleHostReverseProxy, type ProxyRequest } from 'nethttp/httputil';
import { toFetch, fromFetch, ServeMux as FetchMux, type ToFetchOptions } from 'nethttp/adapters/fetch';

const mux = new ServeMux();
const h: Handler = { serveHTTP: (w, r) => (expressRequest(r) === undefined ? fallThrough(w, r) : void w.write('x')) };
mux.handle('/', h);
const lo: RequestListenerOptions = {};
const mo: MiddlewareOptions = { uncleanPath: 'always' };
export const listener = requestListener(mux, lo);
export const mw = middleware(mux, mo);
export const verify = keepRawBody;
const rec: ResponseRecorder = newRecorder();
mux.serveHTTP(rec, newRequest('GET', '/'));
export const code: string = ErrBodyConsumed.code;
export const upgrade: typeof upgradeWebSocket = upgradeWebSocket;
export type Upgrader = WebSocketUpgrader<unknown>;
mux.handle('/proxy/', newSingleHostReverseProxy('http://127.0.0.1:1'));
export type PR = ProxyRequest;
const fo: ToFetchOptions = { highWaterMark: 1024 };
export const fetchHandler: (request: Request) => Response | Promise<Response> = toFetch(new FetchMux(), fo);
export const fromF: Handler = fromFetch(() => new Response('x'));
`;

const modes: [string, Record<string, string>, string[]][] = [
  ['node10 (module commonjs)', { module: 'commonjs', moduleResolution: 'node10' }, ['use.ts']],
  ['node16', { module: 'node16', moduleResolution: 'node16' }, ['use.cts', 'use.mts']],
  ['nodenext', { module: 'nodenext', moduleResolution: 'nodenext' }, ['use.cts', 'use.mts']],
  ['bundler', { module: 'esnext', moduleResolution: 'bundler' }, ['use.ts']],
];

let project: string;

beforeAll(() => {
  project = mkdtempSync(path.join(os.tmpdir(), 'nethttp-pack-'));
  // dist/ is built by `pretest`; pack it without running the build again.
  execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', project, '--silent'], { cwd: root, stdio: 'pipe', timeout: 120_000 });
  const tgz = readdirSync(project).find((f) => f.endsWith('.tgz'))!;
  const modules = path.join(project, 'node_modules');
  mkdirSync(path.join(modules, '@types'), { recursive: true });
  execFileSync('tar', ['-xzf', path.join(project, tgz), '-C', project], { timeout: 60_000 });
  renameSync(path.join(project, 'package'), path.join(modules, 'nethttp'));
  // The package's dependencies and the Node types, as npm would have installed them.
  for (const dep of ['light-my-request', 'path-to-regexp', 'undici', '@types/node', 'undici-types']) {
    symlinkSync(path.join(root, 'node_modules', dep), path.join(modules, dep), 'dir');
  }
  writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
  for (const f of ['use.ts', 'use.cts', 'use.mts']) writeFileSync(path.join(project, f), consumer);
}, 180_000);

afterAll(() => rmSync(project, { recursive: true, force: true }));

// One compiler host for all modes: the library and Node type files are parsed once and shared.
const parsed = new Map<string, ts.SourceFile | undefined>();

function typeErrors(options: ts.CompilerOptions, files: string[]): string {
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, language, onError, create) => {
    if (!/[\\/](@types[\\/]node|typescript[\\/]lib)[\\/]/.test(fileName)) return getSourceFile(fileName, language, onError, create);
    const key = `${fileName} ${JSON.stringify(language)}`;
    if (!parsed.has(key)) parsed.set(key, getSourceFile(fileName, language, onError, create));
    return parsed.get(key);
  };
  const program = ts.createProgram(files, options, host);
  const diags = ts.getPreEmitDiagnostics(program);
  return ts.formatDiagnostics(diags, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => project, getNewLine: () => '\n' });
}

test.each(modes)('every entry point type-checks under %s', (_name, options, files) => {
  const { options: compilerOptions, errors } = ts.convertCompilerOptionsFromJson(
    { ...options, target: 'ES2022', strict: true, noEmit: true, esModuleInterop: true, types: ['node'] },
    project,
  );
  expect(errors).toEqual([]);
  expect(typeErrors(compilerOptions, files.map((f) => path.join(project, f)))).toBe('');
}, 150_000);

test('loads with require and with import', () => {
  const script = `
    const a = require('nethttp'), b = require('nethttp/adapters/node'), c = require('nethttp/adapters/express'), d = require('nethttp/httptest'), e = require('nethttp/httputil');
    const f = require('nethttp/adapters/fetch');
    import('nethttp/adapters/express').then((m) => {
      if (typeof a.ServeMux !== 'function' || typeof b.requestListener !== 'function' || typeof c.middleware !== 'function' ||
          typeof d.newRecorder !== 'function' || typeof e.ReverseProxy !== 'function' || m.middleware !== c.middleware ||
          typeof f.toFetch !== 'function' || f.ServeMux !== a.ServeMux) process.exit(1);
      process.stdout.write('ok');
    });`;
  expect(execFileSync(process.execPath, ['-e', script], { cwd: project, timeout: 30_000 }).toString()).toBe('ok');
});
