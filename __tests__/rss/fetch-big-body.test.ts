/**
 * The fetch carrier's memory bound (issue #17), on @hono/node-server: a 1 GiB response streamed through toFetch's
 * ReadableStream by a handler that awaits drained(), and a 1 GiB request body read as it arrives, keep the server
 * under 128 MiB RSS — memory that does not grow with the body (held whole, either would take over 1024 MiB). The
 * bound is above the native server's 100 MiB because the platform itself needs about that much: a plain fetch
 * handler reading the same 1 GiB body on @hono/node-server, measured in the same run and printed beside, peaks at
 * 92-95 MiB here, and the peaks of both move by 10-20 MiB with the machine's load (garbage collection timing). Each
 * server runs in a child process whose VmRSS is sampled.
 */

import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { GiB, getGiB, postGiB, rss } from './rss-util';

const script = path.resolve(__dirname, '..', '..', 'dist', '__tests__', 'rss', 'fetch-stream-server.js');
const MiB = 1024 * 1024;

/** A server child with its peak RSS sampled every 50 ms. */
class Child {
  peak = 0;
  port = 0;
  private proc: ChildProcess;
  private sampler: NodeJS.Timeout | null = null;
  constructor(args: string[]) {
    this.proc = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  }
  async start(): Promise<void> {
    this.port = await new Promise<number>((resolve, reject) => {
      let out = '';
      this.proc.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /listening on [\d.]+:(\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      this.proc.on('error', reject);
    });
    this.sampler = setInterval(() => {
      try {
        this.peak = Math.max(this.peak, rss(this.proc.pid!));
      } catch {
        // the child has exited
      }
    }, 50);
  }
  async stop(): Promise<void> {
    if (this.sampler !== null) clearInterval(this.sampler);
    this.proc.kill('SIGTERM');
    await new Promise((r) => this.proc.once('exit', r));
  }
}

let carrier: Child;

beforeAll(async () => {
  carrier = new Child([]);
  await carrier.start();
});

afterAll(() => carrier.stop());

test('a 1 GiB response streamed by a handler that awaits drained() keeps the server under 128 MiB RSS', async () => {
  carrier.peak = 0;
  const got = await getGiB(carrier.port);
  expect(got).toBe(GiB);
  process.stdout.write(`fetch carrier, 1 GiB response: server peak RSS ${(carrier.peak / MiB).toFixed(1)} MiB\n`);
  expect(carrier.peak).toBeGreaterThan(0);
  expect(carrier.peak).toBeLessThan(128 * MiB);
}, 120_000);

test('a 1 GiB request body read as it arrives keeps the server under 128 MiB RSS (the platform alone measured beside)', async () => {
  const plain = new Child(['plain']);
  await plain.start();
  try {
    expect(await postGiB(plain.port)).toBe(`read ${GiB}\n`);
  } finally {
    await plain.stop();
  }
  carrier.peak = 0;
  expect(await postGiB(carrier.port)).toBe(`read ${GiB}\n`);
  process.stdout.write(
    `1 GiB request body: fetch carrier peak RSS ${(carrier.peak / MiB).toFixed(1)} MiB, @hono/node-server alone ${(plain.peak / MiB).toFixed(1)} MiB\n`,
  );
  expect(plain.peak).toBeGreaterThan(0);
  expect(carrier.peak).toBeLessThan(128 * MiB);
}, 180_000);
