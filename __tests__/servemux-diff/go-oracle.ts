/**
 * Runs the Go 1.23 oracle (oracle/main.go) as one child process and talks to it a line at a time. Go is found as
 * the GO environment variable names it, else `go` on PATH; without Go, {@link startOracle} returns null.
 */

import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, copyFileSync, writeFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import type { MuxTable } from './generate';
import type { TableOutcome } from './replay';

/** The Go toolchain to use: `$GO`, else `go` from PATH, or null when neither runs. */
export function findGo(): string | null {
  const go = process.env.GO ?? 'go';
  try {
    const v = execFileSync(go, ['version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    if (!/\bgo1\.23(\.|\s)/.test(v)) process.stderr.write(`note: the oracle expects Go 1.23; ${go} is ${v.trim()}\n`);
    return go;
  } catch {
    return null;
  }
}

/** A running oracle. */
export interface Oracle {
  /** Go's outcome for one table. */
  ask(t: MuxTable): Promise<TableOutcome>;
  close(): void;
}

/** Builds the oracle with `go` into a temporary directory and starts it. */
export function startOracle(go: string | null = findGo()): Oracle | null {
  if (go === null) return null;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nethttp-mux-oracle-'));
  const src = path.join(__dirname, 'oracle', 'main.go');
  // The build reads the source tree, so running from dist/ uses the committed source next to the TypeScript.
  const source = src.includes(`${path.sep}dist${path.sep}`) ? src.replace(`${path.sep}dist${path.sep}`, path.sep) : src;
  copyFileSync(source, path.join(dir, 'main.go'));
  writeFileSync(path.join(dir, 'go.mod'), 'module muxoracle\n\ngo 1.23\n');
  const bin = path.join(dir, 'oracle');
  execFileSync(go, ['build', '-o', bin, '.'], {
    cwd: dir,
    env: { ...process.env, GOTOOLCHAIN: 'local', GOPROXY: 'off', GOFLAGS: '-mod=mod' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const child = spawn(bin, [], { stdio: ['pipe', 'pipe', 'inherit'] });
  const waiting: Array<(line: string) => void> = [];
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => waiting.shift()?.(line));
  child.on('exit', (code) => {
    if (waiting.length > 0) throw new Error(`the Go oracle exited (${code}) with questions pending`);
  });
  return {
    ask(t: MuxTable): Promise<TableOutcome> {
      return new Promise((resolve) => {
        waiting.push((line) => resolve(JSON.parse(line) as TableOutcome));
        child.stdin.write(JSON.stringify(t) + '\n');
      });
    },
    close(): void {
      child.stdin.end();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
