/**
 * toFetch: Go's ResponseWriter rules on the Fetch API (called directly with the platform's Request, no server), the
 * context and its cancellation, bodies streaming both ways with backpressure, and a throw as Go's panic.
 */

import { ErrAbortHandler, ServeMux, handlerFunc, toFetch, type Handler, type Request as NRequest, type ResponseWriter } from '../../../adapters/fetch';
import { fetchCarrier, quietLog } from '../carriers';

function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((r) => (open = r));
  return { wait, open };
}

const drained = (w: ResponseWriter): Promise<void> => (w as unknown as { drained(): Promise<void> }).drained();
const flush = (w: ResponseWriter): void => (w as unknown as { flush(): void }).flush();

describe('the response rules on the Fetch API', () => {
  const log = quietLog();
  const mux = new ServeMux();
  mux.handleFunc('GET /text', (w) => void w.write('hello\n'));
  mux.handleFunc('GET /json', (w) => {
    w.header().set('Content-Type', 'application/json');
    w.header().add('Set-Cookie', 'a=1');
    w.header().add('Set-Cookie', 'b=2');
    w.header().set('X-Text', 'café ☃');
    w.writeHeader(201);
    w.write('{}');
  });
  mux.handleFunc('GET /204', (w) => void w.writeHeader(204));
  mux.handleFunc('GET /304', (w) => {
    w.header().set('Content-Type', 'text/plain');
    w.header().set('ETag', '"x"');
    w.writeHeader(304);
  });
  mux.handleFunc('GET /205', (w) => {
    w.writeHeader(205);
    w.write('dropped');
  });
  mux.handleFunc('GET /999', (w) => {
    w.writeHeader(999);
    w.write('x');
  });
  mux.handleFunc('GET /declared', (w) => {
    w.header().set('Content-Length', '3000');
    w.write('y'.repeat(3000));
  });
  const app = toFetch(mux, { errorLog: log });
  const get = async (path: string, init?: RequestInit): Promise<Response> => app(new Request('http://example.com' + path, init));

  test('implicit 200, sniffed Content-Type, automatic Content-Length, Date', async () => {
    const res = await get('/text');
    expect([res.status, res.headers.get('content-type'), res.headers.get('content-length'), await res.text()]).toEqual([200, 'text/plain; charset=utf-8', '6', 'hello\n']);
    expect(res.headers.get('date')).toMatch(/GMT$/);
  });

  test('status, header fields (Set-Cookie twice, a non-ASCII value as its UTF-8 bytes), no sniffing over a set type', async () => {
    const res = await get('/json');
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    // Headers hold one character per byte: the bytes of the text.
    expect(Buffer.from(res.headers.get('x-text')!, 'latin1').toString('utf8')).toBe('café ☃');
  });

  test('HEAD: the GET head with its Content-Length, no body (RSP-63)', async () => {
    const res = await get('/text', { method: 'HEAD' });
    expect([res.status, res.headers.get('content-length'), res.body]).toEqual([200, '6', null]);
  });

  test('204 and 304 without a body; 304 loses Content-Type (RSP-62); 205 sends no body on the Fetch API', async () => {
    const a = await get('/204');
    expect([a.status, a.body, a.headers.get('content-length')]).toEqual([204, null, null]);
    const b = await get('/304');
    expect([b.status, b.body, b.headers.get('content-type'), b.headers.get('etag')]).toEqual([304, null, null, '"x"']);
    const c = await get('/205');
    expect([c.status, c.body]).toEqual([205, null]);
  });

  test('a status the Fetch API cannot carry is sent as 500, with a log line', async () => {
    const res = await get('/999');
    expect(res.status).toBe(500);
    expect(log.lines).toContain('http: status 999 cannot be sent on the fetch carrier; sent as 500');
  });

  test('a declared Content-Length is kept on a streamed body', async () => {
    const res = await get('/declared');
    expect([res.headers.get('content-length'), (await res.text()).length]).toEqual(['3000', 3000]);
  });

  test('a handler that finished is answered with the Response itself (no promise turn before the platform writes it)', async () => {
    const res = app(new Request('http://example.com/text'));
    expect(res).toBeInstanceOf(Response);
    expect(await (res as Response).text()).toBe('hello\n');
    // A handler that is still running: a promise, resolved when the head is decided.
    const later = toFetch(async (w: ResponseWriter) => void w.write(await Promise.resolve('later')))(new Request('http://x/'));
    expect(later).toBeInstanceOf(Promise);
    expect(await (await later).text()).toBe('later');
  });

  test('a short ASCII body without a Content-Type gets none (RSP-35), though the Fetch API types a string body', async () => {
    const m = new ServeMux();
    m.handleFunc('GET /untyped', (w) => {
      w.header().setRaw('Content-Type', null);
      w.write('hello');
    });
    m.handleFunc('GET /encoded', (w) => {
      w.header().set('Content-Encoding', 'identity');
      w.write('hello');
    });
    for (const path of ['/untyped', '/encoded']) {
      const res = await toFetch(m)(new Request('http://x' + path));
      expect([res.headers.get('content-type'), res.headers.get('content-length'), await res.text()]).toEqual([null, '5', 'hello']);
    }
  });

  test('a string of bytes that are not UTF-8 (a path value of %FF%C3) is sent as those bytes, not as a string', async () => {
    const m = new ServeMux();
    m.handleFunc('GET /raw/{x}', (w, r) => void w.write(r.pathValue('x')));
    const res = await toFetch(m)(new Request('http://x/raw/%FF%C3'));
    expect([res.headers.get('content-length'), [...new Uint8Array(await res.arrayBuffer())]]).toEqual(['2', [0xff, 0xc3]]);
  });

  test('a body past the 2048-byte buffer is a stream without Content-Length (RSP-41)', async () => {
    const m = new ServeMux();
    m.handleFunc('GET /big', (w) => void w.write('z'.repeat(5000)));
    const res = await toFetch(m)(new Request('http://x/big'));
    expect(res.headers.get('content-length')).toBeNull();
    expect((await res.text()).length).toBe(5000);
  });
});

