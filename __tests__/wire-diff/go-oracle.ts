/**
 * Builds and starts the Go 1.23 server of the wire differential test (oracle/main.go). Go is found as the GO
 * environment variable names it, else `go` on PATH; without Go, {@link startGoServer} returns null.
 */

import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, copyFileSync, writeFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findGo } from '../servemux-diff/go-oracle';

/** Builds oracle/main.go into a temporary directory and starts it; resolves once it listens. */
export async function startGoServer(go: string | null = findGo()): Promise<{ port: number; close(): void } | null> {
  if (go === null) return null;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nethttp-wire-oracle-'));
  // The build reads the source tree, so running from dist/ uses the committed source next to the TypeScript.
  const src = path.join(__dirname.replace(`${path.sep}dist${path.sep}`, path.sep), 'oracle', 'main.go');
  copyFileSync(src, path.join(dir, 'main.go'));
  writeFileSync(path.join(dir, 'go.mod'), 'module wireoracle\n\ngo 1.23\n');
  const bin = path.join(dir, 'oracle');
  execFileSync(go, ['build', '-o', bin, '.'], {
    cwd: dir,
    env: { ...process.env, GOTOOLCHAIN: 'local', GOPROXY: 'off', GOFLAGS: '-mod=mod' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const child = spawn(bin, [], { stdio: ['ignore', 'pipe', 'ignore'] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.on('error', reject);
  });
  return {
    port,
    close(): void {
      child.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
