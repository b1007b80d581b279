/**
 * TLS connections that do not complete a handshake, as Go 1.23 treats them (each checked against Go's server):
 * closed at the handshake deadline, the smallest of readHeaderTimeout, readTimeout and writeTimeout (SRV-113),
 * at once when the client ends its input, and plain HTTP on the TLS port answered with Go's cleartext 400
 * (SRV-100). Slowloris clients are bounded before the handshake by that deadline and after it by
 * readHeaderTimeout.
 */

import * as net from 'node:net';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { readFileSync } from 'node:fs';
import { Server, listen, type ServerOptions } from '../src';

const fixtures = path.join(__dirname, 'fixtures');
const key = readFileSync(path.join(fixtures, 'localhost-key.pem'));
const cert = readFileSync(path.join(fixtures, 'localhost-cert.pem'));
// The first bytes of a ClientHello: a handshake record header and the start of the message.
const PARTIAL_HELLO = '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03';

async function tlsServer(opts: ServerOptions): Promise<{ port: number; logs: string[]; close(): Promise<void> }> {
  const logs: string[] = [];
  const srv = new Server({ handler: (w) => void w.write('ok\n'), tlsConfig: { key, cert }, errorLog: { error: (m) => logs.push(m) }, ...opts });
  const ln = await listen('tcp', '127.0.0.1:0');
  srv.serveTLS(ln).catch(() => undefined);
  return { port: ln.addr().port, logs, close: () => srv.close() };
}

/** A raw connection that sends `bytes` (and half-closes if asked); what came back and when it closed. */
function probe(port: number, bytes: string | null, halfClose: boolean, waitMs = 4000): Promise<{ got: string; ms: number; closed: boolean }> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    let got = '';
    const s = net.connect(port, '127.0.0.1', () => {
      if (bytes !== null) s.write(Buffer.from(bytes, 'latin1'));
      if (halfClose) s.end();
    });
    s.on('data', (d: Buffer) => (got += d.toString('latin1')));
    s.on('error', () => undefined);
    const done = (closed: boolean): void => {
      clearTimeout(t);
      s.destroy();
      resolve({ got, ms: Date.now() - t0, closed });
    };
    s.on('close', () => done(true));
    const t = setTimeout(() => done(false), waitMs);
  });
}

let s: Awaited<ReturnType<typeof tlsServer>>;
beforeAll(async () => {
  s = await tlsServer({ readHeaderTimeout: 1000 });
});
afterAll(() => s.close());

describe('a handshake that does not finish (SRV-113)', () => {
  test.each([
    ['a silent client', null],
    ['a partial ClientHello', PARTIAL_HELLO],
    ['three bytes', 'GET'],
  ])('%s is closed at the handshake deadline (readHeaderTimeout), with Go\'s log line', async (_name, bytes) => {
    const r = await probe(s.port, bytes, false);
    expect(r.closed).toBe(true);
    expect(r.got).toBe('');
    expect(r.ms).toBeGreaterThanOrEqual(900);
    expect(r.ms).toBeLessThan(3000);
    expect(s.logs.some((l) => /^http: TLS handshake error from 127\.0\.0\.1:\d+: read tcp 127\.0\.0\.1:\d+->127\.0\.0\.1:\d+: i\/o timeout$/.test(l))).toBe(true);
  });

  test.each([
    ['a client that half-closes at once', null],
    ['a partial ClientHello and the end of input', PARTIAL_HELLO],
  ])('%s is closed at once', async (_name, bytes) => {
    const r = await probe(s.port, bytes, true);
    expect(r.closed).toBe(true);
    expect(r.ms).toBeLessThan(800);
  });

  test('the deadline is the smallest of readHeaderTimeout, readTimeout and writeTimeout', async () => {
    const t = await tlsServer({ readHeaderTimeout: 5000, readTimeout: 4000, writeTimeout: 400 });
    try {
      const r = await probe(t.port, PARTIAL_HELLO, false);
      expect(r.closed).toBe(true);
      expect(r.ms).toBeGreaterThanOrEqual(350);
      expect(r.ms).toBeLessThan(2000);
    } finally {
      await t.close();
    }
  });

  test('a completed handshake is not cut by the deadline: a slow request then gets readHeaderTimeout', async () => {
    const t0 = Date.now();
    const sock = tls.connect({ host: '127.0.0.1', port: s.port, servername: 'localhost', ca: cert, ALPNProtocols: ['http/1.1'] });
    await new Promise<void>((resolve) => sock.once('secureConnect', () => resolve()));
    const secured = Date.now() - t0;
    let got = '';
    sock.on('data', (d: Buffer) => (got += d.toString('latin1')));
    sock.on('error', () => undefined);
    // Slowloris after the handshake: a byte every 200 ms.
    const head = 'GET / HTTP/1.1\r\nHost: a\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n';
    let i = 0;
    const drip = setInterval(() => {
      if (i < head.length && !sock.destroyed) sock.write(head[i++]);
    }, 200);
    const closedAt = await new Promise<number>((resolve) => sock.once('close', () => resolve(Date.now() - t0)));
    clearInterval(drip);
    // At the deadline the partial request line is read as if it had ended (SRV-70): "GET / " is a 400.
    expect(got).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(closedAt - secured).toBeGreaterThanOrEqual(900);
    expect(closedAt).toBeLessThan(4000);
  });
});

