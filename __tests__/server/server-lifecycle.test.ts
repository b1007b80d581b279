/**
 * The native Server's options, hooks and lifecycle beyond server.test.ts: defaults (SRV-1, SRV-2, SRV-3, SRV-5,
 * SRV-6, SRV-14), the context hooks and the accept loop (SRV-15, SRV-16, SRV-26, SRV-29, SRV-107), keep-alives off
 * (SRV-18, SRV-35, SRV-84), close and shutdown (SRV-36, SRV-38, SRV-39, SRV-48), the idle wait before a later
 * request (SRV-54) and the body of `OPTIONS *` (SRV-103).
 */

import {
  DefaultMaxHeaderBytes, ErrServerClosed, NetError, Server, background, connStateString, handleFunc, listen,
  withValue, type Addr, type ConnState, type Listener,
} from '../../src';
import * as listener from '../../src/server/listener';
import { stderrLogger } from '../../src/log';
import { Client, get, serveOn, sleep } from '../raw-client';

describe('defaults', () => {
  test('SRV-1, SRV-2: DefaultMaxHeaderBytes is 1 MiB, and maxHeaderBytes ≤ 0 means it', () => {
    expect(DefaultMaxHeaderBytes).toBe(1 << 20);
    expect(new Server().maxHeaderBytes).toBe(DefaultMaxHeaderBytes);
    expect(new Server({ maxHeaderBytes: 0 }).maxHeaderBytes).toBe(DefaultMaxHeaderBytes);
    expect(new Server({ maxHeaderBytes: -5 }).maxHeaderBytes).toBe(DefaultMaxHeaderBytes);
    expect(new Server({ maxHeaderBytes: 1000 }).maxHeaderBytes).toBe(1000);
  });

  test('SRV-3: a head of maxHeaderBytes + 4096 bytes is served, one byte more gets 431', async () => {
    const s = await serveOn((w) => void w.write('ok'), { maxHeaderBytes: 1000 });
    const head = (size: number): string => {
      const start = 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Pad: ';
      return start + 'a'.repeat(size - start.length - 4) + '\r\n\r\n';
    };
    expect(head(5096).length).toBe(5096);
    const ok = new Client(s.port).send(head(5096));
    await ok.untilEnd();
    expect(ok.text).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    const big = new Client(s.port).send(head(5097));
    await big.untilEnd();
    expect(big.text).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    await s.srv.close();
  });

  test('SRV-5: with no addr, listenAndServe listens on :http and listenAndServeTLS on :https', async () => {
    const refused = new Error('not listening in a test');
    const spy = jest.spyOn(listener, 'listen').mockRejectedValue(refused);
    try {
      await expect(new Server().listenAndServe()).rejects.toBe(refused);
      await expect(new Server().listenAndServeTLS()).rejects.toBe(refused);
      expect(spy.mock.calls).toEqual([['tcp', ':http'], ['tcp', ':https']]);
      expect(listener.splitListenAddress(':http')).toEqual({ host: '', port: 80 });
      expect(listener.splitListenAddress(':https')).toEqual({ host: '', port: 443 });
    } finally {
      spy.mockRestore();
    }
  });

  test('SRV-6: a server without a handler serves DefaultServeMux', async () => {
    handleFunc('/on-default-mux', (w) => void w.write('from DefaultServeMux'));
    const s = await serveOn(undefined);
    const c = new Client(s.port).send(get('/on-default-mux', 'Connection: close\r\n'));
    await c.untilEnd();
    expect(c.text).toMatch(/\r\n\r\nfrom DefaultServeMux$/);
    const miss = new Client(s.port).send(get('/elsewhere', 'Connection: close\r\n'));
    await miss.untilEnd();
    expect(miss.text).toMatch(/^HTTP\/1\.1 404 Not Found\r\n[\s\S]*\r\n\r\n404 page not found\n$/);
    await s.srv.close();
  });

  test('SRV-14: without errorLog, lines go to stderr behind Go\'s timestamp', async () => {
    const written: string[] = [];
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const srv = new Server({ handler: () => { throw new Error('to stderr'); } });
    const ln = await listen('tcp', '127.0.0.1:0');
    srv.serve(ln).catch(() => undefined);
    try {
      stderrLogger.error('a line');
      const c = new Client(ln.addr().port).send(get());
      await c.untilEnd();
    } finally {
      await srv.close();
      spy.mockRestore();
    }
    expect(written[0]).toMatch(/^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d a line\n$/);
    expect(written[1]).toMatch(/^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d http: panic serving 127\.0\.0\.1:\d+: to stderr\n/);
  });
});

