/**
 * Client for bench/connections.ts: opens N keep-alive connections (at most 256 connecting at once), sends one
 * request on each and keeps them all open. Then, on each `go` line from stdin, sends one request on every
 * connection at once and reports when all are answered; `close` ends. Prints `ready <ms>`, `round <ms> <ok>`.
 */
import * as net from 'node:net';
import * as readline from 'node:readline';

const [port, count] = [Number(process.argv[2]), Number(process.argv[3] ?? '10000')];
const REQ = Buffer.from('GET / HTTP/1.1\r\nHost: bench\r\n\r\n');
const socks: net.Socket[] = [];
let failed = 0;

// Resolves when the reply to one request has arrived (every bench server answers `Hello World!`).
function ask(s: net.Socket): Promise<boolean> {
  return new Promise((resolve) => {
    let got = '';
    const onData = (d: Buffer): void => {
      got += d.toString('latin1');
      if (got.endsWith('Hello World!')) {
        s.off('data', onData);
        s.off('close', onClose);
        resolve(true);
      }
    };
    const onClose = (): void => {
      s.off('data', onData);
      resolve(false);
    };
    s.on('data', onData);
    s.once('close', onClose);
    s.write(REQ);
  });
}

function open(): Promise<void> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.on('error', () => undefined);
    s.once('connect', () => {
      void ask(s).then((ok) => {
        if (ok) socks.push(s);
        else failed++;
        resolve();
      });
    });
    s.once('error', () => {
      failed++;
      resolve();
    });
  });
}

async function main(): Promise<void> {
  const t0 = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 256 }, async () => {
      while (next < count) {
        next++;
        await open();
      }
    }),
  );
  process.stdout.write(`ready ${Date.now() - t0} ${socks.length} ${failed}\n`);
  const rl = readline.createInterface({ input: process.stdin });
  for await (const line of rl) {
    if (line === 'go') {
      const t = Date.now();
      const oks = await Promise.all(socks.map(ask));
      process.stdout.write(`round ${Date.now() - t} ${oks.filter(Boolean).length}\n`);
    } else if (line === 'close') {
      for (const s of socks) s.destroy();
      process.exit(0);
    }
  }
}

void main();
