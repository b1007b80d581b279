/** Bench server: the 20 routes on Express 5's own router. */
import express from 'express';
import type { AddressInfo } from 'node:net';
import { reply, routes } from './routes';

const app = express();
app.disable('x-powered-by');
app.disable('etag');
for (const [method, path] of routes) {
  (app as unknown as Record<string, (p: string, h: (req: unknown, res: { type(t: string): { send(b: string): void } }) => void) => void>)[method](
    path,
    (_req, res) => res.type('text/plain; charset=utf-8').send(reply),
  );
}
const server = app.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  process.stdout.write(`listening on 127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
server.keepAliveTimeout = 60_000;
process.on('SIGTERM', () => process.exit(0));