describe('Date on @hono/node-server (node:http writes it)', () => {
  test('sent in Go\'s format; a Date key without values sends none (RSP-30, RSP-31)', async () => {
    const mux = new ServeMux();
    mux.handleFunc('GET /dated', (w) => void w.write('a'));
    mux.handleFunc('GET /undated', (w) => {
      w.header().setRaw('Date', null);
      w.write('b');
    });
    mux.handleFunc('GET /own', (w) => {
      w.header().set('Date', 'Tue, 10 Nov 2009 23:00:00 GMT');
      w.write('c');
    });
    mux.handleFunc('GET /undated-stream', (w) => {
      w.header().setRaw('Date', null);
      w.write('d'.repeat(5000));
    });
    const c = await fetchCarrier(mux, quietLog());
    try {
      const dated = await c.send({ method: 'GET', path: '/dated' });
      expect(dated.headers.date).toMatch(/^[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT$/);
      for (const path of ['/undated', '/undated-stream']) expect((await c.send({ method: 'GET', path })).headers.date).toBeUndefined();
      expect((await c.send({ method: 'GET', path: '/own' })).headers.date).toBe('Tue, 10 Nov 2009 23:00:00 GMT');
    } finally {
      await c.close();
    }
  });
});

// @hono/node-server gives a Response without a body and without a Content-Type its own `text/plain; charset=UTF-8`
// (Hono's answers too): the Response toFetch returns has none, as Go sends none; the client of that host sees the
// host's type (docs/fetch.md, "What the Fetch API cannot carry"). A body, even an empty one, keeps the head as given.
describe('a head without Content-Type on @hono/node-server', () => {
  test('a 304 and a 204 carry no type from toFetch; the host adds text/plain to them, not to an empty 200', async () => {
    const mux = new ServeMux();
    mux.handleFunc('GET /304', (w) => {
      w.header().set('Content-Type', 'application/json'); // dropped on 304, as Go does
      w.writeHeader(304);
    });
    mux.handleFunc('GET /204', (w) => void w.writeHeader(204));
    mux.handleFunc('GET /empty', () => undefined);
    const app = toFetch(mux, { errorLog: quietLog() });
    for (const path of ['/304', '/204', '/empty']) {
      const res = await app(new Request('http://example.com' + path));
      expect(res.headers.get('content-type')).toBeNull();
    }
    const c = await fetchCarrier(mux, quietLog());
    try {
      for (const [path, status] of [['/304', 304], ['/204', 204]] as const) {
        const got = await c.send({ method: 'GET', path });
        expect([got.status, got.headers['content-type']]).toEqual([status, 'text/plain; charset=UTF-8']);
      }
      const empty = await c.send({ method: 'GET', path: '/empty' });
      expect([empty.status, empty.headers['content-type'], empty.headers['content-length']]).toEqual([200, undefined, '0']);
    } finally {
      await c.close();
    }
  });
});

describe('streaming and backpressure', () => {
  test('the Response comes at the first flush, and the body follows as the handler writes', async () => {
    const g = gate();
    let finished = false;
    const app = toFetch(async (w: ResponseWriter) => {
      w.header().set('Content-Type', 'text/event-stream');
      w.write('data: one\n\n');
      flush(w);
      await g.wait;
      w.write('data: two\n\n');
      finished = true;
    });
    const res = await app(new Request('http://x/events'));
    expect(finished).toBe(false);
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(Buffer.from(first.value!).toString()).toBe('data: one\n\n');
    g.open();
    const second = await reader.read();
    expect(Buffer.from(second.value!).toString()).toBe('data: two\n\n');
    expect((await reader.read()).done).toBe(true);
    expect(finished).toBe(true);
  });

  test('a handler that awaits drained() writes no further than the stream\'s high-water mark ahead of the reader', async () => {
    const chunk = new Uint8Array(16384);
    let written = 0;
    const app = toFetch(async (w: ResponseWriter) => {
      for (let i = 0; i < 256; i++) {
        w.write(chunk);
        written += chunk.length;
        await drained(w);
      }
    }, { highWaterMark: 65536 });
    const res = await app(new Request('http://x/'));
    const reader = res.body!.getReader();
    await new Promise((r) => setTimeout(r, 50));
    // Nobody read: the handler stopped after the high-water mark (and what the core held before the stream).
    expect(written).toBeLessThanOrEqual(65536 + 2 * chunk.length);
    let got = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      got += value.byteLength;
    }
    expect(got).toBe(256 * chunk.length);
  });

  test('the request body is read as the client sends it, not gathered first', async () => {
    let push!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({ start: (c) => void (push = c) });
    const seen: string[] = [];
    const firstSeen = gate();
    const app = toFetch(async (w: ResponseWriter, r: NRequest) => {
      for await (const piece of r.body) {
        seen.push(piece.toString());
        firstSeen.open();
      }
      w.write(seen.join('|'));
    });
    const pending = app(new Request('http://x/up', { method: 'POST', body, duplex: 'half' } as RequestInit));
    push.enqueue(new TextEncoder().encode('one'));
    await firstSeen.wait;
    expect(seen).toEqual(['one']); // read before the client sent the rest
    push.enqueue(new TextEncoder().encode('two'));
    push.close();
    expect(await (await pending).text()).toBe('one|two');
  });
});

