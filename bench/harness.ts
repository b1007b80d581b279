/**
 * Shared bench machinery: start a server pinned to core 0 and wait for its `listening on` line, run wrk pinned to
 * core 1, take medians.
 */

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export function has(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export interface Target {
  name: string;
  cmd: string;
  argv: string[];
  env?: NodeJS.ProcessEnv;
  /** Cores the server may use (taskset list); default core 0, the load generator's being core 1. */
  cpus?: string;
}

export function start(t: Target): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('taskset', ['-c', t.cpus ?? '0', t.cmd, ...t.argv, '0'], { env: t.env ?? process.env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${t.name}: no listening line`)), 20000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: `http://${m[1]}/` });
      }
    });
    child.on('error', reject);
  });
}

export function wrk(url: string, seconds: number, connections: number, script?: string): { rps: number; p99ms: number } {
  const out = execFileSync('taskset', ['-c', '1', 'wrk', '-t1', `-c${connections}`, `-d${seconds}s`, '--latency', ...(script ? ['-s', script] : []), url]).toString();
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0);
  const m = /99%\s+([\d.]+)(us|ms|s)/.exec(out);
  const p99ms = m ? Number(m[1]) * (m[2] === 'us' ? 0.001 : m[2] === 's' ? 1000 : 1) : NaN;
  return { rps, p99ms };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}


/** Builds a Go program of bench/go with the local Go 1.23 (offline); null when Go is not installed. */
export function buildGo(root: string, file: string, name: string): string | null {
  const go = ['/usr/lib/go-1.23/bin/go', 'go'].find((g) => (g.startsWith('/') ? existsSync(g) : has(g)));
  if (go === undefined) return null;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nethttp-bench-go-'));
  writeFileSync(path.join(dir, 'go.mod'), `module bench${name}\n\ngo 1.23\n`);
  execFileSync(go, ['build', '-o', path.join(dir, name), path.join(root, 'bench', 'go', file)], {
    cwd: dir,
    env: { ...process.env, GOPROXY: 'off', GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod', GOPATH: path.join(dir, 'gopath'), GOCACHE: path.join(dir, 'gocache') },
    stdio: 'inherit',
  });
  return path.join(dir, name);
}

/** A numeric `--name value` option of the command line, or `def`. */
export function opt(name: string, def: number): number {
  const args = process.argv.slice(2);
  const i = args.indexOf('--' + name);
  return i >= 0 ? Number(args[i + 1]) : def;
}

export interface Measured {
  name: string;
  /** req/s and p99 (ms) of each round, in round order. */
  rps: number[];
  p99: number[];
}

/**
 * Measures every target with wrk in interleaved rounds: all servers run at once (an idle one costs nothing),
 * each is warmed for 2 s, then each round measures them one after the other. This machine's speed drifts by
 * tens of percent within a minute; a ratio is only fair between runs taken seconds apart.
 */
export async function interleave(targets: Target[], o: { duration: number; connections: number; runs: number; script?: string }): Promise<Measured[]> {
  const up: Array<{ child: ChildProcess; url: string; m: Measured }> = [];
  try {
    for (const t of targets) {
      const { child, url } = await start(t);
      up.push({ child, url, m: { name: t.name, rps: [], p99: [] } });
    }
    for (const u of up) wrk(u.url, 2, o.connections, o.script);
    for (let i = 0; i < o.runs; i++) {
      for (const u of up) {
        const r = wrk(u.url, o.duration, o.connections, o.script);
        u.m.rps.push(r.rps);
        u.m.p99.push(r.p99ms);
      }
    }
  } finally {
    for (const u of up) u.child.kill('SIGTERM');
    await Promise.all(up.map((u) => new Promise((res) => (u.child.exitCode !== null ? res(null) : u.child.once('exit', res)))));
  }
  return up.map((u) => u.m);
}

/** The median of per-round ratios of `m` to `base` (both from {@link interleave}). */
export function ratio(m: Measured, base: Measured): number {
  return median(m.rps.map((x, i) => x / base.rps[i]));
}
