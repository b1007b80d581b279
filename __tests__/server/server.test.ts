import * as net from 'node:net';
import {
  Server, listen, ErrServerClosed, errorIs, StateNew, StateActive, StateIdle, StateClosed, StateHijacked,
  connStateString, newResponseController, withTimeout, background, ServerContextKey, LocalAddrContextKey,
  ErrAbortHandler, type ConnState, type HandlerLike, type Listener,
} from '../../src';

interface Running {
  srv: Server;
  ln: Listener;
  port: number;
  served: Promise<never>;
  logs: string[];
  states: string[];
}

async function start(handler: HandlerLike, opts: Partial<ConstructorParameters<typeof Server>[0]> = {}): Promise<Running> {
  const logs: string[] = [];
  const states: string[] = [];
  const srv = new Server({
    handler,
    errorLog: { error: (m: string) => logs.push(m) },
    connState: (_c, s: ConnState) => states.push(connStateString(s)),
    ...opts,
  });
  const ln = await listen('tcp', '127.0.0.1:0');
  const served = srv.serve(ln);
  served.catch(() => undefined);
  return { srv, ln, port: ln.addr().port, served, logs, states };
}

/** Sends raw bytes on a fresh connection; resolves with everything received until the server closes or `idleMs` of silence. */
function raw(port: number, data: string | string[], idleMs = 300): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    let text = '';
    let timer: NodeJS.Timeout;
    const done = (closed: boolean): void => {
      clearTimeout(timer);
      s.destroy();
      resolve({ text, closed });
    };
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => done(false), idleMs);
    };
    s.on('data', (d) => {
      text += d.toString('latin1');
      arm();
    });
    s.on('end', () => done(true));
    s.on('error', () => done(true));
    s.on('connect', () => {
      for (const d of Array.isArray(data) ? data : [data]) s.write(d, 'latin1');
      arm();
    });
  });
}

const GET = 'GET / HTTP/1.1\r\nHost: x\r\n\r\n';

