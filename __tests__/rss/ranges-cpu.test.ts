/**
 * Many small ranges of a file (issue #14): 20,000 one-byte ranges are answered as Go answers them, one
 * multipart/byteranges part each with the right byte, and the small ranges are read through one window of the
 * file instead of one read each (about 3 s of server CPU before; Go 1.23: 0.6 s). The file server runs in a child
 * process whose CPU time is read from /proc (the best of three runs: the machine is shared); the number of reads
 * is counted in process.
 */

import type { ChildProcess } from 'node:child_process';
import * as fsn from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { cpu, startChild, stopChild } from './child';
import { serveContent } from '../../src';
import { newRecorder, newRequest } from '../../adapters/httptest';

let child: ChildProcess;
let port = 0;
let tmp = '';
const data = Buffer.alloc(100_000);

beforeAll(async () => {
  tmp = fsn.mkdtempSync(path.join(os.tmpdir(), 'nethttp-ranges-'));
  for (let i = 0; i < data.length; i++) data[i] = (i * 7 + 3) & 0xff;
  fsn.writeFileSync(path.join(tmp, 'f.bin'), data);
  ({ child, port } = await startChild('big-range-server', [tmp]));
});

afterAll(async () => {
  await stopChild(child);
  fsn.rmSync(tmp, { recursive: true, force: true });
});

test('20,000 one-byte ranges: every part right, under 1 s of server CPU', async () => {
  const starts = Array.from({ length: 20_000 }, (_, i) => (i * 4999) % 99_991);
  const req = `GET /f.bin HTTP/1.1\r\nHost: a\r\nRange: bytes=${starts.map((s) => `${s}-${s}`).join(',')}\r\nConnection: close\r\n\r\n`;
  let used = Infinity;
  let reply: Buffer = Buffer.alloc(0);
  for (let run = 0; run < 3; run++) {
    const before = cpu(child.pid!);
    reply = await new Promise<Buffer>((resolve) => {
      const parts: Buffer[] = [];
      const s = net.connect(port, '127.0.0.1', () => s.write(req));
      s.on('data', (d: Buffer) => parts.push(d));
      s.on('close', () => resolve(Buffer.concat(parts)));
    });
    used = Math.min(used, cpu(child.pid!) - before);
  }
  process.stdout.write(`20,000 one-byte ranges: server CPU ${used.toFixed(2)} s\n`);
  const text = reply.toString('latin1');
  expect(text.startsWith('HTTP/1.1 206 Partial Content\r\n')).toBe(true);
  const boundary = /boundary=([0-9a-f]+)\r\n/.exec(text)![1];
  const chunks = text.split(`\r\n--${boundary}\r\n`).slice(1);
  expect(chunks.length).toBe(20_000);
  const wrong = chunks.filter((c, i) => {
    const range = /Content-Range: bytes (\d+)-(\d+)\/100000\r\n/.exec(c);
    const at = c.indexOf('\r\n\r\n') + 4;
    return range === null || Number(range[1]) !== starts[i] || c.charCodeAt(at) !== data[starts[i]];
  });
  expect(wrong.length).toBe(0);
  expect(text.endsWith(`\r\n--${boundary}--\r\n`)).toBe(true);
  expect(used).toBeLessThan(1);
});

test('20,000 one-byte ranges of a 100 KB content take at most three reads of it, not 20,000', async () => {
  let reads = 0;
  const content = {
    size: () => data.length,
    read: (buf: Uint8Array, position: number): number => {
      reads++;
      return data.copy(buf, 0, position, Math.min(data.length, position + buf.length));
    },
  };
  const r = newRequest('GET', '/f.bin');
  r.header.set('Range', 'bytes=' + Array.from({ length: 20_000 }, (_, i) => `${i * 5}-${i * 5}`).join(','));
  const w = newRecorder();
  await serveContent(w, r, 'f.bin', null, content);
  expect(w.code).toBe(206);
  // One read for the type sniff, then one per 64 KiB window.
  expect(reads).toBeLessThanOrEqual(3);
});
