/**
 * The proxy differential's table and player: raw requests sent to a proxy in front of the backend of
 * __tests__/proxy-oracle (Go) or proxy-backend.ts (TypeScript); what the client received (bytes) and what the
 * backend saw (its view) are kept with Date values and ports masked.
 */

import * as net from 'node:net';
import { ServeMux, type Handler } from '../../src';
import { ReverseProxy, newSingleHostReverseProxy } from '../../src/httputil';

/** One recorded exchange. Strings are bytes, one character per byte. */
export interface ProxyGolden {
  id: string;
  request: string;
  /** The response as the client read it, Date and ports masked. */
  client: string;
  /** What the backend saw, or null when the request never reached it. */
  backend: string | null;
}

const req = (id: string, head: string, body = ''): [string, string] => [
  id,
  // Host, the case id and `Connection: close` go right after the request line.
  head.replace('\n', `\nHost: front.test\r\nX-Case: ${id}\r\nConnection: close\r\n`) + '\r\n' + body,
];

/** The table: [id, request bytes]. Each request ends its connection (`Connection: close`, itself hop-by-hop). */
export function proxyCases(): Array<[string, string]> {
  const ae = 'Accept-Encoding: identity\r\n';
  return [
    req('hop-by-hop', `GET /plain?q=1 HTTP/1.1\r\n${ae}User-Agent: test/1\r\nX-Forwarded-For: 10.0.0.1\r\nKeep-Alive: 300\r\nProxy-Connection: keep-alive\r\nProxy-Authorization: Basic eA==\r\nConnection: X-Gone\r\nX-Gone: 1\r\nTe: trailers, deflate\r\nX-Kept: yes\r\n`),
    req('no-user-agent-no-encoding', 'GET /plain HTTP/1.1\r\n'),
    req('x-forwarded-for-twice', `GET /plain HTTP/1.1\r\n${ae}X-Forwarded-For: 10.0.0.1\r\nX-Forwarded-For: 10.0.0.2, 10.0.0.3\r\n`),
    req('escaped-path', `GET /a%2Fb/plain HTTP/1.1\r\n${ae}`),
    req('post-length', `POST /post HTTP/1.1\r\n${ae}Content-Type: text/plain\r\nContent-Length: 11\r\n`, 'hello proxy'),
    req('post-chunked', `POST /post HTTP/1.1\r\n${ae}Transfer-Encoding: chunked\r\n`, '5\r\nhello\r\n6\r\n proxy\r\n0\r\n\r\n'),
    req('post-empty', `POST /post HTTP/1.1\r\n${ae}Content-Length: 0\r\n`),
    req('head', `HEAD /plain HTTP/1.1\r\n${ae}`),
    req('stream', `GET /stream HTTP/1.1\r\n${ae}`),
    req('empty-stream', `GET /empty-stream HTTP/1.1\r\n${ae}`),
    req('event-stream', `GET /sse HTTP/1.1\r\n${ae}`),
    req('trailers', `GET /trailers HTTP/1.1\r\n${ae}Te: trailers\r\n`),
    req('trailers-unannounced', `GET /trailers-extra HTTP/1.1\r\n${ae}Te: trailers\r\n`),
    req('big', `GET /big HTTP/1.1\r\n${ae}`),
    req('no-content', `GET /204 HTTP/1.1\r\n${ae}`),
    req('not-modified', `GET /304 HTTP/1.1\r\n${ae}If-None-Match: "v1"\r\n`),
    req('not-found', `GET /nothing HTTP/1.1\r\n${ae}`),
    req('rewrite', `GET /rw/plain?a=1;b=2&c=3 HTTP/1.1\r\n${ae}X-Forwarded-For: 6.6.6.6\r\nX-Forwarded-Host: evil\r\nForwarded: for=6.6.6.6\r\n`),
    req('backend-down', `GET /down/x HTTP/1.1\r\n${ae}`),
    // The client speaks its protocol once the 101 is in (exchange sends `ping\n` then).
    withConnection(req('upgrade', `GET /upgrade HTTP/1.1\r\n${ae}Upgrade: x-echo\r\n`), 'Upgrade'),
    // 1xx responses from the backend (two 103 Early Hints) come before the final one.
    req('early-hints', `GET /hints HTTP/1.1\r\n${ae}`),
    // Six 1xx: Go's transport takes five and fails on the sixth (502).
    req('too-many-1xx', `GET /hints6 HTTP/1.1\r\n${ae}`),
    // The client announces its body with Expect: 100-continue; the backend reads it, or answers without reading it.
    req('expect-continue', `POST /post HTTP/1.1\r\n${ae}Expect: 100-continue\r\nContent-Length: 11\r\n`, 'hello proxy'),
    // A backend's 100 Continue the request did not ask for: Go passes it on as a 1xx.
    req('unasked-continue', `GET /continue HTTP/1.1\r\n${ae}`),
    req('expect-rejected', `POST /reject HTTP/1.1\r\n${ae}Expect: 100-continue\r\nContent-Length: 11\r\n`, 'hello proxy'),
    // A chunked body with trailers: one announced in Trailer, one not.
    req('post-trailers', `POST /post HTTP/1.1\r\n${ae}Transfer-Encoding: chunked\r\nTrailer: X-T\r\n`, '5\r\nhello\r\n6\r\n proxy\r\n0\r\nX-T: tv\r\nX-U: uv\r\n\r\n'),
    // An upgrade the backend declines (403 with Connection: close, or a plain 200): its answer is passed on.
    withConnection(req('upgrade-declined', `GET /decline HTTP/1.1\r\n${ae}Upgrade: x-echo\r\n`), 'close, Upgrade'),
    withConnection(req('upgrade-declined-200', `GET /decline-ok HTTP/1.1\r\n${ae}Upgrade: x-echo\r\n`), 'close, Upgrade'),
    // A backend that switches protocols when the client did not ask to: 502.
    req('upgrade-unasked', `GET /upgrade HTTP/1.1\r\n${ae}`),
  ];
}

