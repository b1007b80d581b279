/**
 * A native server for the memory tests: GET /big?mb=N streams N MiB, POST /sink reads and counts the body.
 * Prints `listening on host:port`; exits on SIGTERM.
 */

import { createHash } from 'node:crypto';
import * as http from '../../src';
import { streamMiB } from './rss-util';

const chunk = Buffer.alloc(64 * 1024, 'x');

const handler = async (w: http.ResponseWriter, r: http.Request): Promise<void> => {
  if (r.url.path === '/big') return streamMiB(w, Number(r.url.query().get('mb') || '1024'), chunk);
  if (r.url.path === '/upload') {
    // A multipart upload parsed with 1 MiB of memory: the file is spooled to disk, then hashed from there.
    await r.parseMultipartForm(1 << 20);
    const fh = await r.formFile('file');
    const hash = createHash('sha256');
    if (r.url.query().get('hash') !== '0') for await (const b of fh.open()) hash.update(b);
    w.write(`${fh.filename} ${fh.size} ${hash.digest('hex')} ${fh.tmpfile}\n`);
    return;
  }
  let n = 0;
  for await (const b of r.body) n += b.length;
  w.write(`read ${n}\n`);
};

async function main(): Promise<void> {
  const ln = await http.listen('tcp', '127.0.0.1:0');
  process.stdout.write(`listening on ${ln.addr().toString()}\n`);
  process.on('SIGTERM', () => process.exit(0));
  await new http.Server({ handler }).serve(ln).catch(() => undefined);
}
void main();
