/**
 * The pipelining bound (issue #14): behind replies the client does not read, the native server starts no further
 * request once more than 64 KiB are unsent — as Go's blocked write holds its connection — and with a writeTimeout
 * the connection closes, as Go's write fails at its deadline (SRV-112). (The memory figure is
 * __tests__/rss/pipeline.test.ts'.)
 */

import * as net from 'node:net';
import { Server, StateClosed, listen, type ServerOptions } from '../../src';

// The client never reads, so it would not notice a close: the server's own StateClosed report says it.
async function pipelined(opts: ServerOptions, n: number, waitMs: number): Promise<{ calls: number; closed: boolean }> {
  let calls = 0;
  let onClosed = (): void => undefined;
  const srv = new Server({
    handler: (w) => {
      calls++;
      w.write(Buffer.alloc(64 << 10, 0x61));
    },
    connState: (_c, s) => {
      if (s === StateClosed) onClosed();
    },
    ...opts,
  });
  const ln = await listen('tcp', '127.0.0.1:0');
  srv.serve(ln).catch(() => undefined);
  const s = net.connect(ln.addr().port, '127.0.0.1', () => s.write('GET / HTTP/1.1\r\nHost: a\r\n\r\n'.repeat(n)));
  s.pause(); // never read
  s.on('error', () => undefined);
  try {
    const closed = await new Promise<boolean>((resolve) => {
      const t = setTimeout(() => resolve(false), waitMs);
      onClosed = () => {
        clearTimeout(t);
        resolve(true);
      };
    });
    return { calls, closed };
  } finally {
    s.destroy();
    await srv.close();
  }
}

test('1,000 pipelined requests never read: the handler runs for a bounded few, the connection stays', async () => {
  const r = await pipelined({}, 1000, 1500);
  expect(r.closed).toBe(false);
  expect(r.calls).toBeGreaterThan(0);
  expect(r.calls).toBeLessThan(500);
});

test('with writeTimeout, the connection stuck behind unread replies is closed', async () => {
  const r = await pipelined({ writeTimeout: 300 }, 1000, 10000);
  expect(r.closed).toBe(true);
  expect(r.calls).toBeLessThan(500);
});
