/**
 * The Go programs that record goldens (the `*-oracle/` folders): built with Go 1.23 — the `go` on PATH or the
 * binary named by the GO environment variable — and started on 127.0.0.1:0. Used by the `*.record.ts` scripts
 * only; `npm test` never needs Go.
 */

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fsn from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Builds the Go program in `dir` (relative to __tests__) into a temporary binary; returns its path. */
export function buildOracle(dir: string): string {
  const bin = path.join(fsn.mkdtempSync(path.join(os.tmpdir(), `${dir}-`)), 'oracle');
  execFileSync(process.env.GO ?? 'go', ['build', '-o', bin, '.'], { cwd: path.join(__dirname, dir) });
  return bin;
}

/** Starts an oracle binary and resolves with its port once it prints `listening on 127.0.0.1:<port>`. */
export function startOracle(bin: string, args: string[], stderr: 'inherit' | 'ignore' = 'inherit'): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', stderr] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.on('error', reject);
  });
}