describe('context hooks and the accept loop', () => {
  test('SRV-15, SRV-16, SRV-29: baseContext once per serve, then per socket connContext, StateNew, and only then serving', async () => {
    const events: string[] = [];
    const s = await serveOn(
      (w, r) => {
        events.push('handler');
        w.write(`${String(r.context().value('base'))} ${String(r.context().value('conn'))}`);
      },
      {
        baseContext: () => {
          events.push('baseContext');
          return withValue(background(), 'base', 'b');
        },
        connContext: (ctx) => {
          events.push('connContext');
          return withValue(ctx, 'conn', 'c');
        },
        connState: (_c, st: ConnState) => events.push(connStateString(st)),
      },
    );
    for (let i = 0; i < 2; i++) {
      const c = new Client(s.port).send(get('/', 'Connection: close\r\n'));
      await c.untilEnd();
      expect(c.text).toMatch(/\r\n\r\nb c$/);
    }
    await sleep(20);
    expect(events).toEqual([
      'baseContext',
      'connContext', 'new', 'active', 'handler', 'closed',
      'connContext', 'new', 'active', 'handler', 'closed',
    ]);
    await s.srv.close();
  });

  test('SRV-15, SRV-16: a hook returning no context stops serve with Go\'s message', async () => {
    const base = new Server({ baseContext: () => null as never });
    const ln0 = await listen('tcp', '127.0.0.1:0');
    await expect(base.serve(ln0)).rejects.toThrow('BaseContext returned a nil context');
    await ln0.close();
    const conn = new Server({ connContext: () => null as never });
    const ln = await listen('tcp', '127.0.0.1:0');
    const served = conn.serve(ln);
    const c = new Client(ln.addr().port);
    await expect(served).rejects.toThrow('ConnContext returned nil');
    c.close();
  });

  test('SRV-26, SRV-107: temporary accept errors are logged and retried after 5, 10, 20 ms; another error ends serve', async () => {
    const fatal = new NetError('listener broke', false);
    let calls = 0;
    const fake: Listener = {
      accept: async () => {
        calls++;
        throw calls <= 3 ? new NetError('accept tcp: too many open files', true, 'EMFILE') : fatal;
      },
      close: async () => undefined,
      addr: (): Addr => ({ network: 'tcp', host: '127.0.0.1', port: 0, toString: () => '127.0.0.1:0' }) as unknown as Addr,
    };
    const logs: string[] = [];
    const srv = new Server({ errorLog: { error: (m) => logs.push(m) } });
    await expect(srv.serve(fake)).rejects.toBe(fatal);
    expect(logs).toEqual([
      'http: Accept error: accept tcp: too many open files; retrying in 5ms',
      'http: Accept error: accept tcp: too many open files; retrying in 10ms',
      'http: Accept error: accept tcp: too many open files; retrying in 20ms',
    ]);
  });
});

describe('keep-alives, close and shutdown', () => {
  test('SRV-18, SRV-35, SRV-84: keep-alives off close idle connections at once and make replies close; on again, they stay', async () => {
    const s = await serveOn((w) => void w.write('ok'));
    const idle = new Client(s.port).send(get());
    await idle.until(() => idle.text.endsWith('ok'));
    expect(idle.text).not.toMatch(/Connection: close/);
    s.srv.setKeepAlivesEnabled(false);
    await idle.untilEnd();
    const off = new Client(s.port).send(get());
    await off.untilEnd();
    expect(off.text).toMatch(/\r\nConnection: close\r\n/);
    s.srv.setKeepAlivesEnabled(true);
    const on = new Client(s.port).send(get() + get());
    await on.until(() => on.responses() === 2 && on.text.endsWith('ok'));
    expect(on.text).not.toMatch(/Connection: close/);
    on.close();
    await s.srv.close();
  });

  test('SRV-38, SRV-39: close ends connections at once, runs no shutdown hook, and the handler sees no error', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let lateWrite: unknown = 'not written';
    const s = await serveOn(async (w) => {
      await gate;
      lateWrite = w.write('too late');
    });
    let hookRan = false;
    s.srv.registerOnShutdown(() => (hookRan = true));
    const c = new Client(s.port).send(get());
    await sleep(50);
    await s.srv.close();
    await c.untilEnd();
    expect(c.text).toBe('');
    await expect(s.done).rejects.toMatchObject({ code: 'ErrServerClosed' });
    release();
    await sleep(20);
    expect(lateWrite).toBeNull();
    expect(hookRan).toBe(false);
  });

  test('SRV-36, SRV-48: a connection that never sends a byte holds shutdown until it is more than 5 s old', async () => {
    const s = await serveOn((w) => void w.write('ok'));
    const silent = new Client(s.port);
    await new Promise((r) => silent.sock.once('connect', r));
    await sleep(20);
    let finished = false;
    const sd = s.srv.shutdown().then(() => (finished = true));
    // Move the server's whole-second clock on: 4 s is not enough, 6 s is (shutdown polls at most every 500 ms).
    const realNow = Date.now.bind(Date);
    let skew = 0;
    const spy = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + skew);
    try {
      skew = 4000;
      await sleep(700);
      expect(finished).toBe(false);
      expect(silent.ended).toBe(false);
      skew = 6000;
      await sd;
      await silent.untilEnd();
    } finally {
      spy.mockRestore();
    }
    expect(finished).toBe(true);
  });

  test('SRV-54: after a response, the header timeout waits for the next request\'s first bytes; the idle timeout governs before', async () => {
    const s = await serveOn((w) => void w.write('ok'), { readHeaderTimeout: 150, idleTimeout: 5000 });
    const c = new Client(s.port).send(get());
    await c.until(() => c.responses() === 1 && c.text.endsWith('ok'));
    await sleep(400); // well past readHeaderTimeout, within idleTimeout
    c.send(get('/', 'Connection: close\r\n'));
    await c.untilEnd();
    expect(c.responses()).toBe(2);
    await s.srv.close();
  });
});

test('SRV-103: OPTIONS * reads at most 4096 body bytes; a longer body closes the connection after the reply', async () => {
  const s = await serveOn((w) => void w.write('handler'));
  const options = (n: number): string => `OPTIONS * HTTP/1.1\r\nHost: x\r\nContent-Length: ${n}\r\n\r\n${'b'.repeat(n)}`;
  const fits = new Client(s.port).send(options(4096) + get('/', 'Connection: close\r\n'));
  await fits.untilEnd();
  expect(fits.text).toMatch(/^HTTP\/1\.1 200 OK\r\nContent-Length: 0\r\nDate: [^\r]+\r\n\r\nHTTP\/1\.1 200 OK\r\n/);
  const over = new Client(s.port).send(options(4097) + get('/', 'Connection: close\r\n'));
  await over.untilEnd();
  expect(over.text).toMatch(/^HTTP\/1\.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\nDate: [^\r]+\r\n\r\n$/);
  await s.srv.close();
});
