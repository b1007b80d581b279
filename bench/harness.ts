/**
 * Shared bench machinery: start a server pinned to core 0 and wait for its `listening on` line, run wrk pinned to
 * core 1, take medians.
 */

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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
  /** How long to wait for the `listening on` line (ms); default 20 s. */
  startTimeout?: number;
  /** Called with the server's standard output after its `listening on` line (V8's `--trace-gc` lines go there). */
  onOutput?: (text: string) => void;
}

export function start(t: Target): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('taskset', ['-c', t.cpus ?? '0', t.cmd, ...t.argv, '0'], { env: t.env ?? process.env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    let listening = false;
    const timer = setTimeout(() => reject(new Error(`${t.name}: no listening line`)), t.startTimeout ?? 20000);
    child.stdout!.on('data', (d: Buffer) => {
      if (listening) {
        t.onOutput?.(d.toString('latin1'));
        return;
      }
      out += d.toString('latin1');
      const m = /listening on (\S+)/.exec(out);
      if (m) {
        listening = true;
        clearTimeout(timer);
        resolve({ child, url: `http://${m[1]}/` });
      }
    });
    child.on('error', reject);
  });
}

export interface WrkResult {
  rps: number;
  p99ms: number;
  /** Transfer/sec in MB/s (10^6 bytes). */
  mbps: number;
  /** Non-2xx/3xx responses plus socket errors (connect, read, write, timeout). */
  errors: number;
}

/** Runs wrk pinned to core 1 against `url`; `headers` are added to every request (`-H`). */
export function wrk(url: string, seconds: number, connections: number, script?: string, headers: string[] = []): WrkResult {
  const args = ['-c', '1', 'wrk', '-t1', `-c${connections}`, `-d${seconds}s`, '--latency', '--timeout', '10s'];
  for (const h of headers) args.push('-H', h);
  if (script) args.push('-s', script);
  const out = execFileSync('taskset', [...args, url], { maxBuffer: 1 << 24 }).toString();
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0);
  const m = /99%\s+([\d.]+)(us|ms|s)/.exec(out);
  const p99ms = m ? Number(m[1]) * (m[2] === 'us' ? 0.001 : m[2] === 's' ? 1000 : 1) : NaN;
  const t = /Transfer\/sec:\s+([\d.]+)(B|KB|MB|GB)/.exec(out);
  const mbps = t ? (Number(t[1]) * { B: 1, KB: 1024, MB: 1 << 20, GB: 1 << 30 }[t[2] as 'B']) / 1e6 : 0;
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  const se = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const errors = non2xx + (se ? se.slice(1).reduce((a, b) => a + Number(b), 0) : 0);
  return { rps, p99ms, mbps, errors };
}

/** CPU time (user + system, ms) a process and all its threads used so far, from /proc. */
export function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / CLK_TCK;
  } catch {
    return NaN;
  }
}
const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/** Resident set and its peak (KiB) of a process, from /proc. */
export function rss(pid: number): { rssKiB: number; peakKiB: number } {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    return { rssKiB: Number(/VmRSS:\s+(\d+)/.exec(s)?.[1] ?? NaN), peakKiB: Number(/VmHWM:\s+(\d+)/.exec(s)?.[1] ?? NaN) };
  } catch {
    return { rssKiB: NaN, peakKiB: NaN };
  }
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}


/**
 * The Go toolchain: `$GO` when set, else `go` on PATH; null when neither is there or it is not Go 1.23 (the
 * peer the benches compare with).
 */
export function goCommand(): string | null {
  const go = process.env.GO ?? (has('go') ? 'go' : undefined);
  if (go === undefined) return null;
  try {
    const v = execFileSync(go, ['env', 'GOVERSION']).toString().trim();
    if (!v.startsWith('go1.23')) {
      console.error(`note: ${go} is ${v}, not Go 1.23; the Go column is skipped`);
      return null;
    }
  } catch {
    return null;
  }
  return go;
}

