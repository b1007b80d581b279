/**
 * Client for the upload workload of bench/workloads.ts: on one keep-alive connection, POSTs `count` bodies of
 * `mib` MiB each to /upload (Content-Length, written from one 1 MiB buffer as fast as the server takes them) and
 * checks each answer is the byte count. Prints `done <ms> <ok>`. Usage: node upload-client.js PORT MIB COUNT
 */
import * as net from 'node:net';

const [port, mib, count] = process.argv.slice(2).map(Number);
const size = mib << 20;
const chunk = Buffer.alloc(1 << 20, 'x');

function upload(s: net.Socket): Promise<boolean> {
  return new Promise((resolve) => {
    let got = '';
    const onData = (d: Buffer): void => {
      got += d.toString('latin1');
      const i = got.indexOf('\r\n\r\n');
      if (i === -1) return;
      const len = Number(/content-length: (\d+)/i.exec(got.slice(0, i))?.[1] ?? -1);
      if (got.length - i - 4 < len) return;
      s.off('data', onData);
      resolve(got.slice(i + 4, i + 4 + len) === String(size));
    };
    s.on('data', onData);
    s.write(`POST /upload HTTP/1.1\r\nHost: bench\r\nContent-Type: application/octet-stream\r\nContent-Length: ${size}\r\n\r\n`);
    let left = mib;
    const pump = (): void => {
      while (left > 0) {
        left--;
        if (!s.write(chunk)) return void s.once('drain', pump);
      }
    };
    pump();
  });
}

async function main(): Promise<void> {
  const s = net.connect(port, '127.0.0.1');
  await new Promise((r) => s.once('connect', r));
  const t0 = process.hrtime.bigint();
  let ok = 0;
  for (let i = 0; i < count; i++) if (await upload(s)) ok++;
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  process.stdout.write(`done ${ms.toFixed(1)} ${ok}\n`);
  s.destroy();
}
void main();
