/** Bench server: nethttp's native Server, hello-world. Prints `listening on host:port`. */
import * as http from '../../src';

async function main(): Promise<void> {
  const ln = await http.listen('tcp', `127.0.0.1:${process.argv[2] ?? '0'}`);
  process.stdout.write(`listening on ${ln.addr().toString()}\n`);
  const h = (w: http.ResponseWriter): void => void w.write('Hello World!');
  new http.Server({ handler: h }).serve(ln).catch(() => process.exit(0));
}
process.on('SIGTERM', () => process.exit(0));
void main();
