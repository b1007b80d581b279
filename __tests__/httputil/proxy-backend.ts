/**
 * The backend of the proxy differential in TypeScript: the same answers as the Go program's backend role
 * (__tests__/proxy-oracle/main.go), on the native Server, so that CI, which has no Go, can put nethttp's
 * ReverseProxy in front of a server that answers byte for byte as Go's does and compare with the recorded goldens.
 */

import * as path from 'node:path';
import { Server, TrailerPrefix, listen, newResponseController, notFound, type Header, type Request, type ResponseWriter } from '../../src';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function sorted(h: Header): string {
  let s = '';
  for (const k of [...h.keys()].sort()) {
    // A trailer announced in the head that came with no value.
    if (h.values(k).length === 0) s += `${k} (no value)\n`;
    for (const v of h.values(k)) s += `${k}: ${v}\n`;
  }
  return s;
}

/** What the backend saw of a request, in the Go program's format (after the body and its trailers were read). */
export function view(r: Request, body: Buffer): string {
  return `${r.method} ${r.requestURI} ${r.proto}\nHost: ${r.host}\nContentLength: ${r.contentLength}\n` +
    `TransferEncoding: ${r.transferEncoding.join(',')}\n${sorted(r.header)}\n${body.toString('latin1')}\n${sorted(r.trailer)}`;
}

/** Starts the backend on a loopback port. */
export async function startBackend(): Promise<{ addr: string; close: () => Promise<void> }> {
  const seen = new Map<string, string>();
  const handler = async (w: ResponseWriter, r: Request): Promise<void> => {
    if (r.url.path === '/__seen') {
      const v = seen.get(r.url.query().get('case'));
      if (v === undefined) notFound(w, r);
      else w.write(Buffer.from(v, 'latin1'));
      return;
    }
    const base = path.posix.basename(r.url.path);
    const body = base === 'reject' ? Buffer.alloc(0) : await r.body.readAll();
    seen.set(r.header.get('X-Case'), view(r, body));
    const h = w.header();
    const rc = newResponseController(w);
    switch (base) {
      case 'plain':
        h.set('Connection', 'X-Hop');
        h.set('X-Hop', 'hop');
        h.set('Keep-Alive', 'timeout=5');
        h.set('Proxy-Authenticate', 'Basic');
        h.set('X-End', 'kept');
        h.set('Content-Type', 'text/plain; charset=utf-8');
        w.write(`plain ${r.url.path}\n`);
        break;
      case 'post':
        w.write(Buffer.concat([Buffer.from(`got ${body.length} bytes: `), body, Buffer.from('\n')]));
        break;
      case 'stream':
        for (let i = 0; i < 3; i++) {
          w.write(`part ${i}\n`);
          rc.flush();
          await sleep(100);
        }
        break;
      case 'empty-stream':
        rc.flush();
        break;
      case 'sse':
        h.set('Content-Type', 'text/event-stream');
        h.set('Content-Length', '18');
        w.write('data: 1\n\n');
        rc.flush();
        await sleep(100);
        w.write('data: 2\n\n');
        break;
      case 'trailers':
        h.set('Trailer', 'X-Announced');
        w.write('body');
        h.set('X-Announced', 'a');
        break;
      case 'trailers-extra':
        h.set('Trailer', 'X-Announced');
        w.write('body');
        h.set('X-Announced', 'a');
        h.set(TrailerPrefix + 'X-Surprise', 's');
        break;
      case 'big': {
        h.set('Content-Length', '100000');
        const chunk = '0123456789'.repeat(100);
        for (let i = 0; i < 100; i++) w.write(chunk);
        break;
      }
      case 'upgrade': {
        // A protocol of its own: the 101 head, then one line answered, then the end.
        const { conn } = rc.hijack();
        conn.write('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: x-echo\r\nX-Back: 1\r\n\r\n');
        let line = '';
        conn.on('data', (d: Buffer) => {
          line += d.toString('latin1');
          const nl = line.indexOf('\n');
          if (nl !== -1) conn.end(`pong:${line.slice(0, nl + 1)}`, 'latin1');
        });
        conn.resume();
        break;
      }
      case 'hints':
        // Two informational responses before the final one; the map keeps what each added.
        h.add('Link', '</a.css>; rel=preload; as=style');
        w.writeHeader(103);
        h.add('Link', '</b.js>; rel=preload; as=script');
        w.writeHeader(103);
        h.set('Content-Type', 'text/plain');
        w.write('hinted\n');
        break;
      case 'hints6':
        // One informational response more than a Go client takes.
        for (let i = 0; i < 6; i++) {
          h.set('Link', `</${i}.css>; rel=preload`);
          w.writeHeader(103);
        }
        w.write('too late\n');
        break;
      case 'continue':
        // A 100 Continue nobody asked for (the request has no Expect), then the answer.
        w.writeHeader(100);
        w.write('continued\n');
        break;
      case 'reject':
        // Answered without reading the body the client announced with Expect: 100-continue.
        w.writeHeader(417);
        w.write('rejected\n');
        break;
      case 'decline':
        // An upgrade request answered without switching.
        h.set('Connection', 'close');
        w.writeHeader(403);
        w.write('declined\n');
        break;
      case 'decline-ok':
        w.write('no switch\n');
        break;
      case '204':
        w.writeHeader(204);
        break;
      case '304':
        h.set('Etag', '"v1"');
        w.writeHeader(304);
        break;
      default:
        notFound(w, r);
    }
  };
  const server = new Server({ handler });
  const ln = await listen('tcp', '127.0.0.1:0');
  void server.serve(ln).catch(() => undefined);
  return { addr: ln.addr().toString(), close: () => server.close() };
}
