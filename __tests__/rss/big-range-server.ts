/**
 * A native server for the big-range memory test: fileServer(dir(argv[2])). Prints `listening on host:port`; exits on
 * SIGTERM.
 */

import * as http from '../../src';

async function main(): Promise<void> {
  const root = process.argv[2];
  const ln = await http.listen('tcp', '127.0.0.1:0');
  process.stdout.write(`listening on ${ln.addr().toString()}\n`);
  process.on('SIGTERM', () => process.exit(0));
  await new http.Server({ handler: http.fileServer(http.dir(root)) }).serve(ln).catch(() => undefined);
}
void main();
