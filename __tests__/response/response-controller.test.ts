/**
 * ResponseController on the native server: hijack and what the writer does afterwards (RSP-86, RSP-87, RSP-88),
 * wrapper chains and ErrNotSupported (RSP-90), full duplex (RSP-94).
 */

import {
  ErrBodyReadAfterClose, ErrHijacked, ErrNotSupported, errorIs, newResponseController, type Header, type ResponseWriter,
  type Unwrapper,
} from '../../src';
import { Client, get, serveOn, sleep } from '../raw-client';

test('RSP-86: a status set before hijack sends the head first; buffered body bytes are dropped', async () => {
  const s = await serveOn((w) => {
    w.header().set('X-A', '1');
    w.writeHeader(200);
    w.write('still buffered');
    const { conn } = newResponseController(w).hijack();
    conn.end('RAW');
  });
  const c = new Client(s.port).send(get());
  await c.untilEnd();
  expect(c.text).toMatch(/^HTTP\/1\.1 200 OK\r\nX-A: 1\r\nDate: [^\r]+\r\nTransfer-Encoding: chunked\r\n\r\nRAW$/);
  await s.srv.close();
});

test('RSP-87: after hijack, write and writeHeader are refused and logged as Go logs them; a second hijack fails', async () => {
  const seen: unknown[] = [];
  const s = await serveOn((w) => {
    const rc = newResponseController(w);
    const { conn } = rc.hijack();
    seen.push(w.write('x'), w.write(''));
    w.writeHeader(500);
    try {
      rc.hijack();
    } catch (err) {
      seen.push(err);
    }
    conn.end('RAW');
  });
  const c = new Client(s.port).send(get());
  await c.untilEnd();
  expect(c.text).toBe('RAW');
  expect(seen).toEqual([ErrHijacked, ErrHijacked, ErrHijacked]);
  expect(s.logs).toHaveLength(2);
  expect(s.logs[0]).toMatch(/^http: response\.Write on hijacked connection from .*response-controller\.test\.ts:\d+\)$/);
  expect(s.logs[1]).toMatch(/^http: response\.WriteHeader on hijacked connection from .*response-controller\.test\.ts:\d+\)$/);
  await s.srv.close();
});

test('RSP-88: after hijack, a body read writes no 100 Continue on the connection', async () => {
  const s = await serveOn((w, r) => {
    const { conn } = newResponseController(w).hijack();
    void r.body.read().catch(() => undefined);
    conn.end('RAW');
  });
  const c = new Client(s.port).send('POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n');
  await c.untilEnd();
  expect(c.text).toBe('RAW');
  await s.srv.close();
});

test('RSP-88: hijacking after the handler returned throws Go\'s message', async () => {
  let saved: ResponseWriter | null = null;
  const s = await serveOn((w) => {
    saved = w;
    w.write('done');
  });
  const c = new Client(s.port).send(get('/', 'Connection: close\r\n'));
  await c.untilEnd();
  expect(() => newResponseController(saved!).hijack()).toThrow('net/http: Hijack called after ServeHTTP finished');
  await s.srv.close();
});

/** A writer wrapping another, as middleware does; with `unwrap` when `exposed`. */
function wrap(w: ResponseWriter, exposed: boolean): ResponseWriter {
  const base = {
    header: (): Header => w.header(),
    write: (d: string | Uint8Array) => w.write(d),
    writeHeader: (code: number) => w.writeHeader(code),
    drained: () => w.drained(),
  };
  return exposed ? Object.assign(base, { unwrap: () => w } satisfies Unwrapper) : base;
}

test('RSP-90: the controller follows unwrap(); without it every capability fails with ErrNotSupported', async () => {
  const failures: unknown[] = [];
  const s = await serveOn((w) => {
    const opaque = newResponseController(wrap(w, false));
    for (const call of [() => opaque.flush(), () => opaque.setReadDeadline(null), () => opaque.hijack(), () => opaque.enableFullDuplex()]) {
      try {
        call();
      } catch (err) {
        failures.push(err);
      }
    }
    const inner = wrap(w, true);
    inner.write('flushed ');
    newResponseController(wrap(inner, true)).flush();
  });
  const c = new Client(s.port).send(get('/', 'Connection: close\r\n'));
  await c.untilEnd();
  expect(c.text).toMatch(/\r\nTransfer-Encoding: chunked\r\n\r\n8\r\nflushed \r\n0\r\n\r\n$/);
  expect(failures).toHaveLength(4);
  for (const err of failures) {
    expect(errorIs(err, ErrNotSupported)).toBe(true);
    expect((err as Error).message).toBe('feature not supported');
  }
  await s.srv.close();
});

test('RSP-94: with full duplex the head goes out before the body is read; without, the body is gone by then', async () => {
  const handler = async (w: ResponseWriter, r: import('../../src').Request): Promise<void> => {
    const rc = newResponseController(w);
    if (r.url.path === '/duplex') rc.enableFullDuplex();
    w.writeHeader(200);
    rc.flush();
    try {
      w.write('read ' + (await r.body.readAll()).toString());
    } catch (err) {
      w.write(errorIs(err, ErrBodyReadAfterClose) ? 'body closed' : String(err));
    }
  };
  const s = await serveOn(handler);
  const post = (path: string, extra = ''): string => `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n${extra}\r\n`;
  // The client sends the body only once the head has come.
  const duplex = new Client(s.port).send(post('/duplex', 'Connection: close\r\n'));
  await duplex.until(() => duplex.text.includes('\r\n\r\n'));
  await sleep(20);
  duplex.send('abc');
  await duplex.untilEnd();
  expect(duplex.text).toMatch(/\r\n\r\n8\r\nread abc\r\n0\r\n\r\n$/);
  // A connection to keep: the server reads the body before the head, so the handler finds it gone (SRV-86).
  const plain = new Client(s.port).send(post('/plain') + 'abc');
  await plain.until(() => plain.text.endsWith('0\r\n\r\n'));
  expect(plain.text).toMatch(/\r\n\r\nb\r\nbody closed\r\n0\r\n\r\n$/);
  plain.close();
  await s.srv.close();
});