describe('the request context', () => {
  test('request.signal cancels it', async () => {
    const ac = new AbortController();
    const started = gate();
    let err = '';
    const app = toFetch(async (w: ResponseWriter, r: NRequest) => {
      const ctx = r.context();
      started.open();
      await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
      err = ctx.err()!.message;
      w.write('late');
    });
    const pending = app(new Request('http://x/', { signal: ac.signal }));
    await started.wait;
    ac.abort();
    await pending;
    expect(err).toBe('context canceled');
  });

  test('the platform cancelling the response body (the client went away) cancels it', async () => {
    const done = gate();
    let err = '';
    const app = toFetch(async (w: ResponseWriter, r: NRequest) => {
      const ctx = r.context();
      w.write('x'.repeat(3000));
      flush(w);
      await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
      err = ctx.err()!.message;
      done.open();
    });
    const res = await app(new Request('http://x/'));
    await res.body!.cancel();
    await done.wait;
    expect(err).toBe('context canceled');
  });

  test('it is cancelled when the handler returns (Go\'s rule), and baseContext is its parent', async () => {
    let ctx: ReturnType<NRequest['context']> | null = null;
    const key = Symbol('k');
    const { withValue, background } = await import('../../../adapters/fetch');
    const app = toFetch((w: ResponseWriter, r: NRequest) => {
      ctx = r.context();
      w.write(String(ctx.value(key)));
    }, { baseContext: () => withValue(background(), key, 'base') });
    const res = await app(new Request('http://x/'));
    expect(await res.text()).toBe('base');
    expect(ctx!.err()?.message).toBe('context canceled');
  });
});

