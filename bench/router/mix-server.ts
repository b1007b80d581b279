/**
 * Bench server: the native Server with the GitHub API route set on a ServeMux; each handler writes its pattern.
 * Usage: node mix-server.js ROUTES_JSON PORT. Prints `listening on host:port`.
 */
import { readFileSync } from 'node:fs';
import * as http from '../../src';

async function main(): Promise<void> {
  const { patterns } = JSON.parse(readFileSync(process.argv[2], 'utf8')) as { patterns: string[] };
  const mux = new http.ServeMux();
  for (const p of patterns) mux.handleFunc(p, (w, r) => void w.write(r.pattern));
  const ln = await http.listen('tcp', `127.0.0.1:${process.argv[3] ?? '0'}`);
  process.stdout.write(`listening on ${ln.addr().toString()}\n`);
  new http.Server({ handler: mux }).serve(ln).catch(() => process.exit(0));
}
process.on('SIGTERM', () => process.exit(0));
void main();
