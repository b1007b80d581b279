/** adapters/node: requestListener on node:http, https and http2 (compatibility API). */

import * as http from 'node:http';
import * as https from 'node:https';
import * as http2 from 'node:http2';
import * as net from 'node:net';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { ErrAbortHandler, ServeMux, maxBytesReader, newResponseController, type Request } from '../../../src/index';
import { requestListener, type RequestListenerOptions } from '../../../adapters/node';
import { quietLog } from '../carriers';

const fixtures = path.join(__dirname, '..', '..', 'fixtures');
const tlsOpts = { key: readFileSync(path.join(fixtures, 'localhost-key.pem')), cert: readFileSync(path.join(fixtures, 'localhost-cert.pem')) };

async function serve(mux: ServeMux | null, opts: RequestListenerOptions = {}, withContinue = false) {
  const server = http.createServer(requestListener(mux, opts) as http.RequestListener);
  if (withContinue) server.on('checkContinue', requestListener(mux, opts) as http.RequestListener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Writes raw bytes, reads until the server closes or `ms` pass. */
function raw(port: number, data: string, ms = 1500, onData?: (soFar: string, s: net.Socket) => void): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    let got = '';
    const t = setTimeout(() => s.destroy(), ms);
    s.on('data', (d) => {
      got += d.toString('latin1');
      onData?.(got, s);
    });
    s.on('error', () => undefined);
    s.on('close', () => {
      clearTimeout(t);
      resolve(got);
    });
    s.write(data);
  });
}

