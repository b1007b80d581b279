/**
 * Issue #5's memory bound for files: a 2 GiB file (sparse: no disk used) served by fileServer with Range requests —
 * one range of more than 1 GiB, a suffix range, a multipart/byteranges reply spanning 512 MiB, a HEAD — while the
 * server's resident set stays under 100 MiB. The server runs in a child process (built into dist/) whose VmRSS is
 * sampled and whose VmHWM (the kernel's high-water mark) is read at the end.
 */

import type { ChildProcess } from 'node:child_process';
import { startChild } from './child';
import * as fsn from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const SIZE = 2 * GiB;
const LIMIT = 100 * MiB;
/** Bytes written into the sparse file, so that the client can check it receives the right offsets. */
const MARKS: Array<[number, string]> = [[0, 'START'], [GiB, 'ONE-GIB'], [GiB + 512 * MiB, 'MID'], [SIZE - 3, 'END']];

function status(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(fsn.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

let dir: string;
let child: ChildProcess;
let port = 0;
let peak = 0;
let sampler: NodeJS.Timeout;

beforeAll(async () => {
  dir = fsn.mkdtempSync(path.join(os.tmpdir(), 'nethttp-bigrange-'));
  const file = path.join(dir, 'big.bin');
  fsn.closeSync(fsn.openSync(file, 'w'));
  fsn.truncateSync(file, SIZE);
  const fd = fsn.openSync(file, 'r+');
  for (const [pos, text] of MARKS) fsn.writeSync(fd, text, pos);
  fsn.closeSync(fd);
  ({ child, port } = await startChild('big-range-server', [dir]));
  sampler = setInterval(() => {
    try {
      peak = Math.max(peak, status(child.pid!, 'VmRSS'));
    } catch {
      // the child has exited
    }
  }, 50);
});

afterAll(async () => {
  clearInterval(sampler);
  if (child.exitCode === null) {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
  fsn.rmSync(dir, { recursive: true, force: true });
});

interface Got {
  status: number;
  headers: http.IncomingHttpHeaders;
  length: number;
  /** Bytes seen at the given offsets of the body. */
  at: Map<number, string>;
  head: string;
}

/** Streams a reply, counting bytes and picking the bytes at `probes` (offsets into the body), never keeping it. */
function fetch(method: string, range: string, probes: Array<[number, number]> = []): Promise<Got> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: '/big.bin', agent: false, headers: { Range: range } }, (res) => {
      let length = 0;
      let head = '';
      const at = new Map<number, string>();
      res.on('data', (d: Buffer) => {
        if (head.length < 200) head += d.subarray(0, 200 - head.length).toString('latin1');
        for (const [off, n] of probes) {
          if (off + n > length && off < length + d.length) {
            const prev = at.get(off) ?? '';
            at.set(off, prev + d.subarray(Math.max(0, off + prev.length - length), Math.min(d.length, off + n - length)).toString('latin1'));
          }
        }
        length += d.length;
      });
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, length, at, head }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

test('2 GiB file: ranges of 1 GiB and more, suffix, multipart and HEAD under 100 MiB RSS', async () => {
  // One range past 1 GiB: [512 MiB, 1.5 GiB + 6].
  const start = 512 * MiB;
  const end = GiB + 512 * MiB + 2;
  let g = await fetch('GET', `bytes=${start}-${end}`, [[0, 1], [GiB - start, 7], [GiB + 512 * MiB - start, 3]]);
  expect(g.status).toBe(206);
  expect(g.headers['content-range']).toBe(`bytes ${start}-${end}/${SIZE}`);
  expect(g.length).toBe(end - start + 1);
  expect(g.at.get(GiB - start)).toBe('ONE-GIB');
  expect(g.at.get(GiB + 512 * MiB - start)).toBe('MID');
  expect(g.at.get(0)).toBe('\0');

  // The last bytes.
  g = await fetch('GET', 'bytes=-8', [[5, 3]]);
  expect([g.status, g.length, g.headers['content-range'], g.at.get(5)]).toEqual([206, 8, `bytes ${SIZE - 8}-${SIZE - 1}/${SIZE}`, 'END']);

  // Several ranges: multipart/byteranges, its exact Content-Length computed in advance (FS-75).
  g = await fetch('GET', `bytes=0-99,${GiB}-${GiB + 256 * MiB - 1},${SIZE - 256 * MiB}-`);
  expect(g.status).toBe(206);
  const boundary = /^multipart\/byteranges; boundary=([0-9a-f]{60})$/.exec(String(g.headers['content-type']))![1];
  expect(g.length).toBe(Number(g.headers['content-length']));
  expect(g.length).toBeGreaterThan(512 * MiB + 100);
  expect(g.head.startsWith(`--${boundary}\r\nContent-Range: bytes 0-99/${SIZE}\r\nContent-Type: application/octet-stream\r\n\r\nSTART`)).toBe(true);

  // HEAD: the 206 head, no body.
  g = await fetch('HEAD', `bytes=0-${GiB}`);
  expect([g.status, g.length, g.headers['content-length']]).toEqual([206, 0, String(GiB + 1)]);

  const hwm = status(child.pid!, 'VmHWM');
  peak = Math.max(peak, hwm);
  process.stdout.write(`2 GiB file with ranges: server peak RSS ${(peak / MiB).toFixed(1)} MiB (VmHWM ${(hwm / MiB).toFixed(1)} MiB)\n`);
  expect(peak).toBeGreaterThan(0);
  expect(peak).toBeLessThan(LIMIT);
}, 120_000);
