/**
 * Backpressure of the native server in both directions: a streaming handler waits in drained() while its head is
 * held back by an unread request body (SRV-86), and a slow body reader stops the socket from being read.
 */

import * as net from 'node:net';
import { Server, listen, newResponseController, type Request, type ResponseWriter } from '../../src/index';

test('drained() waits while the head waits for the unread request body, then the response streams', async () => {
  let writes = 0;
  const chunk = Buffer.alloc(64 << 10, 0x78);
  const handler = async (w: ResponseWriter, r: Request): Promise<void> => {
    const rc = newResponseController(w);
    for (let i = 0; i < 64; i++) {
      w.write(chunk);
      writes++;
      await rc.drained();
      if (r.context().err() !== null) return;
    }
  };
  const ln = await listen('tcp', '127.0.0.1:0');
  const srv = new Server({ handler });
  void srv.serve(ln).catch(() => undefined);
  const s = net.connect(ln.addr().port, '127.0.0.1');
  let got = 0;
  let tail = '';
  let ended: () => void = () => undefined;
  const end = new Promise<void>((resolve) => (ended = resolve));
  s.on('data', (d: Buffer) => {
    got += d.length;
    tail = (tail + d.toString('latin1')).slice(-16);
    if (tail.endsWith('\r\n0\r\n\r\n')) ended();
  });
  // Keep-alive: the server must read the declared body before it can answer and keep the connection (SRV-86).
  s.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n');
  await new Promise((r) => setTimeout(r, 300));
  // Without the wait, the loop ran all 64 writes (4 MiB queued in memory, unbounded for longer streams).
  expect(writes).toBeLessThanOrEqual(2);
  expect(got).toBe(0);
  s.write('0123456789');
  await end;
  expect(writes).toBe(64);
  expect(got).toBeGreaterThan(64 * 65536);
  s.destroy();
  await srv.close();
});

test('a slow body reader pauses the socket instead of queueing what arrives', async () => {
  let maxBehind = 0;
  const handler = async (w: ResponseWriter, r: Request): Promise<void> => {
    let n = 0;
    for (let b = await r.body.read(16384); b !== null; b = await r.body.read(16384)) {
      n += b.length;
      await new Promise((res) => setTimeout(res, 1));
      maxBehind = Math.max(maxBehind, sent - n);
    }
    w.write(`read ${n}`);
  };
  let sent = 0;
  const ln = await listen('tcp', '127.0.0.1:0');
  const srv = new Server({ handler });
  void srv.serve(ln).catch(() => undefined);
  const total = 16 << 20;
  const s = net.connect(ln.addr().port, '127.0.0.1');
  let reply = '';
  s.on('data', (d) => (reply += d.toString()));
  s.write(`POST / HTTP/1.1\r\nHost: x\r\nContent-Length: ${total}\r\nConnection: close\r\n\r\n`);
  const chunk = Buffer.alloc(64 << 10, 0x79);
  await new Promise<void>((resolve) => {
    const pump = (): void => {
      while (sent < total) {
        sent += chunk.length;
        if (!s.write(chunk)) return void s.once('drain', pump);
      }
      resolve();
    };
    pump();
  });
  await new Promise<void>((resolve) => s.on('close', () => resolve()));
  expect(reply).toMatch(/read 16777216$/);
  // What the client could push ahead of the reader is bounded by socket buffers, not by the body size.
  expect(maxBehind).toBeLessThan(8 << 20);
  await srv.close();
}, 60_000);
