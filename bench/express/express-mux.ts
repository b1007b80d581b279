/** Bench server: the same 20 routes on a ServeMux (translated with handleExpress), mounted in Express 5. */
import express from 'express';
import type { AddressInfo } from 'node:net';
import { ServeMux, type ResponseWriter } from '../../src';
import { handleExpress, middleware } from '../../adapters/express';
import { reply, routes } from './routes';

const mux = new ServeMux();
for (const [method, path] of routes) handleExpress(mux, method, path, (w: ResponseWriter) => void w.write(reply));
const app = express();
app.disable('x-powered-by');
app.use(middleware(mux) as never);
const server = app.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  process.stdout.write(`listening on 127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
server.keepAliveTimeout = 60_000;
process.on('SIGTERM', () => process.exit(0));