describe('Server', () => {
  // The connState hook (SRV-13) reports New (SRV-41), Active (SRV-42), Idle (SRV-43) and Closed (SRV-45).
  test('SRV-46: ConnState sequences for keep-alive, Connection: close and a malformed request', async () => {
    const r = await start((w) => void w.write('ok'));
    await raw(r.port, GET + GET);
    await raw(r.port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    await raw(r.port, 'GARBAGE\r\n\r\n');
    await new Promise((res) => setTimeout(res, 50));
    expect(r.states).toEqual([
      'new', 'active', 'idle', 'active', 'idle', 'closed',
      'new', 'active', 'closed',
      'new', 'active', 'closed',
    ]);
    await r.srv.close();
    await expect(r.served).rejects.toMatchObject({ code: 'ErrServerClosed' });
  });

  test('SRV-22, SRV-24, SRV-40: a closed server cannot serve again', async () => {
    const r = await start((w) => void w.write('ok'));
    await r.srv.close();
    await expect(r.served).rejects.toMatchObject({ code: 'ErrServerClosed' });
    const ln2 = await listen('tcp', '127.0.0.1:0');
    await expect(r.srv.serve(ln2)).rejects.toMatchObject({ code: 'ErrServerClosed' });
    await expect(r.srv.listenAndServe()).rejects.toMatchObject({ code: 'ErrServerClosed' });
    expect(errorIs(ErrServerClosed, ErrServerClosed)).toBe(true);
  });

  test('SRV-17: request contexts carry the server and the local address', async () => {
    let seen: unknown[] = [];
    const r = await start((w, req) => {
      seen = [req.context().value(ServerContextKey), req.context().value(LocalAddrContextKey)];
      w.write('ok');
    });
    await raw(r.port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(seen[0]).toBe(r.srv);
    expect(seen[1]).toBe(`127.0.0.1:${r.port}`);
    await r.srv.close();
  });

  test('SRV-97, SRV-99, SRV-107: a throwing handler is logged as Go logs a panic; ErrAbortHandler is silent', async () => {
    const r = await start((_w, req) => {
      if (req.url.path === '/abort') throw ErrAbortHandler;
      throw new Error('an error value');
    });
    const a = await raw(r.port, 'GET /boom HTTP/1.1\r\nHost: x\r\n\r\n');
    const b = await raw(r.port, 'GET /abort HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(a).toEqual({ text: '', closed: true });
    expect(b).toEqual({ text: '', closed: true });
    expect(r.logs).toHaveLength(1);
    expect(r.logs[0]).toMatch(/^http: panic serving 127\.0\.0\.1:\d+: an error value\n/);
    await r.srv.close();
  });

  test('SRV-95, SRV-96: the request context is cancelled when the client goes away and when the handler returns', async () => {
    let cancelledByClient: Promise<Error | null> = Promise.resolve(null);
    let afterReturn: Error | null | undefined;
    let ctxRef: ReturnType<import('../../src').Request['context']> | undefined;
    const r = await start(async (w, req) => {
      if (req.url.path === '/wait') {
        const ctx = req.context();
        cancelledByClient = ctx.done().then(() => ctx.err());
        await ctx.done();
        return;
      }
      ctxRef = req.context();
      afterReturn = ctxRef.err();
      w.write('ok');
    });
    await raw(r.port, 'GET /wait HTTP/1.1\r\nHost: x\r\n\r\n', 100);
    expect((await cancelledByClient)?.message).toBe('context canceled');
    await raw(r.port, 'GET /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(afterReturn).toBeNull();
    expect(ctxRef!.err()?.message).toBe('context canceled');
    await r.srv.close();
  });

  test('SRV-8, SRV-69: a client that sends nothing is closed silently at readHeaderTimeout', async () => {
    const r = await start((w) => void w.write('ok'), { readHeaderTimeout: 150 });
    const t0 = Date.now();
    const res = await raw(r.port, [], 2000);
    expect(res).toEqual({ text: '', closed: true });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(100);
    expect(r.states).toEqual(['new', 'closed']);
    await r.srv.close();
  });

  test('SRV-7, SRV-8: the header deadline ends with the head; a slow body is not cut by it (readTimeout 0)', async () => {
    const r = await start(async (w, req) => void w.write(String((await req.body.readAll()).length)), { readHeaderTimeout: 200 });
    const s = net.connect(r.port, '127.0.0.1');
    let text = '';
    s.on('data', (d) => (text += d.toString('latin1')));
    const closed = new Promise<void>((resolve) => s.on('close', () => resolve()));
    s.on('error', () => undefined);
    const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
    // The head in two pieces, so that the reader waits (and arms the header deadline) before it is complete.
    s.write('POST / HTTP/1.1\r\nHost: x\r\n');
    await pause(50);
    s.write('Content-Length: 8\r\nConnection: close\r\n\r\n');
    for (let i = 0; i < 8; i++) {
      await pause(60); // the body takes ~500 ms, well past the 200 ms header deadline
      s.write('b');
    }
    await closed;
    expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(text.endsWith('\r\n\r\n8')).toBe(true);
    await r.srv.close();
  });

  test('SRV-70: a timeout with a partial bad request line gets the 400', async () => {
    const r = await start((w) => void w.write('ok'), { readHeaderTimeout: 150 });
    const res = await raw(r.port, 'GET / HT', 2000);
    expect(res.text).toBe('HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request');
    expect(res.closed).toBe(true);
    await r.srv.close();
  });

  test('SRV-10: an idle keep-alive connection is closed at idleTimeout', async () => {
    const r = await start((w) => void w.write('ok'), { idleTimeout: 150 });
    const t0 = Date.now();
    const res = await raw(r.port, GET, 3000);
    expect(res.closed).toBe(true);
    expect(res.text).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(100);
    await r.srv.close();
  });

  test('SRV-9: a handler past writeTimeout gets its connection closed without a response', async () => {
    const r = await start(async (w) => {
      await new Promise((res) => setTimeout(res, 300));
      w.write('late');
    }, { writeTimeout: 100 });
    const res = await raw(r.port, GET, 2000);
    expect(res).toEqual({ text: '', closed: true });
    await r.srv.close();
  });

  test('SRV-30, SRV-33, SRV-39, SRV-84: shutdown runs the hooks and waits for active requests, which finish with Connection: close', async () => {
    let release!: () => void;
    const gate = new Promise<void>((res) => (release = res));
    const r = await start(async (w) => {
      await gate;
      w.write('done');
    });
    const inflight = raw(r.port, GET, 2000);
    await new Promise((res) => setTimeout(res, 50));
    let hookRan = false;
    r.srv.registerOnShutdown(() => (hookRan = true));
    const sd = r.srv.shutdown();
    await expect(r.served).rejects.toMatchObject({ code: 'ErrServerClosed' });
    // New connections are refused once the listener is closed.
    await expect(new Promise((res, rej) => net.connect(r.port, '127.0.0.1').on('connect', res).on('error', rej))).rejects.toThrow();
    release();
    const res = await inflight;
    await sd;
    expect(hookRan).toBe(true);
    expect(res.text).toMatch(/Connection: close\r\n/);
    expect(res.text.endsWith('done')).toBe(true);
  });

  test('SRV-33: shutdown rejects with the context error when it ends first', async () => {
    const r = await start(async () => new Promise((res) => setTimeout(res, 400)));
    const inflight = raw(r.port, GET, 2000);
    await new Promise((res) => setTimeout(res, 50));
    const [ctx] = withTimeout(background(), 50);
    await expect(r.srv.shutdown(ctx)).rejects.toThrow('context deadline exceeded');
    await inflight;
    await r.srv.close();
  });

  test('SRV-44, RSP-85: hijack hands over the socket; StateHijacked is terminal', async () => {
    const r = await start((w) => {
      const { conn } = newResponseController(w).hijack();
      conn.end('raw bytes');
    });
    const res = await raw(r.port, GET, 1000);
    expect(res.text).toBe('raw bytes');
    expect(r.states).toEqual(['new', 'active', 'hijacked']);
    await r.srv.close();
  });

  test('REQ-55: trailers of a chunked body reach a withContext copy made before the body was read (the map exists from the start)', async () => {
    let trailer = '';
    const r = await start(async (w, req) => {
      const r2 = req.withContext(req.context());
      await r2.body.readAll();
      trailer = r2.trailer.get('X-Tr');
      w.write('ok');
    });
    await raw(r.port, 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-Tr: t\r\n\r\n');
    expect(trailer).toBe('t');
    await r.srv.close();
  });

  test('RSP-80: flush with no body written sends the head at once', async () => {
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    const r = await start(async (w) => {
      w.header().set('X-Early', '1');
      w.writeHeader(200);
      newResponseController(w).flush();
      await released;
      w.write('done');
    });
    const s = net.connect(r.port, '127.0.0.1');
    s.write(GET);
    let got = '';
    await new Promise<void>((resolve) => s.on('data', (d) => {
      got += d.toString('latin1');
      if (got.includes('\r\n\r\n')) resolve();
    }));
    expect(got).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(got).toContain('X-Early: 1\r\n');
    expect(got).toContain('Transfer-Encoding: chunked\r\n');
    release();
    s.destroy();
    await r.srv.close();
  });

  describe('RSP-92, RSP-93: ResponseController deadlines', () => {
    const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
    /** Writes each piece after its delay; resolves with what came back once the server closes (or `idleMs` after the last piece). */
    async function timed(port: number, steps: Array<[number, string]>, idleMs = 1500): Promise<{ text: string; closed: boolean }> {
      const s = net.connect(port, '127.0.0.1');
      let text = '';
      let closed = false;
      s.on('data', (d) => (text += d.toString('latin1')));
      s.on('error', () => undefined);
      const done = new Promise<void>((resolve) => s.on('close', () => {
        closed = true;
        resolve();
      }));
      for (const [ms, d] of steps) {
        await pause(ms);
        if (!closed) s.write(d);
      }
      await Promise.race([done, pause(idleMs)]);
      s.destroy();
      return { text, closed };
    }
    const head = 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\n';

    test('setReadDeadline(null) lifts the server ReadTimeout for this request', async () => {
      const r = await start(async (w, req) => {
        newResponseController(w).setReadDeadline(null);
        w.write(`read ${(await req.body.readAll()).length}`);
      }, { readTimeout: 200 });
      const res = await timed(r.port, [[0, head], [450, 'hello']]);
      expect(res.text).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
      expect(res.text.endsWith('\r\n\r\nread 5')).toBe(true);
      await r.srv.close();
    });

    test('a read past setReadDeadline fails with a timeout; the response still goes out', async () => {
      const r = await start(async (w, req) => {
        newResponseController(w).setReadDeadline(new Date(Date.now() + 100));
        try {
          await req.body.readAll();
          w.write('read');
        } catch (err) {
          w.write(`error: ${(err as Error).message}`);
        }
      });
      const res = await timed(r.port, [[0, head], [400, 'hello']]);
      expect(res.text).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
      expect(res.text.endsWith('\r\n\r\nerror: i/o timeout')).toBe(true);
      await r.srv.close();
    });

    test('setWriteDeadline(null) lifts the server WriteTimeout for this response', async () => {
      const r = await start(async (w) => {
        newResponseController(w).setWriteDeadline(null);
        await pause(300);
        w.write('late');
      }, { writeTimeout: 100 });
      const res = await timed(r.port, [[0, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n']]);
      expect(res.text).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
      expect(res.text.endsWith('\r\n\r\nlate')).toBe(true);
      await r.srv.close();
    });

    test('past setWriteDeadline the response is not sent and the connection closes', async () => {
      const r = await start(async (w) => {
        newResponseController(w).setWriteDeadline(new Date(Date.now() + 50));
        await pause(200);
        w.write('too late');
      });
      const res = await timed(r.port, [[0, GET]]);
      expect(res).toEqual({ text: '', closed: true });
      await r.srv.close();
    });
  });

  // The native sink keeps the last head without handler lines and reuses it for the next response that needs the same
  // one: every response in a row must still carry its own status, length, type and Connection (RSP-12, RSP-30, RSP-32,
  // RSP-40, SRV-75).
  test('RSP-12: consecutive heads that differ in one automatic line each come out right', async () => {
    const r = await start((w, req) => {
      const p = req.url.path;
      if (p === '/nf') w.writeHeader(404);
      w.write(p === '/bb' ? 'bb' : p === '/h' ? '<html>' : 'a');
    });
    const paths = ['/a', '/bb', '/a', '/h', '/nf', '/a', '/a'];
    const reqs = paths.map((p, i) => `GET ${p} HTTP/1.1\r\nHost: x\r\n${i === paths.length - 1 ? 'Connection: close\r\n' : ''}\r\n`);
    const got = await raw(r.port, reqs.join('')).finally(() => r.srv.close());
    const head = (status: string, len: number, type: string, close = false): string =>
      `HTTP/1.1 ${status}\r\nDate: D\r\nContent-Length: ${len}\r\nContent-Type: ${type}\r\n${close ? 'Connection: close\r\n' : ''}\r\n`;
    const text = 'text/plain; charset=utf-8';
    expect(got.text.replace(/Date: [^\r]*/g, 'Date: D')).toBe(
      head('200 OK', 1, text) + 'a' + head('200 OK', 2, text) + 'bb' + head('200 OK', 1, text) + 'a' +
        head('200 OK', 6, 'text/html; charset=utf-8') + '<html>' + head('404 Not Found', 1, text) + 'a' +
        head('200 OK', 1, text) + 'a' + head('200 OK', 1, text, true) + 'a',
    );
    expect(got.closed).toBe(true);
  });

  // A head without the fields the server reads itself leaves its header map to be made on the handler's first use:
  // the same map, in the same order, shared with a copy (REQ-32, REQ-21).
  test('REQ-32: a header map made on first use holds every field in order, Host apart, shared with withContext copies', async () => {
    const r = await start((w, req) => {
      const copy = req.withContext(background());
      w.write(JSON.stringify({ h: req.header, same: copy.header === req.header, host: req.host }));
    });
    const got = await raw(r.port, 'GET / HTTP/1.1\r\nAccept: a\r\nX-A: 1\r\nHost: h\r\nx-a: 2\r\nUser-Agent: u\r\nConnection: close\r\n\r\n').finally(() => r.srv.close());
    const body = got.text.slice(got.text.indexOf('\r\n\r\n') + 4);
    expect(JSON.parse(body)).toEqual({ h: { Accept: ['a'], 'X-A': ['1', '2'], 'User-Agent': ['u'], Connection: ['close'] }, same: true, host: 'h' });
    const r2 = await start((w, req) => void w.write(JSON.stringify([req.withContext(background()).header === req.header, req.header])));
    const got2 = await raw(r2.port, 'GET / HTTP/1.1\r\nAccept: a\r\nHost: h\r\nX-A: 1\r\nx-a: 2\r\n\r\n').finally(() => r2.srv.close());
    expect(JSON.parse(got2.text.slice(got2.text.indexOf('\r\n\r\n') + 4))).toEqual([true, { Accept: ['a'], 'X-A': ['1', '2'] }]);
  });

  test('state constants keep Go\'s numbering and names', () => {
    expect([StateNew, StateActive, StateIdle, StateHijacked, StateClosed]).toEqual([0, 1, 2, 3, 4]);
    expect([0, 1, 2, 3, 4].map((s) => connStateString(s as ConnState))).toEqual(['new', 'active', 'idle', 'hijacked', 'closed']);
  });
});
