/** The child-process server of the resource tests: started from dist/, resolved with its port once it listens. */

import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

/** Starts `dist/__tests__/rss/<name>.js` with `args`; it prints `listening on host:port`. */
export async function startChild(name: string, args: string[] = []): Promise<{ child: ChildProcess; port: number }> {
  const script = path.resolve(__dirname, '..', '..', 'dist', '__tests__', 'rss', `${name}.js`);
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on [\d.]+:(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { child, port };
}

/** Stops a child started by {@link startChild} and waits for it to exit. */
export async function stopChild(child: ChildProcess): Promise<void> {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
}

/** User + system CPU seconds of a process, all its threads (from /proc). */
export function cpu(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(rest[11]) + Number(rest[12])) / 100;
}
