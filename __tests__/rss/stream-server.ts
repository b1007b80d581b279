/**
 * A native server for the memory tests: GET /big?mb=N streams N MiB, POST /sink reads and counts the body.
 * Prints `listening on host:port`; exits on SIGTERM.
 */

import { createHash, type Hash } from 'node:crypto';
import { open } from 'node:fs/promises';
import * as http from '../../src';
import { streamMiB } from './rss-util';

const chunk = Buffer.alloc(64 * 1024, 'x');

// The check of the spooled file reads it into one buffer, as a Go handler's io.Copy would: a read through fresh
// pieces (fh.open(), like any body a handler streams) leaves up to 32 MiB of dead pieces for V8 to collect, which is
// the handler's memory, not the spool's; the body test (/sink) bounds that kind of read.
const hashBuf = Buffer.allocUnsafe(64 * 1024);
async function hashFile(name: string, hash: Hash): Promise<void> {
  const f = await open(name, 'r');
  try {
    for (let n; (n = (await f.read(hashBuf, 0, hashBuf.length)).bytesRead) > 0; ) hash.update(hashBuf.subarray(0, n));
  } finally {
    await f.close();
  }
}


const handler = async (w: http.ResponseWriter, r: http.Request): Promise<void> => {
  if (r.url.path === '/big') return streamMiB(w, Number(r.url.query().get('mb') || '1024'), chunk);
  if (r.url.path === '/upload') {
    // A multipart upload parsed with 1 MiB of memory: the file is spooled to disk, then hashed from there.
    await r.parseMultipartForm(1 << 20);
    const fh = await r.formFile('file');
    const hash = createHash('sha256');
    if (r.url.query().get('hash') !== '0') await hashFile(fh.tmpfile, hash);
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
