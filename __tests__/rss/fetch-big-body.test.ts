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
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';

const script = path.resolve(__dirname, '..', '..', 'dist', '__tests__', 'rss', 'fetch-stream-server.js');
const GiB = 1024 * 1024 * 1024;
const MiB = 1024 * 1024;

function rss(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

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

/** POSTs 1 GiB to `port` as fast as the server takes it; resolves with the reply. */
function postGiB(port: number): Promise<string> {
  const chunk = Buffer.alloc(256 * 1024, 'y');
  return new Promise<string>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/sink', agent: false, headers: { 'Content-Length': String(GiB) } }, (res) => {
      let s = '';
      res.on('data', (d: Buffer) => (s += d.toString()));
      res.on('end', () => resolve(s));
    });
    req.on('error', reject);
    let sent = 0;
    const pump = (): void => {
      while (sent < GiB) {
        sent += chunk.length;
        if (!req.write(chunk)) {
          req.once('drain', pump);
          return;
        }
      }
      req.end();
    };
    pump();
  });
}

let carrier: Child;

beforeAll(async () => {
  carrier = new Child([]);
  await carrier.start();
});

afterAll(() => carrier.stop());

test('a 1 GiB response streamed by a handler that awaits drained() keeps the server under 128 MiB RSS', async () => {
  carrier.peak = 0;
  const got = await new Promise<number>((resolve, reject) => {
    http.get({ host: '127.0.0.1', port: carrier.port, path: '/big?mb=1024', agent: false }, (res) => {
      let n = 0;
      res.on('data', (d: Buffer) => (n += d.length));
      res.on('end', () => resolve(n));
      res.on('error', reject);
    }).on('error', reject);
  });
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
