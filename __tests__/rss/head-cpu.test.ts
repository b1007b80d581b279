/**
 * Issue #14's CPU bound: a 1 MiB request head sent in 512-byte pieces costs CPU in proportion to its size. (Each
 * piece used to copy the whole partial head again: about 1 GB copied, 1.75-2.3 s; Go 1.23 takes about 0.28 s.)
 * The server runs in a child process whose CPU time is read from /proc (the best of two runs).
 */

import type { ChildProcess } from 'node:child_process';
import * as net from 'node:net';
import { cpu, startChild, stopChild } from './child';


let child: ChildProcess;
let port = 0;

beforeAll(async () => {
  ({ child, port } = await startChild('hostile-server'));
});

afterAll(() => stopChild(child));

/** A request head of exactly `size` bytes. */
function bigHead(size: number): Buffer {
  let s = 'GET / HTTP/1.1\r\nHost: a\r\n';
  for (let i = 0; s.length < size - 200; i++) s += `X-Pad-${i}: ${'a'.repeat(100)}\r\n`;
  s += `X-Last: ${'b'.repeat(size - s.length - 12)}\r\n\r\n`;
  return Buffer.from(s, 'latin1');
}

/** Sends `head` in 512-byte pieces, one per read; the server's CPU seconds until the reply began. */
async function sendInPieces(head: Buffer): Promise<{ used: number; got: string }> {
  const s = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve) => s.once('connect', () => resolve()));
  let got = '';
  const answered = new Promise<void>((resolve) => {
    s.on('data', (d: Buffer) => {
      got += d.toString('latin1', 0, Math.min(d.length, 64));
      resolve();
    });
  });
  const before = cpu(child.pid!);
  for (let i = 0; i < head.length; i += 512) {
    s.write(head.subarray(i, i + 512));
    // One piece at a time: the server reads each on its own instead of the kernel joining them.
    await new Promise((r) => setTimeout(r, 1));
  }
  await answered;
  const used = cpu(child.pid!) - before;
  s.destroy();
  return { used, got };
}

// CPU time on a shared machine is noisy (upwards only: the best of two runs is kept), so the test bounds how the cost
// grows rather than a number of seconds: four times the head must cost about four times the CPU. Copying the partial
// head on every read, as before, made it about sixteen times. The absolute figure is printed for the record
// (issue #14: under 0.5 s; measured 0.35-0.41 s against Go's 0.29-0.32 s).
test('a head in 512-byte pieces costs the server CPU in proportion to its size (1 MiB against 256 KiB)', async () => {
  const best = async (size: number): Promise<number> => {
    const head = bigHead(size);
    expect(head.length).toBe(size);
    const a = await sendInPieces(head);
    const b = await sendInPieces(head);
    expect(a.got.startsWith('HTTP/1.1 200 OK')).toBe(true);
    expect(b.got.startsWith('HTTP/1.1 200 OK')).toBe(true);
    return Math.min(a.used, b.used);
  };
  const small = await best(256 << 10);
  const large = await best(1 << 20);
  process.stdout.write(`head in 512-byte pieces: server CPU 256 KiB ${small.toFixed(2)} s, 1 MiB ${large.toFixed(2)} s\n`);
  // /proc counts CPU in 10 ms ticks: the small run's figure is at least one tick.
  expect(large / Math.max(small, 0.01)).toBeLessThan(8);
}, 60_000);