describe('plain HTTP to the TLS port (SRV-100)', () => {
  test.each([['GET / HTTP/1.1\r\nHost: a\r\n\r\n'], ['POST /x HTTP/1.1\r\n'], ['OPTIONS * HTTP/1.1\r\n'], ['HEAD / HTTP/1.0\r\n\r\n'], ['PUT /a HTTP/1.1\r\n']])('%j gets Go\'s cleartext 400 and a close', async (req) => {
    const r = await probe(s.port, req, false);
    expect(r.got).toBe('HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n');
    expect(r.closed).toBe(true);
    expect(r.ms).toBeLessThan(800);
    expect(s.logs.some((l) => /^http: TLS handshake error from 127\.0\.0\.1:\d+: client sent an HTTP request to an HTTPS server$/.test(l))).toBe(true);
  });

  test('other bytes that are not TLS get no reply, only the close', async () => {
    const r = await probe(s.port, 'hello there', false);
    expect(r.got).toBe('');
    expect(r.closed).toBe(true);
    expect(r.ms).toBeLessThan(800);
  });
});

test('slowloris on the TLS port is bounded: 30 clients dripping a ClientHello and 30 dripping a head after the handshake are all closed by the deadlines', async () => {
  const t0 = Date.now();
  const before = Array.from({ length: 30 }, () => {
    return new Promise<number>((resolve) => {
      const c = net.connect(s.port, '127.0.0.1');
      let i = 0;
      const drip = setInterval(() => !c.destroyed && c.write(Buffer.from(PARTIAL_HELLO[i++ % PARTIAL_HELLO.length], 'latin1')), 150);
      c.on('error', () => undefined);
      c.on('close', () => {
        clearInterval(drip);
        resolve(Date.now() - t0);
      });
    });
  });
  const after = Array.from({ length: 30 }, () => {
    return new Promise<number>((resolve) => {
      const c = tls.connect({ host: '127.0.0.1', port: s.port, servername: 'localhost', ca: cert, ALPNProtocols: ['http/1.1'] });
      let drip: NodeJS.Timeout | undefined;
      c.once('secureConnect', () => {
        drip = setInterval(() => !c.destroyed && c.write('G'), 150);
      });
      c.on('error', () => undefined);
      c.on('close', () => {
        clearInterval(drip);
        resolve(Date.now() - t0);
      });
    });
  });
  const times = await Promise.all([...before, ...after]);
  expect(Math.max(...times)).toBeLessThan(5000);
}, 15000);
