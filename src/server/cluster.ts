/**
 * Cluster mode: one {@link Server} per core on `node:cluster`. Go's server uses every core from one process; a
 * Node process runs JavaScript on one, so nethttp forks workers that share the listen socket. The primary
 * replaces workers that crash and, on shutdown, drains every worker with Go's graceful `Shutdown`.
 * @module
 */

import cluster, { type Worker } from 'node:cluster';
import * as os from 'node:os';
import { background, withDeadline, withTimeout, type Context } from '../context';
import { NetHTTPError } from '../errors';
import { logf, type Logger } from '../log';
import type { Server } from './server';

/** Options of {@link runCluster}. */
export interface ClusterOptions {
  /** Number of worker processes; default `os.availableParallelism()`. */
  workers?: number;
  /** Script the workers run; default the primary's own script, so one file holds both roles. */
  exec?: string;
  /** Arguments for the workers' script; default the primary's. */
  args?: string[];
  /** Replace a worker that exits while the cluster is serving (default true); a worker that dies young waits longer. */
  restart?: boolean;
  /**
   * Signals on which the primary drains every worker and then exits: default `['SIGTERM', 'SIGINT']`; `[]` leaves
   * signals to the program. A second signal during the drain closes everything at once.
   */
  shutdownSignals?: NodeJS.Signals[];
  /** How long a signal-triggered drain may take before the remaining connections are closed; default 30 000 ms. */
  shutdownTimeout?: number;
  /** Where the primary logs worker exits; stderr when absent. */
  errorLog?: Logger | null;
}

/** The address a worker's server listens on, as `node:cluster` reports it. */
export interface ClusterAddress {
  address: string | null;
  port: number;
}

/**
 * WorkerExitError: a worker exited before it was listening, so the cluster could not start
 * ({@link ClusterPrimary.ready} rejects with it).
 */
export class WorkerExitError extends NetHTTPError {
  constructor(
    readonly pid: number | undefined,
    readonly exitCode: number | null,
    readonly signal: string | null,
  ) {
    super('WorkerExitError', `nethttp: cluster worker ${pid ?? '?'} exited before listening (${signal ?? `code ${exitCode}`})`);
    this.name = 'WorkerExitError';
  }
}

// Messages between primary and workers; the tag keeps them apart from the application's own messages.
interface ControlMessage {
  nethttp: 'shutdown' | 'close';
  deadline?: number;
}

function isControl(m: unknown): m is ControlMessage {
  return typeof m === 'object' && m !== null && ((m as ControlMessage).nethttp === 'shutdown' || (m as ControlMessage).nethttp === 'close');
}

/**
 * ClusterPrimary is the primary process's handle on the workers: wait until they listen, drain them, or close them.
 */
export class ClusterPrimary {
  private readonly live = new Set<Worker>();
  private readonly listened = new WeakSet<Worker>();
  private readonly restart: boolean;
  private readonly log: Logger | null;
  private stopping = false;
  private restarts = 0;
  private readyWait: { resolve: (a: ClusterAddress) => void; reject: (e: Error) => void } | null = null;
  private readonly readyPromise: Promise<ClusterAddress>;
  private firstAddress: ClusterAddress | null = null;
  private readonly exitWaiters = new Set<() => void>();

  /** @internal Use {@link runCluster}. */
  constructor(
    private readonly count: number,
    opts: ClusterOptions,
  ) {
    this.restart = opts.restart !== false;
    this.log = opts.errorLog ?? null;
    this.readyPromise = new Promise((resolve, reject) => (this.readyWait = { resolve, reject }));
    this.readyPromise.catch(() => undefined);
    for (let i = 0; i < count; i++) this.fork();
  }

  /** The workers alive now. */
  get workers(): ReadonlySet<Worker> {
    return this.live;
  }

  /**
   * ready resolves, with the listen address, once every worker has a listening server; it rejects with
   * {@link WorkerExitError} if one exits first (a bad address, a throw at startup), after closing the others.
   */
  ready(): Promise<ClusterAddress> {
    return this.readyPromise;
  }

  /**
   * shutdown drains the cluster: every worker runs {@link Server.shutdown} with `ctx`'s deadline (stop
   * accepting, finish active requests, close idle connections) and exits; no worker is replaced meanwhile.
   * Resolves when every worker has exited. If `ctx` ends first, the workers close their remaining connections
   * ({@link Server.close}) and the promise rejects with the context's error, as Go's `Shutdown` does.
   */
  async shutdown(ctx: Context = background()): Promise<void> {
    this.stopping = true;
    const deadline = ctx.deadline();
    for (const w of this.live) send(w, { nethttp: 'shutdown', deadline });
    let ended = false;
    const done = ctx.done().then(() => {
      ended = true;
    });
    await Promise.race([this.allExited(), done]);
    if (this.live.size === 0) return;
    if (ended) {
      await this.close();
      throw ctx.err() ?? new Error('context done');
    }
  }

