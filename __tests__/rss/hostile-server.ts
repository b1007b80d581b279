/**
 * A native server for the hostile-client tests (pipelining memory, head CPU): every request gets 64 KiB. Prints `listening on host:port`;
 * exits on SIGTERM.
 */

import * as http from '../../src';

const body = Buffer.alloc(64 * 1024, 'x');

async function main(): Promise<void> {
  const ln = await http.listen('tcp', '127.0.0.1:0');
  process.stdout.write(`listening on ${ln.addr().toString()}\n`);
  process.on('SIGTERM', () => process.exit(0));
  await new http.Server({ handler: (w) => void w.write(body) }).serve(ln).catch(() => undefined);
}
void main();
