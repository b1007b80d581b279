/**
 * What a native connection reuses from one request to the next (its request info, the body of requests without
 * one) must never show: handlers that keep earlier requests and responses see them unchanged while later requests
 * run on the same connection.
 */
import { Client, serveOn, get } from '../raw-client';
import { newResponseController, type Request, type ResponseWriter } from '../../src';

describe('per-connection state reused across keep-alive requests', () => {
  test('kept requests and responses of earlier requests are unchanged by later ones on the connection', async () => {
    const kept: Array<{ r: Request; w: ResponseWriter; body: string }> = [];
    const { srv, port } = await serveOn(async (w, r) => {
      const body = (await r.body.readAll()).toString('latin1');
      kept.push({ r, w, body });
      w.write(`${kept.length}:${r.method}:${r.contentLength}:${body}|`);
    });
    const c = new Client(port);
    try {
      c.send(get('/a'));
      await c.until(() => c.text.includes('1:GET:0:|'));
      c.send('POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n');
      await c.until(() => c.text.includes('100 Continue'));
      c.send('hello');
      await c.until(() => c.text.includes('2:POST:5:hello|'));
      // A GET that asks for 100-continue has no body: no 100 Continue, and nothing of the POST's body state.
      c.send(get('/c', 'Expect: 100-continue\r\n'));
      await c.until(() => c.text.includes('3:GET:0:|'));
      c.send('PUT /d HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n');
      await c.until(() => c.text.includes('4:PUT:-1:abc|'));
      c.send(get('/e'));
      await c.until(() => c.text.includes('5:GET:0:|'));
      expect(c.text.split('100 Continue').length - 1).toBe(1);
      expect(kept.map((k) => `${k.r.method} ${k.r.url.path} ${k.r.contentLength} ${k.r.host} ${k.body}`)).toEqual([
        'GET /a 0 x ', 'POST /b 5 x hello', 'GET /c 0 x ', 'PUT /d -1 x abc', 'GET /e 0 x ',
      ]);
      // Earlier requests' bodies stay at their end; reading them again gives nothing new.
      for (const k of kept) expect(await k.r.body.read().catch(() => null)).toBeNull();
      expect(kept[1].r.header.get('Expect')).toBe('100-continue');
      expect(kept[3].r.transferEncoding).toEqual(['chunked']);
    } finally {
      c.close();
      await srv.close();
    }
  });
});

// Plain TCP connections read into one buffer shared by every connection (conn.ts, readIntoShared): bytes that
// outlive the read (a body chunk the handler keeps, a body read later, what a hijacker receives) must be copies.
describe('the shared read buffer', () => {
  const noise = (port: number, n: number): Promise<void> =>
    Promise.all(
      Array.from({ length: n }, async (_, i) => {
        const c = new Client(port);
        c.send(get(`/noise/${'z'.repeat(40 + i)}`, `X-Fill: ${'#'.repeat(300 + i)}\r\n`));
        await c.until(() => c.text.includes('noise'));
        c.close();
      }),
    ).then(() => undefined);

  test('a body chunk a handler keeps is not overwritten by later reads of other connections', async () => {
    const kept: Buffer[] = [];
    let later: Promise<string> | null = null;
    const { srv, port } = await serveOn(async (w, r) => {
      if (r.url.path.startsWith('/noise')) {
        w.write('noise');
        return;
      }
      if (r.url.path === '/keep') {
        const b = await r.body.read();
        kept.push(b!);
        w.write('kept');
        return;
      }
      // /later: the body is read only after other connections have been read.
      later = new Promise((resolve) => setTimeout(() => void r.body.readAll().then((b) => resolve(b.toString('latin1'))), 150));
      w.write('later:' + (await later));
    });
    const body = 'A'.repeat(100) + 'B'.repeat(100);
    const a = new Client(port);
    const b = new Client(port);
    try {
      // (A connection's first request waits for its head through a promise, by which time its bytes are copied; the
      // ones after it are served straight from the read.)
      a.send(get('/noise/first'));
      b.send(get('/noise/first'));
      await a.until(() => a.text.includes('noise'));
      await b.until(() => b.text.includes('noise'));
      a.send(`POST /keep HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
      await a.until(() => a.text.includes('kept'));
      b.send(`POST /later HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
      await noise(port, 8);
      await b.until(() => b.text.includes('later:'));
      await b.until(() => b.text.endsWith(body));
      expect(kept[0].toString('latin1')).toBe(body);
    } finally {
      a.close();
      b.close();
      await srv.close();
    }
  });

  test('a hijacked connection gets the bytes that followed its head intact, and what comes later', async () => {
    let got = '';
    let done: () => void = () => undefined;
    const all = new Promise<void>((r) => (done = r));
    const { srv, port } = await serveOn((w, r) => {
      if (r.url.path.startsWith('/noise')) {
        w.write('noise');
        return;
      }
      const { conn } = newResponseController(w).hijack();
      // Read only once other connections have been read into the shared buffer.
      setTimeout(() => {
        conn.on('data', (d: Buffer) => {
          got += d.toString('latin1');
          if (got.endsWith('END')) done();
        });
        conn.resume();
      }, 150);
    });
    const c = new Client(port);
    try {
      c.send(get('/noise/first'));
      await c.until(() => c.text.includes('noise'));
      c.send(`GET /hj HTTP/1.1\r\nHost: x\r\n\r\n${'after-head:'.repeat(20)}`);
      await noise(port, 8);
      c.send('more-END');
      await all;
      expect(got).toBe('after-head:'.repeat(20) + 'more-END');
    } finally {
      c.close();
      await srv.close();
    }
  });
});