function withConnection([id, bytes]: [string, string], value: string): [string, string] {
  return [id, bytes.replace('Connection: close\r\n', `Connection: ${value}\r\n`)];
}

/** The proxies of the Go program's proxy role, in TypeScript. */
export function proxyHandler(backend: string, dead: string): Handler {
  const mux = new ServeMux();
  const base = newSingleHostReverseProxy(`http://${backend}/base`);
  // Its one error (upgrade-unasked) is undici's `bad upgrade`; the client's bytes are what is compared.
  base.errorLog = { error: () => undefined };
  mux.handle('/', base);
  mux.handle('/rw/', new ReverseProxy({
    rewrite: (pr) => {
      pr.setURL(`http://${backend}`);
      pr.setXForwarded();
    },
  }));
  const down = newSingleHostReverseProxy(`http://${dead}`);
  down.errorLog = { error: () => undefined };
  mux.handle('/down/', down);
  return mux;
}

/** Date values and ports, which differ from run to run. */
export function mask(s: string): string {
  return s.replace(/^Date: .*$/gm, 'Date: DATE').replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:PORT');
}

/** Sends raw bytes and resolves with everything received until the server closes the connection. */
export function exchange(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    const got: Buffer[] = [];
    sock.on('connect', () => sock.write(bytes, 'latin1'));
    let switched = false;
    sock.on('data', (d: Buffer) => {
      got.push(d);
      // After a 101 head the client speaks first: one line.
      if (!switched && /^HTTP\/1\.1 101 [^]*?\r\n\r\n/.test(Buffer.concat(got).toString('latin1'))) {
        switched = true;
        sock.write('ping\n');
      }
    });
    sock.on('error', reject);
    sock.on('close', () => resolve(Buffer.concat(got).toString('latin1')));
    sock.setTimeout(10_000, () => sock.destroy(new Error(`timed out after ${JSON.stringify(Buffer.concat(got).toString('latin1'))}`)));
  });
}

/** What the backend at `addr` saw of case `id`, or null. */
export async function backendView(addr: string, id: string): Promise<string | null> {
  const raw = await exchange(Number(addr.split(':')[1]), `GET /__seen?case=${id} HTTP/1.1\r\nHost: b\r\nConnection: close\r\n\r\n`);
  if (!raw.startsWith('HTTP/1.1 200 ')) return null;
  const head = raw.indexOf('\r\n\r\n');
  const len = /\r\nContent-Length: (\d+)\r\n/.exec(raw.slice(0, head + 2));
  let body = raw.slice(head + 4);
  if (len === null) body = dechunk(body);
  return body;
}

function dechunk(s: string): string {
  let out = '';
  for (let i = 0; ;) {
    const nl = s.indexOf('\r\n', i);
    const n = parseInt(s.slice(i, nl), 16);
    if (!(n > 0)) return out;
    out += s.slice(nl + 2, nl + 2 + n);
    i = nl + 2 + n + 2;
  }
}

/** A loopback address nothing listens on (a port taken and released). */
export async function deadAddr(): Promise<string> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return `127.0.0.1:${port}`;
}

/** Plays the table against a proxy on `proxyPort` in front of the backend at `backendAddr`. */
export async function play(proxyPort: number, backendAddr: string): Promise<ProxyGolden[]> {
  const out: ProxyGolden[] = [];
  for (const [id, request] of proxyCases()) {
    const client = mask(await exchange(proxyPort, request));
    const seen = await backendView(backendAddr, id);
    out.push({ id, request, client, backend: seen === null ? null : mask(seen) });
  }
  return out;
}
