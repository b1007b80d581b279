/**
 * The ServeMux's own cost per request of the JSON API mix, in process: the 226 GitHub routes registered as the API
 * peer registers them (bench/peers/nethttp.ts), each request's head parsed and its Request built by the native
 * server's reader (so the target is the same kind of string the server's mux walks), then `serveHTTP` with a
 * handler that reads every path value, as the API handlers do.
 *
 * Usage: node dist/bench/router/count.js [--n 100000] [--warm 300000]
 * Prints the time per request. For instructions per request (independent of the machine's load), run it twice under
 * callgrind with `--n N` and `--n 2N` and divide the difference of the two totals by N:
 * `valgrind --tool=callgrind --callgrind-out-file=/dev/null node dist/bench/router/count.js --n 20000`.
 */

import { ServeMux, type ResponseWriter } from '../../src';
import { parseHead } from '../../src/internal/textproto';
import { readRequest, RequestInfo } from '../../src/server/read-request';
import { apiRoutes } from '../peers/workload';
import { goPattern, samplePath } from './mix';

const args = process.argv.slice(2);
const opt = (name: string, def: number): number => {
  const i = args.indexOf('--' + name);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const n = opt('n', 100_000);
const warm = opt('warm', 300_000);

let sink = 0;
const mux = new ServeMux();
for (const rt of apiRoutes) {
  const names = rt.names;
  mux.handleFunc(goPattern(rt.method, rt.route), (_w, r) => {
    for (const name of names) sink += r.pathValue(name).length;
  });
}
const info = new RequestInfo();
// The requests of bench/instructions.ts's `api` set, built once by the server's reader (head parse, Request).
const requests = apiRoutes.map((rt, i) => {
  const p = `${samplePath(rt.route, i)}?page=${(i % 5) + 1}&per_page=30`;
  const buf = Buffer.from(`${rt.method} ${p} HTTP/1.1\r\nHost: bench\r\n\r\n`, 'latin1');
  const head = parseHead(buf, 0, buf.length);
  if (head === null) throw new Error(`unparsed: ${p}`);
  const r = readRequest(head, info);
  if (Buffer.isBuffer(r)) throw new Error(`refused: ${p}`);
  return r;
});
let status = 200;
const w: ResponseWriter = {
  header: () => {
    throw new Error('unused');
  },
  write: () => null,
  writeHeader: (code: number) => void (status = code),
  drained: () => Promise.resolve(),
};
for (const r of requests) {
  mux.serveHTTP(w, r);
  if (status !== 200) throw new Error(`${r.method} ${r.url.path}: ${status}`);
}

function run(k: number): void {
  const m = requests.length;
  for (let i = 0; i < k; i++) mux.serveHTTP(w, requests[i % m]);
}
run(warm);
const t0 = process.hrtime.bigint();
run(n);
const ns = Number(process.hrtime.bigint() - t0);
console.log(`${(ns / n).toFixed(1)} ns/request over ${n} (sink ${sink % 10})`);
