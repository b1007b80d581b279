/**
 * Issue #14's memory bound: one connection pipelines 10,000 requests for 64 KiB each and never reads. The server
 * starts no request while more than 64 KiB of replies are unsent (SRV-112), so its resident set grows by less
 * than 10 MB (it grew by 116 MB for 1,000 such requests before). The server runs in a child process whose VmRSS
 * is sampled.
 */

import type { ChildProcess } from 'node:child_process';
import * as net from 'node:net';
import { startChild, stopChild } from './child';
import { rss } from './rss-util';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

let child: ChildProcess;
let port = 0;

beforeAll(async () => {
  ({ child, port } = await startChild('hostile-server'));
});

afterAll(() => stopChild(child));

/** Sends one connection's worth of requests and waits for the reply to the last one. */
async function warmUp(n: number): Promise<void> {
  const s = net.connect(port, '127.0.0.1');
  let got = 0;
  await new Promise<void>((resolve) => {
    s.on('data', (d: Buffer) => {
      got += d.length;
      if (got >= n * 65536) resolve();
    });
    s.write('GET / HTTP/1.1\r\nHost: a\r\n\r\n'.repeat(n));
  });
  s.destroy();
}

test('10,000 pipelined requests never read: server RSS grows by less than 10 MB', async () => {
  await warmUp(200);
  await sleep(300);
  const before = rss(child.pid!);
  const s = net.connect(port, '127.0.0.1');
  s.pause(); // never read
  s.on('error', () => undefined);
  await new Promise<void>((resolve) => s.once('connect', () => resolve()));
  s.write('GET / HTTP/1.1\r\nHost: a\r\n\r\n'.repeat(10_000));
  let peak = before;
  for (let i = 0; i < 40; i++) {
    await sleep(50);
    peak = Math.max(peak, rss(child.pid!));
  }
  s.destroy();
  const growth = peak - before;
  process.stdout.write(`10,000 pipelined unread requests: server RSS ${(before / 1048576).toFixed(1)} MiB -> peak ${(peak / 1048576).toFixed(1)} MiB (+${(growth / 1e6).toFixed(2)} MB)\n`);
  expect(growth).toBeLessThan(10e6);
});
