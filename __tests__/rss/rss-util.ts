/** What the memory tests share: a child's resident set, a 1 GiB upload pump, and the streaming handler step. */

import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import { newResponseController, type ResponseWriter } from '../../src/index';

export const GiB = 1024 * 1024 * 1024;

/** The resident set of process `pid` in bytes (VmRSS), 0 when unknown. */
export function rss(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

/** Writes 1 GiB of `chunk` to `req` as fast as it drains, then ends it with `tail`. */
export function sendGiB(req: http.ClientRequest, chunk: Buffer, tail?: Buffer): void {
  let sent = 0;
  const pump = (): void => {
    while (sent < GiB) {
      sent += chunk.length;
      if (!req.write(chunk)) {
        req.once('drain', pump);
        return;
      }
    }
    if (tail === undefined) req.end();
    else req.end(tail);
  };
  pump();
}

/** POSTs 1 GiB to /sink on `port` as fast as the server takes it; resolves with the reply. */
export function postGiB(port: number): Promise<string> {
  const chunk = Buffer.alloc(256 * 1024, 'y');
  return new Promise<string>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/sink', agent: false, headers: { 'Content-Length': String(GiB) } }, (res) => {
      let s = '';
      res.on('data', (d: Buffer) => (s += d.toString()));
      res.on('end', () => resolve(s));
    });
    req.on('error', reject);
    sendGiB(req, chunk);
  });
}

/** GETs /big?mb=1024 from `port`; resolves with the number of body bytes received. */
export function getGiB(port: number): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: '/big?mb=1024', agent: false }, (res) => {
      let n = 0;
      res.on('data', (d: Buffer) => (n += d.length));
      res.on('end', () => resolve(n));
      res.on('error', reject);
    }).on('error', reject);
  });
}

/** A handler's body of `mb` MiB in 64 KiB writes, each awaited until drained (the bounded-memory way to stream). */
export async function streamMiB(w: ResponseWriter, mb: number, chunk: Uint8Array): Promise<void> {
  const rc = newResponseController(w);
  for (let i = 0; i < mb * 16; i++) {
    w.write(chunk);
    await rc.drained();
  }
}