describe('requestListener on node:http', () => {
  test('request fields as Go sets them', async () => {
    let seen: Request | null = null;
    let body = '';
    const mux = new ServeMux();
    mux.handleFunc('/', async (w, r) => {
      seen = r;
      body = (await r.body.readAll()).toString();
      w.write('ok');
    });
    const s = await serve(mux);
    await raw(s.port, 'POST /a%2Fb/c?x=1 HTTP/1.1\r\nHost: example.com:80\r\nX-Multi: 1\r\nX-Multi: 2\r\nTransfer-Encoding: chunked\r\nTrailer: X-Tr\r\nPragma: no-cache\r\nConnection: close\r\n\r\n3\r\nabc\r\n0\r\nX-Tr: t\r\n\r\n');
    await s.close();
    const r = seen as unknown as Request;
    expect(r.method).toBe('POST');
    expect(r.url.path).toBe('/a/b/c');
    expect(r.url.rawPath).toBe('/a%2Fb/c');
    expect(r.url.rawQuery).toBe('x=1');
    expect(r.requestURI).toBe('/a%2Fb/c?x=1');
    expect(r.host).toBe('example.com:80');
    expect(r.header.has('Host')).toBe(false);
    expect(r.header.values('X-Multi')).toEqual(['1', '2']);
    expect(r.header.get('Cache-Control')).toBe('no-cache');
    expect(r.header.has('Transfer-Encoding')).toBe(false);
    expect(r.transferEncoding).toEqual(['chunked']);
    expect(r.contentLength).toBe(-1);
    expect(r.close).toBe(true);
    expect(r.proto).toBe('HTTP/1.1');
    expect(r.remoteAddr).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(body).toBe('abc');
    expect(r.trailer.get('X-Tr')).toBe('t');
  });

  test('Date as Go decides it (RSP-30, RSP-31): one automatic Date, none for a Date key without values, the handler\'s own, and one when sendDate was off before the handler', async () => {
    const mux = new ServeMux();
    mux.handleFunc('/auto', (w) => void w.write('hi'));
    mux.handleFunc('/auto-big', (w) => void w.write('x'.repeat(5000)));
    mux.handleFunc('/none', (w) => {
      w.header().setRaw('Date', []);
      w.write('hi');
    });
    mux.handleFunc('/own', (w) => {
      w.header().set('Date', 'Tue, 01 Dec 2026 00:00:00 GMT');
      w.write('hi');
    });
    const listener = requestListener(mux) as http.RequestListener;
    const server = http.createServer((req, res) => {
      // Something before the handler turned node:http's Date off: Go still sends one.
      if (req.url === '/off') res.sendDate = false;
      listener(req, res);
    });
    mux.handleFunc('/off', (w) => void w.write('hi'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const port = (server.address() as AddressInfo).port;
    const dates = async (p: string): Promise<string[]> => {
      const got = await raw(port, `GET ${p} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      const head = got.slice(0, got.indexOf('\r\n\r\n'));
      return head.split('\r\n').filter((l) => /^date:/i.test(l)).map((l) => l.slice(l.indexOf(':') + 1).trim());
    };
    const imf = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/;
    try {
      for (const p of ['/auto', '/auto-big', '/off']) {
        const d = await dates(p);
        expect(d).toHaveLength(1);
        expect(d[0]).toMatch(imf);
      }
      expect(await dates('/none')).toEqual([]);
      expect(await dates('/own')).toEqual(['Tue, 01 Dec 2026 00:00:00 GMT']);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test('a small head\'s fields stay readable on the ServerResponse once it is sent (logging middleware reads Content-Length so)', async () => {
    const mux = new ServeMux();
    mux.handleFunc('/small', (w) => void w.write('hello'));
    mux.handleFunc('/json', (w) => {
      w.header().set('Content-Type', 'application/json');
      w.write('{}');
    });
    const listener = requestListener(mux) as http.RequestListener;
    const seen: Record<string, unknown>[] = [];
    const server = http.createServer((req, res) => {
      res.on('finish', () => seen.push({ ...res.getHeaders() }));
      listener(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const port = (server.address() as AddressInfo).port;
    try {
      const small = await raw(port, 'GET /small HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      const json = await raw(port, 'GET /json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      expect(small).toMatch(/\r\nContent-Length: 5\r\n/);
      expect(json).toMatch(/\r\nContent-Type: application\/json\r\n/);
      expect(seen[0]).toMatchObject({ 'content-length': '5', 'content-type': 'text/plain; charset=utf-8' });
      expect(seen[1]).toMatchObject({ 'content-length': '2', 'content-type': 'application/json' });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test('responses of one length and type share their field object: a response held after it ended keeps its own fields', async () => {
    const mux = new ServeMux();
    mux.handleFunc('/json', (w) => {
      w.header().set('Content-Type', 'application/json');
      w.write('{}');
    });
    mux.handleFunc('/other', (w) => {
      w.header().set('Content-Type', 'text/x-other');
      w.write('{}');
    });
    mux.handleFunc('/sniffed', (w) => void w.write('hi'));
    const listener = requestListener(mux) as http.RequestListener;
    const held: http.ServerResponse[] = [];
    const server = http.createServer((req, res) => {
      held.push(res);
      listener(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const port = (server.address() as AddressInfo).port;
    const get = (p: string) => raw(port, `GET ${p} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    try {
      expect(await get('/json')).toMatch(/\r\nContent-Type: application\/json\r\nContent-Length: 2\r\n/);
      expect(await get('/json')).toMatch(/\r\nContent-Type: application\/json\r\nContent-Length: 2\r\n/);
      // The same length with another type: its own fields, and the held responses keep theirs.
      expect(await get('/other')).toMatch(/\r\nContent-Type: text\/x-other\r\nContent-Length: 2\r\n/);
      expect(await get('/sniffed')).toMatch(/\r\nContent-Length: 2\r\nContent-Type: text\/plain; charset=utf-8\r\n/);
      expect(held.map((r) => r.getHeader('content-type'))).toEqual(['application/json', 'application/json', 'text/x-other', 'text/plain; charset=utf-8']);
      // node:http refuses every change to a response's fields once its head is stored: a held response cannot
      // reach the object another response sends.
      const first = held[0];
      expect(() => first.setHeader('Content-Type', 'text/evil')).toThrow(/ERR_HTTP_HEADERS_SENT|Cannot set headers/);
      expect(() => first.appendHeader('Content-Type', 'text/evil')).toThrow(/ERR_HTTP_HEADERS_SENT|Cannot append headers/);
      expect(() => first.removeHeader('Content-Type')).toThrow(/ERR_HTTP_HEADERS_SENT|Cannot remove headers/);
      const headers = first.getHeaders();
      headers['content-type'] = 'text/evil';
      expect(await get('/json')).toMatch(/\r\nContent-Type: application\/json\r\nContent-Length: 2\r\n/);
      expect(held[1].getHeader('content-type')).toBe('application/json');
      expect(held[4].getHeader('content-length')).toBe('2');
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test('trailers of the body reach a withContext copy made before the body was read', async () => {
    let trailer = '';
    const mux = new ServeMux();
    mux.handleFunc('/', async (w, r) => {
      const r2 = r.withContext(r.context());
      await r2.body.readAll();
      trailer = r2.trailer.get('X-Tr');
      w.write('ok');
    });
    const s = await serve(mux);
    await raw(s.port, 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n0\r\nX-Tr: t\r\n\r\n');
    await s.close();
    expect(trailer).toBe('t');
  });

  test('the header map, built on first use, is shared by a withContext copy as in Go', async () => {
    let seen = '';
    const mux = new ServeMux();
    mux.handleFunc('/', (w, r) => {
      const r2 = r.withContext(r.context());
      r2.header.set('X-Added', 'by copy');
      seen = `${r.header.get('X-Added')}|${r.header.get('X-In')}|${r.header.has('Host')}`;
      w.write('ok');
    });
    const s = await serve(mux);
    await raw(s.port, 'GET / HTTP/1.1\r\nHOST: x\r\nx-in: 1\r\nConnection: close\r\n\r\n');
    await s.close();
    expect(seen).toBe('by copy|1|false');
  });

  test('flush with no body written sends the head at once (RSP-80)', async () => {
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    const mux = new ServeMux();
    mux.handleFunc('/', async (w) => {
      w.header().set('X-Early', '1');
      w.writeHeader(200);
      newResponseController(w).flush();
      await released;
      w.write('done');
    });
    const s = await serve(mux);
    const got = await raw(s.port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n', 3000, (soFar, sock) => {
      if (soFar.includes('\r\n\r\n') && !soFar.includes('done')) release();
      if (soFar.endsWith('0\r\n\r\n')) sock.destroy();
    });
    await s.close();
    expect(got).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(got).toContain('X-Early: 1\r\n');
    expect(got).toContain('\r\n4\r\ndone\r\n0\r\n\r\n');
  });

  test("with 'checkContinue', Expect: 100-continue on an empty body is answered without 100 (SRV-92)", async () => {
    const mux = new ServeMux();
    mux.handleFunc('/', async (w, r) => {
      await r.body.readAll();
      w.write('ok');
    });
    const s = await serve(mux, {}, true);
    const out = await raw(s.port, 'POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    // A second one on the same server: the shared empty body was not altered by the first.
    const again = await raw(s.port, 'POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    await s.close();
    for (const o of [out, again]) {
      expect(o).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
      expect(o).not.toContain('100 Continue');
      expect(o.endsWith('\r\n\r\nok')).toBe(true);
    }
  });

  test('OPTIONS * gets the global options reply unless disabled (SRV-12, SRV-102)', async () => {
    const mux = new ServeMux();
    mux.handleFunc('/', (w) => void w.write('handler'));
    const s = await serve(mux);
    const out = await raw(s.port, 'OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(out).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(out).toContain('Content-Length: 0\r\n');
    await s.close();
  });

  test('103 Early Hints go out before the final response', async () => {
    const mux = new ServeMux();
    mux.handleFunc('/', (w) => {
      w.header().set('Link', '</style.css>; rel=preload');
      w.writeHeader(103);
      w.write('done');
    });
    const s = await serve(mux);
    const out = await raw(s.port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    await s.close();
    expect(out).toMatch(/^HTTP\/1\.1 103 Early Hints\r\nLink: <\/style\.css>; rel=preload\r\n\r\nHTTP\/1\.1 200 OK\r\n/);
  });

  test("with 'checkContinue', 100 Continue is sent only when the body is read (SRV-92)", async () => {
    const mux = new ServeMux();
    mux.handleFunc('/read', async (w, r) => void w.write(`read ${(await r.body.readAll()).length}`));
    mux.handleFunc('/refuse', (w) => w.writeHeader(403));
    const s = await serve(mux, {}, true);
    const refused = await raw(s.port, 'PUT /refuse HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n', 800);
    expect(refused).toMatch(/^HTTP\/1\.1 403 Forbidden\r\n/);
    expect(refused).not.toContain('100 Continue');
    let sent = false;
    const read = await raw(s.port, 'PUT /read HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n', 1500, (got, sock) => {
      if (!sent && got.includes('100 Continue\r\n\r\n')) {
        sent = true;
        sock.write('abc');
      }
    });
    expect(read).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK\r\n[^]*read 3$/);
    await s.close();
  });

  test('a panic is logged and aborts the connection; ErrAbortHandler is silent', async () => {
    const log = quietLog();
    const mux = new ServeMux();
    mux.handleFunc('/panic', () => {
      throw new Error('kaboom');
    });
    mux.handleFunc('/abort', async () => {
      throw ErrAbortHandler;
    });
    const s = await serve(mux, { errorLog: log });
    expect(await raw(s.port, 'GET /panic HTTP/1.1\r\nHost: x\r\n\r\n')).toBe('');
    expect(await raw(s.port, 'GET /abort HTTP/1.1\r\nHost: x\r\n\r\n')).toBe('');
    await s.close();
    expect(log.lines).toHaveLength(1);
    expect(log.lines[0]).toMatch(/^http: panic serving 127\.0\.0\.1:\d+: kaboom\nError: kaboom\n/);
  });

  test('the context is cancelled when the handler returns', async () => {
    let ctxErr: string | null = 'unset';
    const mux = new ServeMux();
    mux.handleFunc('/', (w, r) => {
      const ctx = r.context();
      setTimeout(() => (ctxErr = ctx.err()?.message ?? null), 50);
      expect(ctx.err()).toBeNull();
      w.write('x');
    });
    const s = await serve(mux);
    await raw(s.port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    await new Promise((resolve) => setTimeout(resolve, 100));
    await s.close();
    expect(ctxErr).toBe('context canceled');
  });

  test('maxBytesReader past its limit closes the connection after the reply (SRV-90)', async () => {
    const mux = new ServeMux();
    mux.handleFunc('/', async (w, r) => {
      try {
        await maxBytesReader(w, r.body, 4).readAll();
      } catch (e) {
        w.writeHeader(413);
        w.write((e as Error).message);
      }
    });
    const s = await serve(mux);
    const out = await raw(s.port, 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n0123456789', 1500);
    await s.close();
    expect(out).toMatch(/^HTTP\/1\.1 413 Request Entity Too Large\r\n/);
    expect(out).toContain('Connection: close\r\n');
    expect(out).toContain('http: request body too large');
  });

  test('header values with a control byte are dropped and logged (the core, on every carrier), the response goes on', async () => {
    const log = quietLog();
    const mux = new ServeMux();
    mux.handleFunc('/', (w) => {
      w.header().set('X-Bad', 'a\u0000b');
      w.header().set('X-Good', 'ok');
      w.write('body');
    });
    const s = await serve(mux, { errorLog: log });
    const out = await raw(s.port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    await s.close();
    expect(out).toContain('X-Good: ok\r\n');
    expect(out).not.toContain('X-Bad');
    expect(log.lines).toEqual(['http: dropped header field X-Bad: its value holds the control byte 0x00']);
  });

  test('streaming with drained() keeps up with a slow reader', async () => {
    const mux = new ServeMux();
    let maxBuffered = 0;
    mux.handleFunc('/', async (w) => {
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      const rc = newResponseController(w);
      for (let i = 0; i < 256; i++) {
        w.write(chunk);
        await rc.drained();
      }
    });
    const server = http.createServer((req, res) => {
      (requestListener(mux) as http.RequestListener)(req, res);
      const t = setInterval(() => (maxBuffered = Math.max(maxBuffered, res.writableLength)), 5);
      res.on('close', () => clearInterval(t));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const port = (server.address() as AddressInfo).port;
    const total = await new Promise<number>((resolve) => {
      http.get({ port, host: '127.0.0.1', path: '/', agent: false }, (res) => {
        let n = 0;
        res.on('data', (d: Buffer) => {
          n += d.length;
          res.pause();
          setTimeout(() => res.resume(), 1);
        });
        res.on('end', () => resolve(n));
      });
    });
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    expect(total).toBe(256 * 64 * 1024);
    expect(maxBuffered).toBeLessThan(1024 * 1024);
  });
});

describe('requestListener on https and http2', () => {
  const mux = new ServeMux();
  mux.handleFunc('GET /who', (w, r) => {
    w.header().set('Connection', 'close');
    w.header().set('Trailer', 'X-T');
    w.write(`${r.proto} ${r.tls?.version ?? 'plain'} ${r.host} ${r.contentLength}`);
    w.header().set('X-T', 'end');
  });

  test('https: TLS details on the request', async () => {
    const server = https.createServer(tlsOpts, requestListener(mux) as http.RequestListener);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const port = (server.address() as AddressInfo).port;
    const body = await new Promise<string>((resolve, reject) => {
      https.get({ port, host: '127.0.0.1', path: '/who', ca: tlsOpts.cert, servername: 'localhost', agent: false }, (res) => {
        let s = '';
        res.on('data', (d) => (s += d));
        res.on('end', () => resolve(s));
      }).on('error', reject);
    });
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    expect(body).toMatch(/^HTTP\/1\.1 TLSv1\.[23] 127\.0\.0\.1:\d+ 0$/);
  });

  test('http2 compatibility API: connection-specific fields dropped, trailers sent', async () => {
    const server = http2.createSecureServer({ ...tlsOpts, allowHTTP1: false }, requestListener(mux) as never);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const port = (server.address() as AddressInfo).port;
    const client = http2.connect(`https://localhost:${port}`, { ca: tlsOpts.cert });
    const got = await new Promise<{ status: number; headers: http2.IncomingHttpHeaders; body: string; trailers: http2.IncomingHttpHeaders }>((resolve, reject) => {
      const req = client.request({ ':path': '/who' });
      let headers: http2.IncomingHttpHeaders = {};
      let trailers: http2.IncomingHttpHeaders = {};
      let body = '';
      req.on('response', (h) => (headers = h));
      req.on('trailers', (t) => (trailers = t));
      req.on('data', (d) => (body += d));
      req.on('end', () => resolve({ status: Number(headers[':status']), headers, body, trailers }));
      req.on('error', reject);
      req.end();
    });
    client.close();
    await new Promise((resolve) => server.close(resolve));
    expect(got.status).toBe(200);
    expect(got.headers.connection).toBeUndefined();
    expect(got.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(got.body).toMatch(/^HTTP\/2\.0 TLSv1\.3 localhost:\d+ 0$/);
    expect(got.trailers['x-t']).toBe('end');
  });
});
