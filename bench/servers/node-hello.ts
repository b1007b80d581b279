/** Bench server: raw node:http, hello-world with the same response bytes as Go's (Date, Content-Length, Content-Type). */
import * as http from 'node:http';

const server = http.createServer((req, res) => {
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('Content-Length', '12');
  res.end('Hello World!');
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  const a = server.address() as { port: number };
  process.stdout.write(`listening on 127.0.0.1:${a.port}\n`);
});
