/**
 * The fetch carrier for the memory tests, served by @hono/node-server: GET /big?mb=N streams N MiB, POST /sink reads
 * and counts the body. With the argument `plain`, a plain fetch handler (no nethttp) reads and counts the body, to
 * measure the platform's own footprint. Prints `listening on host:port`; exits on SIGTERM.
 */

import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { toFetch, type Request, type ResponseWriter } from '../../adapters/fetch';
import { streamMiB } from './rss-util';

const chunk = new Uint8Array(64 * 1024).fill(0x78);

const handler = async (w: ResponseWriter, r: Request): Promise<void> => {
  if (r.url.path === '/big') return streamMiB(w, Number(r.url.query().get('mb') || '1024'), chunk);
  let n = 0;
  for await (const b of r.body) n += b.length;
  w.write(`read ${n}\n`);
};

// The platform alone: the request's body stream read to its end, as a Hono handler would.
async function plain(req: globalThis.Request): Promise<globalThis.Response> {
  let n = 0;
  const reader = req.body!.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    n += value.byteLength;
  }
  return new globalThis.Response(`read ${n}\n`);
}

const fetch = process.argv[2] === 'plain' ? plain : toFetch(handler);
const server = serve({ fetch, port: 0, hostname: '127.0.0.1' }, () => {
  process.stdout.write(`listening on 127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => process.exit(0));