describe('a throw is Go\'s panic', () => {
  test('before the head: logged in Go\'s format, and the promise rejects (the platform answers it)', async () => {
    const log = quietLog();
    const app = toFetch(() => {
      throw new Error('boom');
    }, { errorLog: log, remoteAddr: () => '192.0.2.1:1234' });
    await expect(app(new Request('http://x/'))).rejects.toThrow('boom');
    expect(log.lines[0]).toMatch(/^http: panic serving 192\.0\.2\.1:1234: boom\nError: boom/);
  });

  test('after the head: the body stream errors, so the platform cuts the response', async () => {
    const log = quietLog();
    const app = toFetch(async (w: ResponseWriter) => {
      w.write('x'.repeat(3000));
      flush(w);
      await new Promise((r) => setTimeout(r, 10));
      throw new Error('late boom');
    }, { errorLog: log });
    const res = await app(new Request('http://x/'));
    await expect(res.text()).rejects.toThrow('late boom');
    expect(log.lines).toHaveLength(1);
  });

  test('ErrAbortHandler aborts without a log line', async () => {
    const log = quietLog();
    const h: Handler = handlerFunc(() => {
      throw ErrAbortHandler;
    });
    await expect(toFetch(h, { errorLog: log })(new Request('http://x/'))).rejects.toBe(ErrAbortHandler);
    expect(log.lines).toEqual([]);
  });

  test('@hono/node-server passes the client address through (default remoteAddr)', async () => {
    let seen = '';
    const app = toFetch((w: ResponseWriter, r: NRequest) => {
      seen = r.remoteAddr;
      w.write('ok');
    });
    await app(new Request('http://x/'), { incoming: { socket: { remoteAddress: '::1', remotePort: 5000 } } });
    expect(seen).toBe('[::1]:5000');
  });
});

describe('the request as the handler sees it', () => {
  test('r.host is each request\'s own authority, also when the one before had another of the same length', async () => {
    // The carrier remembers the last authority and its text: a different one, even as long, must not pass for it.
    const seen: string[] = [];
    const app = toFetch((w: ResponseWriter, r: NRequest) => {
      seen.push(r.host);
      w.write('ok');
    });
    const hosts = ['a.example', 'a.example', 'b.example', 'a.example:81', 'a.example:82', 'a.example', '[::1]:8080', 'xn--caf-dma.example'];
    for (const h of hosts) await app(new Request(`http://${h}/p`));
    expect(seen).toEqual(hosts);
  });

  test('the header map: framing fields of a chunked body are not fields; Pragma implies Cache-Control (REQ-34)', async () => {
    const seen: unknown[] = [];
    const app = toFetch(async (w: ResponseWriter, r: NRequest) => {
      seen.push([r.transferEncoding, r.contentLength, r.header.get('Content-Length'), r.header.get('Transfer-Encoding'), r.header.get('X-A'), r.header.get('Cache-Control'), (await r.body.readAll()).toString()]);
      w.write('ok');
    });
    const res = await app(new Request('http://x/up', { method: 'POST', headers: { 'transfer-encoding': 'chunked', 'content-length': '5', 'x-a': '1', pragma: 'no-cache' }, body: 'hello' }));
    expect(res.status).toBe(200);
    const plain = await app(new Request('http://x/up', { method: 'POST', headers: { 'x-a': '2' }, body: 'hi' }));
    expect(plain.status).toBe(200);
    // After a chunked one, a request with a length has it as a field (the chunked flag is the first request's own).
    const sized = await app(new Request('http://x/up', { method: 'POST', headers: { 'content-length': '2', 'x-a': '3' }, body: 'hi' }));
    expect(sized.status).toBe(200);
    expect(seen).toEqual([
      [['chunked'], -1, '', '', '1', 'no-cache', 'hello'],
      [[], -1, '', '', '2', '', 'hi'], // a fetch Request's Headers carry no Content-Length for a string body
      [[], 2, '2', '', '3', '', 'hi'],
    ]);
  });

  test('a target Go refuses (a bad percent escape) is answered 400 without running the handler', async () => {
    let ran = false;
    const app = toFetch(() => void (ran = true));
    const res = await app(new Request('http://x/%zz'));
    expect([res.status, res.headers.get('connection'), await res.text(), ran]).toEqual([400, 'close', '400 Bad Request', false]);
  });

  test('the target is the path and query up to a fragment, in short and long URLs', async () => {
    const seen: string[] = [];
    const app = toFetch((w: ResponseWriter, r: NRequest) => {
      seen.push(`${r.requestURI} ${r.url.path} ${r.url.rawQuery}`);
      w.write('ok');
    });
    const long = '/' + 'seg/'.repeat(20) + 'end';
    for (const u of ['http://x/p?q=1#frag', 'http://x/p#f?not-query', 'http://x/p', `http://x${long}?a=b#c`, `http://x${long}`, 'http://x?q']) {
      await app(new Request(u));
    }
    expect(seen).toEqual(['/p?q=1 /p q=1', '/p /p ', '/p /p ', `${long}?a=b ${long} a=b`, `${long} ${long} `, '/?q / q']);
  });
});
