/**
 * The native Server over TLS: HTTP/1.1 and, by ALPN, HTTP/2 (Go's default TLSNextProto), r.tls, handshake errors
 * logged as Go logs them (SRV-100), and graceful shutdown of HTTP/2 sessions.
 */
import { readFileSync } from 'node:fs';
import * as http2 from 'node:http2';
import * as https from 'node:https';
import * as net from 'node:net';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { Server, listen, errorIs, withTimeout, background, ErrServerClosed, type HandlerLike, type ServerOptions } from '../../src';

const fixtures = path.join(__dirname, '..', 'fixtures');
const key = readFileSync(path.join(fixtures, 'localhost-key.pem'));
const cert = readFileSync(path.join(fixtures, 'localhost-cert.pem'));

interface Running {
  srv: Server;
  port: number;
  served: Promise<unknown>;
  logs: string[];
}

async function startTLS(handler: HandlerLike, opts: ServerOptions = {}): Promise<Running> {
  const logs: string[] = [];
  const srv = new Server({ handler, tlsConfig: { key, cert }, errorLog: { error: (m) => logs.push(m) }, ...opts });
  const ln = await listen('tcp', '127.0.0.1:0');
  const served = srv.serveTLS(ln).catch((e: unknown) => e);
  return { srv, port: ln.addr().port, served, logs };
}

function httpsGet(port: number, p: string, ALPNProtocols?: string[]): Promise<{ status: number; body: string; alpn: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get({ host: '127.0.0.1', servername: 'localhost', port, path: p, ca: cert, agent: false, ...(ALPNProtocols ? { ALPNProtocols } : {}) }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, alpn: String((res.socket as tls.TLSSocket).alpnProtocol) }));
    });
    req.on('error', reject);
  });
}

function h2Get(client: http2.ClientHttp2Session, p: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const st = client.request({ ':path': p });
    let status = 0;
    let body = '';
    st.setEncoding('utf8');
    st.on('response', (h) => (status = Number(h[':status'])));
    st.on('data', (d: string) => (body += d));
    st.on('end', () => resolve({ status, body }));
    st.on('error', reject);
  });
}

const describeTLS = (w: { write(s: string): void }, r: { proto: string; tls?: { version: string; negotiatedProtocol: string; serverName: string } }): void => {
  w.write(`${r.proto} ${r.tls?.negotiatedProtocol ?? 'no-tls'} ${r.tls?.serverName ?? ''} ${r.tls?.version.startsWith('TLS') ?? false}`);
};

describe('native Server over TLS', () => {
  test('HTTP/1.1 client: served by conn, r.tls describes the connection', async () => {
    const s = await startTLS(describeTLS);
    try {
      // node:https offers no ALPN by default: the negotiated protocol is "" as in Go.
      expect(await httpsGet(s.port, '/')).toEqual({ status: 200, body: 'HTTP/1.1  localhost true', alpn: 'false' });
      const r = await httpsGet(s.port, '/', ['http/1.1']);
      expect(r).toEqual({ status: 200, body: 'HTTP/1.1 http/1.1 localhost true', alpn: 'http/1.1' });
    } finally {
      await s.srv.close();
      expect(errorIs(await s.served, ErrServerClosed)).toBe(true);
    }
  });

  test('an h2 client negotiates HTTP/2 by ALPN and gets the same handler and response rules', async () => {
    const s = await startTLS((w, r) => {
      if (r.url.path === '/big') {
        w.write('x'.repeat(5000));
        return;
      }
      describeTLS(w, r);
    });
    const client = http2.connect(`https://localhost:${s.port}`, { ca: cert });
    try {
      expect(await h2Get(client, '/')).toEqual({ status: 200, body: 'HTTP/2.0 h2 localhost true' });
      const big = await h2Get(client, '/big');
      expect(big.body.length).toBe(5000);
    } finally {
      client.close();
      await s.srv.close();
    }
  });

  test('serveTLS with certificate and key files (as listenAndServeTLS passes them)', async () => {
    const srv = new Server({ handler: describeTLS, errorLog: { error: () => undefined } });
    const ln = await listen('tcp', '127.0.0.1:0');
    const served = srv.serveTLS(ln, path.join(fixtures, 'localhost-cert.pem'), path.join(fixtures, 'localhost-key.pem')).catch((e: unknown) => e);
    try {
      expect(await httpsGet(ln.addr().port, '/')).toMatchObject({ status: 200, body: 'HTTP/1.1  localhost true' });
    } finally {
      await srv.close();
      expect(errorIs(await served, ErrServerClosed)).toBe(true);
    }
  });

  test('disableHTTP2: ALPN offers only http/1.1', async () => {
    const s = await startTLS(describeTLS, { disableHTTP2: true });
    try {
      const alpn = await new Promise<string | false | null>((resolve, reject) => {
        const sock = tls.connect({ host: '127.0.0.1', port: s.port, servername: 'localhost', ca: cert, ALPNProtocols: ['h2', 'http/1.1'] }, () => {
          resolve(sock.alpnProtocol);
          sock.destroy();
        });
        sock.on('error', reject);
      });
      expect(alpn).toBe('http/1.1');
    } finally {
      await s.srv.close();
    }
  });

  test('a failed handshake is logged as Go logs it and the server goes on (SRV-100)', async () => {
    const s = await startTLS(describeTLS);
    try {
      await new Promise<void>((resolve) => {
        const c = net.connect(s.port, '127.0.0.1', () => c.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
        c.on('close', () => resolve());
        c.on('error', () => undefined);
        c.resume();
      });
      for (let i = 0; i < 50 && s.logs.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(s.logs[0]).toMatch(/^http: TLS handshake error from 127\.0\.0\.1:\d+: /);
      expect((await httpsGet(s.port, '/')).status).toBe(200);
    } finally {
      await s.srv.close();
    }
  });

  test('shutdown lets an HTTP/2 stream in flight finish, then the session closes', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const inHandler = new Promise<void>((r) => (entered = r));
    const s = await startTLS(async (w) => {
      entered();
      await gate;
      w.write('finished');
    });
    const client = http2.connect(`https://localhost:${s.port}`, { ca: cert });
    client.on('error', () => undefined);
    try {
      const reply = h2Get(client, '/slow');
      await inHandler;
      let shutDown = false;
      const shutdown = s.srv.shutdown(withTimeout(background(), 5000)[0]).then(() => (shutDown = true));
      await new Promise((r) => setTimeout(r, 50));
      expect(shutDown).toBe(false);
      release();
      expect(await reply).toEqual({ status: 200, body: 'finished' });
      await shutdown;
      expect(shutDown).toBe(true);
      expect(errorIs(await s.served, ErrServerClosed)).toBe(true);
    } finally {
      client.destroy();
      await s.srv.close();
    }
  });
});