/** Builds a Go program of bench/go with Go 1.23 (offline); null when Go is not installed. */
export function buildGo(root: string, file: string, name: string): string | null {
  const go = goCommand();
  if (go === null) return null;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nethttp-bench-go-'));
  writeFileSync(path.join(dir, 'go.mod'), `module bench${name}\n\ngo 1.23\n`);
  execFileSync(go, ['build', '-o', path.join(dir, name), path.join(root, 'bench', 'go', file)], {
    cwd: dir,
    // One build cache for every run: a fresh one recompiles net/http each time.
    env: { ...process.env, GOPROXY: 'off', GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod', GOPATH: path.join(dir, 'gopath'), GOCACHE: path.join(os.tmpdir(), 'nethttp-bench-gocache') },
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
  /** req/s, p99 (ms), MB/s and errors of each round, in round order. */
  rps: number[];
  /**
   * The server's CPU time per request (µs, all its threads) of each round: what a server costs, whatever else runs
   * on the machine. On a machine shared with other work, req/s measures the load generator's luck as much as the
   * server; this does not.
   */
  cpuUs: number[];
  p99: number[];
  mbps: number[];
  errors: number[];
  /** The server's resident set after the last round, and its peak over the run (KiB). */
  rssKiB: number;
  peakKiB: number;
}

/** One kind of request of a workload: a path (or a wrk script) and extra header lines. */
export interface Case {
  name: string;
  path?: string;
  script?: string;
  headers?: string[];
  connections?: number;
}

/**
 * Measures every target on every case with wrk in interleaved rounds: all servers run at once (an idle one costs
 * nothing), each is warmed for 2 s on each case, then each round measures every case on every server one after
 * the other. This machine's speed drifts by tens of percent within a minute; a ratio is only fair between runs
 * taken seconds apart. Returns, per case, one {@link Measured} per target.
 */
export async function interleaveCases(
  targets: Target[],
  cases: Case[],
  o: { duration: number; connections: number; runs: number; warm?: number },
): Promise<Map<string, Measured[]>> {
  const up: Array<{ child: ChildProcess; url: string }> = [];
  const out = new Map<string, Measured[]>(cases.map((c) => [c.name, targets.map((t) => ({ name: t.name, rps: [], cpuUs: [], p99: [], mbps: [], errors: [], rssKiB: NaN, peakKiB: NaN }))]));
  const run = (u: { url: string }, c: Case, seconds: number): WrkResult =>
    wrk(u.url.replace(/\/$/, '') + (c.path ?? '/'), seconds, c.connections ?? o.connections, c.script, c.headers);
  try {
    for (const t of targets) up.push(await start(t));
    for (const c of cases) for (const u of up) run(u, c, o.warm ?? 2);
    for (let i = 0; i < o.runs; i++) {
      for (const c of cases) {
        up.forEach((u, j) => {
          const cpu0 = cpuMs(u.child.pid!);
          const r = run(u, c, o.duration);
          const cpu = cpuMs(u.child.pid!) - cpu0;
          const m = out.get(c.name)![j];
          m.rps.push(r.rps);
          m.cpuUs.push((cpu * 1000) / (r.rps * o.duration));
          m.p99.push(r.p99ms);
          m.mbps.push(r.mbps);
          m.errors.push(r.errors);
        });
      }
    }
    up.forEach((u, j) => {
      const mem = rss(u.child.pid!);
      for (const c of cases) Object.assign(out.get(c.name)![j], mem);
    });
  } finally {
    await stop(up.map((u) => u.child));
  }
  return out;
}

/** Stops bench servers (SIGTERM) and waits for them to exit. */
export async function stop(children: ChildProcess[]): Promise<void> {
  for (const c of children) c.kill('SIGTERM');
  await Promise.all(children.map((c) => new Promise((res) => (c.exitCode !== null || c.signalCode !== null ? res(null) : c.once('exit', res)))));
}

/** {@link interleaveCases} with one case: the server's root, or `script`. */
export async function interleave(targets: Target[], o: { duration: number; connections: number; runs: number; script?: string }): Promise<Measured[]> {
  const m = await interleaveCases(targets, [{ name: 'root', script: o.script }], o);
  return m.get('root')!;
}

/** The median of per-round ratios of `m` to `base` (both from {@link interleave}). */
export function ratio(m: Measured, base: Measured): number {
  return median(m.rps.map((x, i) => x / base.rps[i]));
}
