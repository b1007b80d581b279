/** Bench server: `requestListener(mux)` on node:http, hello-world through a ServeMux. Prints `listening on host:port`. */
import * as http from 'node:http';
import { ServeMux, type ResponseWriter } from '../../src';
import { requestListener } from '../../adapters/node';

const mux = new ServeMux();
mux.handleFunc('/', (w: ResponseWriter) => void w.write('Hello World!'));
const server = http.createServer(requestListener(mux) as http.RequestListener);
server.keepAliveTimeout = 60_000;
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  const a = server.address() as { port: number };
  process.stdout.write(`listening on 127.0.0.1:${a.port}\n`);
});
process.on('SIGTERM', () => process.exit(0));
