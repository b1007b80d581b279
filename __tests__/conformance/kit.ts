/**
 * Runs the conformance kit against the compiled test servers and returns its figures. The kit (runner, cases and
 * Go 1.23 goldens) is vendored under `kit/` so that CI needs neither Go nor anything outside this repository;
 * `kit-sync.test.ts` checks the copy against the upstream kit when that is present beside the project.
 */

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';

export const repoRoot = path.resolve(__dirname, '..', '..');
export const kitDir = path.join(__dirname, 'kit');
/** Where the upstream kit lives when the project is checked out beside it. */
export const upstreamKitDir = path.resolve(repoRoot, '..', 'shared', 'conformance');
export const kitPresent = existsSync(path.join(kitDir, 'run.mjs'));

export interface KitResult {
  passed: number;
  failed: number;
  failures: string[];
  output: string;
}

/** Runs the kit with `args` (e.g. `['--scenarios', cmd]`) and parses its closing `N passed, M failed` line. */
export function runKit(args: string[], timeoutMs = 240_000): Promise<KitResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(kitDir, 'run.mjs'), ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(timer);
      const m = /^(\d+) passed, (\d+) failed$/m.exec(out);
      if (!m) return reject(new Error(`kit printed no closing line:\n${out}\n${err}`));
      const failures = out.split('\n').filter((l) => l.startsWith('FAIL '));
      resolve({ passed: Number(m[1]), failed: Number(m[2]), failures, output: out + err });
    });
  });
}

/** The command line that starts a compiled test server. */
export function serverCmd(name: 'scenarios-server' | 'mux-echo-server'): string {
  return `"${process.execPath}" "${path.join(repoRoot, 'dist', '__tests__', 'conformance', name + '.js')}"`;
}