  /**
   * close ends the cluster now: every worker runs {@link Server.close} (active connections are cut) and exits;
   * a worker that does not exit within a second is killed.
   */
  async close(): Promise<void> {
    this.stopping = true;
    for (const w of this.live) send(w, { nethttp: 'close' });
    const killer = setTimeout(() => {
      for (const w of this.live) w.process.kill('SIGKILL');
    }, 1000);
    await this.allExited();
    clearTimeout(killer);
  }

  private allExited(): Promise<void> {
    if (this.live.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const check = (): void => {
        if (this.live.size === 0) {
          this.exitWaiters.delete(check);
          resolve();
        }
      };
      this.exitWaiters.add(check);
    });
  }

  private fork(): void {
    const w = cluster.fork();
    const born = Date.now();
    this.live.add(w);
    w.on('listening', (a: { address: string | null; port: number }) => {
      if (this.listened.has(w)) return;
      this.listened.add(w);
      if (this.firstAddress === null) this.firstAddress = { address: a.address, port: a.port };
      if (this.readyWait !== null && [...this.live].every((x) => this.listened.has(x)) && this.live.size >= this.count) {
        this.readyWait.resolve(this.firstAddress);
        this.readyWait = null;
      }
    });
    w.on('error', () => undefined);
    w.on('exit', (code: number | null, signal: string | null) => {
      this.live.delete(w);
      for (const f of [...this.exitWaiters]) f();
      if (this.stopping) return;
      if (!this.listened.has(w)) {
        // Starting failed: report it and take the cluster down rather than fork in a loop.
        logf(this.log, `nethttp: cluster worker ${w.process.pid} exited before listening (${signal ?? `code ${code}`})`);
        const err = new WorkerExitError(w.process.pid, code, signal);
        void this.close().then(() => {
          if (this.readyWait !== null) this.readyWait.reject(err);
          this.readyWait = null;
        });
        return;
      }
      logf(this.log, `nethttp: cluster worker ${w.process.pid} exited (${signal ?? `code ${code}`})${this.restart ? '; starting a new one' : ''}`);
      if (!this.restart) return;
      // A worker that lived less than a second may crash again at once: back off, doubling up to 10 s.
      const young = Date.now() - born < 1000;
      this.restarts = young ? this.restarts + 1 : 0;
      const wait = young ? Math.min(100 * 2 ** (this.restarts - 1), 10_000) : 0;
      setTimeout(() => {
        if (!this.stopping) this.fork();
      }, wait).unref();
    });
  }
}

function send(w: Worker, m: ControlMessage): void {
  try {
    if (w.isConnected()) w.send(m);
  } catch {
    // The worker is going away already; its exit event settles the wait.
  }
}

/**
 * runCluster runs a server on every core. Call it at the top of the program, which then plays both roles:
 *
 * - in the primary it forks the workers and resolves with a {@link ClusterPrimary};
 * - in a worker it calls `startWorker`, which builds a {@link Server} and starts it serving (without awaiting
 *   the serve promise), and resolves with null. The worker then follows the primary: it drains its server on
 *   shutdown and exits once the server is done.
 *
 * Workers share the listen socket (`node:cluster`'s round-robin on Linux). A worker ignores SIGINT, which a
 * terminal sends to every process of the group, and leaves the drain to the primary; SIGTERM sent to one worker
 * drains that worker alone.
 *
 * @example
 * ```ts
 * const primary = await runCluster(() => {
 *   const srv = new Server({ addr: ':8080', handler: mux });
 *   srv.listenAndServe().catch(() => undefined);
 *   return srv;
 * }, { workers: 2 });
 * if (primary !== null) console.log('listening on', (await primary.ready()).port);
 * ```
 */
export async function runCluster(startWorker: () => Server | Promise<Server>, opts: ClusterOptions = {}): Promise<ClusterPrimary | null> {
  if (cluster.isPrimary) {
    const settings: { exec?: string; args?: string[] } = {};
    if (opts.exec !== undefined) settings.exec = opts.exec;
    if (opts.args !== undefined) settings.args = opts.args;
    cluster.setupPrimary(settings);
    const n = Math.max(1, opts.workers ?? os.availableParallelism());
    const primary = new ClusterPrimary(n, opts);
    const signals = opts.shutdownSignals ?? ['SIGTERM', 'SIGINT'];
    const timeout = opts.shutdownTimeout ?? 30_000;
    let draining = false;
    const onSignal = (): void => {
      if (draining) {
        void primary.close().then(() => process.exit(1));
        return;
      }
      draining = true;
      const [ctx] = withTimeout(background(), timeout);
      primary.shutdown(ctx).then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    for (const s of signals) process.on(s, onSignal);
    return primary;
  }
  const srv = await startWorker();
  let stopping: Promise<void> | null = null;
  const stop = (m: ControlMessage): void => {
    if (m.nethttp === 'close') {
      void srv.close().finally(() => process.exit(0));
      return;
    }
    if (stopping !== null) return;
    const [ctx] = m.deadline !== undefined ? withDeadline(background(), m.deadline) : [background()];
    stopping = srv.shutdown(ctx).then(
      () => process.exit(0),
      () => srv.close().finally(() => process.exit(0)),
    );
  };
  process.on('message', (m: unknown) => {
    if (isControl(m)) stop(m);
  });
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => stop({ nethttp: 'shutdown' }));
  return null;
}
