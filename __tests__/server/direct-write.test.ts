/**
 * The native connection's direct write (src/server/conn-writer.ts): the write that completes a response goes to the
 * socket's handle without node:net's Writable when the stream is idle. Replies stay whole and in order when the
 * kernel takes such a write in part, a client that resets while the rest is unsent ends only its connection, and
 * what cannot take the direct path (TLS) answers as before.
 */

import { readFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { Server, StateClosed, listen, type Handler } from '../../src';
import { directWrites } from '../../src/server/conn-writer';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// Each reply's body names its request and is long enough (about 1.5 KiB) that a few thousand fill the socket.
const bodyFor = (i: number): string => `reply ${i} `.padEnd(1500, String.fromCharCode(0x61 + (i % 26)));
const handler: Handler = { serveHTTP: (w, r) => void w.write(bodyFor(Number(r.url.path.slice(1)))) };

async function serve(h: Handler, onClosed?: () => void): Promise<{ port: number; close: () => Promise<void> }> {
  const srv = new Server({ handler: h, connState: (_c, s) => s === StateClosed && onClosed?.() });
  const ln = await listen('tcp', '127.0.0.1:0');
  srv.serve(ln).catch(() => undefined);
  return { port: ln.addr().port, close: () => srv.close() };
}

// The bodies of the Content-Length framed replies in `data`, in order.
function bodies(data: Buffer): string[] {
  const out: string[] = [];
  let at = 0;
  for (;;) {
    const end = data.indexOf('\r\n\r\n', at);
    if (end < 0) break;
    const head = data.subarray(at, end).toString('latin1');
    const n = Number(/\r\nContent-Length: (\d+)/.exec(head)?.[1] ?? NaN);
    expect(head.startsWith('HTTP/1.1 200 OK\r\n')).toBe(true);
    if (data.length < end + 4 + n) break;
    out.push(data.subarray(end + 4, end + 4 + n).toString('latin1'));
    at = end + 4 + n;
  }
  return out;
}

test('replies on a keep-alive connection go out by the direct write, each whole', async () => {
  const s = await serve(handler);
  const before = directWrites.whole;
  try {
    const c = net.connect(s.port, '127.0.0.1');
    let got = Buffer.alloc(0);
    c.on('data', (d: Buffer) => (got = Buffer.concat([got, d])));
    for (let i = 0; i < 20; i++) {
      c.write(`GET /${i} HTTP/1.1\r\nHost: a\r\n\r\n`);
      while (bodies(got).length <= i) await sleep(2);
    }
    c.destroy();
    expect(bodies(got)).toEqual(Array.from({ length: 20 }, (_, i) => bodyFor(i)));
    // (The first reply of the process may go through node:net, which shows the class of its write request.)
    expect(directWrites.whole - before).toBeGreaterThanOrEqual(19);
  } finally {
    await s.close();
  }
});

test('replies the kernel takes in part stay whole and in order behind clients that read late', async () => {
  const s = await serve(handler);
  const before = directWrites.partial;
  try {
    const n = 6000;
    // Two connections, each stuck with a direct write in part unsent (each holding its own write request).
    const clients = [0, 1].map(() => {
      const c = net.connect(s.port, '127.0.0.1');
      c.pause();
      let reqs = '';
      // The last asks to close: the end of the stream then says every reply is in.
      for (let i = 0; i < n; i++) reqs += `GET /${i} HTTP/1.1\r\nHost: a\r\n${i === n - 1 ? 'Connection: close\r\n' : ''}\r\n`;
      c.write(reqs);
      return c;
    });
    // Until the sockets are full: the last direct write of each is then taken in part, and what follows waits (SRV-112).
    for (let t = 0; t < 300 && directWrites.partial < before + 2; t++) await sleep(10);
    expect(directWrites.partial).toBeGreaterThanOrEqual(before + 2);
    const replies = clients.map(
      (c) =>
        new Promise<Buffer>((resolve) => {
          const chunks: Buffer[] = [];
          c.on('data', (d: Buffer) => chunks.push(d));
          c.on('end', () => resolve(Buffer.concat(chunks)));
          c.resume();
        }),
    );
    for (const r of replies) {
      const got = bodies(await r);
      expect(got.length).toBe(n);
      for (let i = 0; i < n; i++) if (got[i] !== bodyFor(i)) throw new Error(`reply ${i} out of place`);
    }
    for (const c of clients) c.destroy();
  } finally {
    await s.close();
  }
});

test('a client that resets while a direct write is partly unsent: its connection closes, the server serves on', async () => {
  let closed = 0;
  const s = await serve(handler, () => closed++);
  const before = directWrites.partial;
  try {
    const c = net.connect(s.port, '127.0.0.1');
    c.on('error', () => undefined);
    c.pause();
    let reqs = '';
    for (let i = 0; i < 6000; i++) reqs += `GET /${i} HTTP/1.1\r\nHost: a\r\n\r\n`;
    c.write(reqs);
    for (let t = 0; t < 200 && directWrites.partial === before; t++) await sleep(10);
    expect(directWrites.partial).toBeGreaterThan(before);
    c.resetAndDestroy();
    for (let t = 0; t < 200 && closed === 0; t++) await sleep(10);
    expect(closed).toBe(1);
    const d = net.connect(s.port, '127.0.0.1');
    d.write('GET /7 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
    const reply = await new Promise<Buffer>((resolve) => {
      const parts: Buffer[] = [];
      d.on('data', (x: Buffer) => parts.push(x));
      d.on('end', () => resolve(Buffer.concat(parts)));
    });
    expect(bodies(reply)).toEqual([bodyFor(7)]);
  } finally {
    await s.close();
  }
});

test('over TLS replies go through node:net, as before', async () => {
  const fixtures = path.join(__dirname, '..', 'fixtures');
  const srv = new Server({ handler });
  const ln = await listen('tcp', '127.0.0.1:0');
  void srv.serveTLS(ln, path.join(fixtures, 'localhost-cert.pem'), path.join(fixtures, 'localhost-key.pem')).catch(() => undefined);
  try {
    const before = directWrites.whole + directWrites.partial;
    const c = tls.connect({ port: ln.addr().port, host: '127.0.0.1', ca: readFileSync(path.join(fixtures, 'localhost-cert.pem')), servername: 'localhost' });
    c.write('GET /3 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
    const reply = await new Promise<Buffer>((resolve, reject) => {
      const parts: Buffer[] = [];
      c.on('data', (x: Buffer) => parts.push(x));
      c.on('end', () => resolve(Buffer.concat(parts)));
      c.on('error', reject);
    });
    expect(bodies(reply)).toEqual([bodyFor(3)]);
    expect(directWrites.whole + directWrites.partial).toBe(before);
  } finally {
    await srv.close();
  }
});
