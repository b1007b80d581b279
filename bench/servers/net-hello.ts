/** Bench server: a bare node:net responder (one fixed response per request head): an upper bound for Node. */
import * as net from 'node:net';

const body = 'Hello World!';
const server = net.createServer((s) => {
  s.setNoDelay(true);
  let pending = '';
  s.on('data', (d: Buffer) => {
    pending += d.toString('latin1');
    let n = 0;
    let i: number;
    while ((i = pending.indexOf('\r\n\r\n')) !== -1) {
      pending = pending.slice(i + 4);
      n++;
    }
    if (n === 0) return;
    const one = `HTTP/1.1 200 OK\r\nDate: ${new Date().toUTCString()}\r\nContent-Length: 12\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body}`;
    s.write(one.repeat(n));
  });
  s.on('error', () => s.destroy());
});
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  const a = server.address() as { port: number };
  process.stdout.write(`listening on 127.0.0.1:${a.port}\n`);
});
