/**
 * Fuzzing the request reader: seeded random and mutated requests. In process, every input is parsed whole and
 * split into random pieces (the result must not depend on how bytes arrive); over sockets, a bounded batch of
 * mutated requests must each end in a response or a close, and leave no connection behind.
 */

import * as net from 'node:net';
import { findHeadEnd, parseHead, resumePoint } from '../../src/internal/textproto';
import { ChunkedDecoder } from '../../src/internal/chunked';
import { readRequest, RequestInfo } from '../../src/server/read-request';
import { Server, listen } from '../../src';
import { xorshift32 } from './xorshift';

// Seeded and reproducible: [0, 1).
function rng(seed: number): () => number {
  const next = xorshift32(seed);
  return () => next() / 0x100000000;
}

const seeds = [
  'GET / HTTP/1.1\r\nHost: example.com\r\n\r\n',
  'POST /echo?x=1 HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello',
  'POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTrailer: X-T\r\n\r\n3\r\nabc\r\n0\r\nX-T: 1\r\n\r\n',
  'GET http://Other.Example:81/p%20q?r HTTP/1.0\r\nConnection: keep-alive\r\n\r\n',
  'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n',
  'OPTIONS * HTTP/1.1\r\nHost: x\r\nX-Fold: a\r\n  continued\r\n\r\n',
  'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n',
];
const alphabet = ' \r\n\t:/%?#*@[]{}"\\\x00\x7f\xff\xc3\xa9aZ09-_.~,;=GETPOSTHTTP/1.';

function mutate(r: () => number, s: string): string {
  let out = s;
  const n = 1 + Math.floor(r() * 4);
  for (let i = 0; i < n; i++) {
    const at = Math.floor(r() * (out.length + 1));
    const op = r();
    const ch = alphabet[Math.floor(r() * alphabet.length)];
    if (op < 0.35) out = out.slice(0, at) + ch + out.slice(at);
    else if (op < 0.7) out = out.slice(0, at) + out.slice(at + 1);
    else if (op < 0.9) out = out.slice(0, at) + ch + out.slice(at + 1);
    else out = out.slice(0, at) + out.slice(at, at + 8).repeat(3) + out.slice(at + 8);
  }
  return out;
}

function randomInput(r: () => number): string {
  if (r() < 0.8) return mutate(r, seeds[Math.floor(r() * seeds.length)]);
  let s = '';
  const len = Math.floor(r() * 200);
  for (let i = 0; i < len; i++) s += alphabet[Math.floor(r() * alphabet.length)];
  return s;
}

// The reader as the conn drives it, on a buffer that arrives in the given pieces.
function readWhole(buf: Buffer, pieces: number[]): string {
  let scan = 0;
  let have = 0;
  for (const p of pieces) {
    have = Math.min(buf.length, have + p);
    const end = findHeadEnd(buf, 0, have, scan);
    if (end !== -1) {
      const head = parseHead(buf, 0, end);
      if (head === null) return 'bad';
      const info = new RequestInfo();
      const req = readRequest(head, info);
      if (Buffer.isBuffer(req)) return 'reply:' + req.toString('latin1');
      return `ok:${req.method} ${req.url.path} ${req.host} ${info.framing.kind} ${end}`;
    }
    scan = resumePoint(buf, 0, have);
  }
  return 'incomplete';
}

describe('reader fuzz (seeded)', () => {
  test('20k inputs: no throw, and the result does not depend on how the bytes arrive', () => {
    const r = rng(0x5eed);
    for (let i = 0; i < 20000; i++) {
      const buf = Buffer.from(randomInput(r), 'latin1');
      const whole = readWhole(buf, [buf.length]);
      const pieces: number[] = [];
      for (let n = 0; n < buf.length; ) {
        const k = 1 + Math.floor(r() * 7);
        pieces.push(k);
        n += k;
      }
      expect(readWhole(buf, pieces.length ? pieces : [0])).toBe(whole);
    }
  });

  test('chunked decoder: random splits give the same data and the same outcome', () => {
    const r = rng(42);
    for (let i = 0; i < 5000; i++) {
      const body = mutate(r, '5\r\nhello\r\na;ext=1\r\n0123456789\r\n0\r\nX-T: v\r\n\r\n');
      const buf = Buffer.from(body, 'latin1');
      const run = (step: number): string => {
        const d = new ChunkedDecoder();
        const out: Buffer[] = [];
        let pos = 0;
        for (let have = Math.min(step, buf.length); ; have = Math.min(have + step, buf.length)) {
          pos = d.decode(buf, pos, have, out);
          if (d.done || d.error || have === buf.length) break;
        }
        return `${Buffer.concat(out).toString('latin1')}|${d.done}|${d.error?.message ?? ''}`;
      };
      expect(run(1 + Math.floor(r() * 5))).toBe(run(buf.length));
    }
  });

  test('600 mutated requests over sockets: each ends with a reply or a close (0 hangs), no connection is left (0 leaked)', async () => {
    const srv = new Server({ handler: (w) => void w.write('ok'), errorLog: { error: () => undefined }, readHeaderTimeout: 500 });
    const ln = await listen('tcp', '127.0.0.1:0');
    srv.serve(ln).catch(() => undefined);
    const port = ln.addr().port;
    const r = rng(7);
    let hangs = 0;
    let ended = 0;
    // Half the inputs end with FIN, half keep the connection open: then an incomplete head must be closed at
    // readHeaderTimeout (500 ms) and a complete one answered (the client leaves after the reply). No reply and
    // no close within 3 s is a hang.
    const one = (data: string, fin: boolean): Promise<void> =>
      new Promise((resolve) => {
        const s = net.connect(port, '127.0.0.1', () => (fin ? s.end(data, 'latin1') : s.write(data, 'latin1')));
        let replied = false;
        s.on('data', () => {
          if (!fin && !replied) setTimeout(() => s.end(), 50);
          replied = true;
        });
        s.on('close', () => {
          ended++;
          resolve();
        });
        s.on('error', () => undefined);
        s.setTimeout(3000, () => {
          hangs++;
          s.destroy();
        });
      });
    for (let batch = 0; batch < 20; batch++) {
      await Promise.all(Array.from({ length: 30 }, (_, k) => one(randomInput(r), k % 2 === 0)));
    }
    expect(ended).toBe(600);
    expect(hangs).toBe(0);
    // Every connection the server accepted has ended.
    for (let i = 0; i < 50 && srv.connCount() > 0; i++) await new Promise((res) => setTimeout(res, 20));
    expect(srv.connCount()).toBe(0);
    await srv.close();
  }, 60_000);
});
