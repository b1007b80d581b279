/** Test helpers for WebSockets: many `ws` clients echoing at once, and a handshake with a frame in the same write. */

import * as net from 'node:net';
import { WebSocket } from 'ws';

/** Opens `n` clients at once; each sends one message and must get the same text back. Resolves with the open clients. */
export async function echoClients(url: string, n: number): Promise<WebSocket[]> {
  return Promise.all(
    Array.from({ length: n }, (_, i) => new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(url);
      const msg = `hello ${i} ✓`;
      ws.once('error', reject);
      ws.once('open', () => ws.send(msg));
      ws.once('message', (data, binary) => {
        if (binary || data.toString() !== msg) reject(new Error(`client ${i} got ${String(data)}`));
        else resolve(ws);
      });
    })),
  );
}

/** Resolves with the close code each client receives. */
export function closeCodes(clients: WebSocket[]): Promise<number[]> {
  return Promise.all(clients.map((ws) => new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)))));
}

/** A client text frame (masked, as clients must send them) of a short message. */
export function clientTextFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const mask = Buffer.from([1, 2, 3, 4]);
  const masked = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]));
  return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, masked]);
}

/**
 * Sends the upgrade request and a first frame in one write (bytes that arrive with the head must reach the
 * WebSocket), and resolves with everything the server sent until it has sent `want`.
 */
export function handshakeWithFrame(port: number, path: string, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    let got = '';
    const head = `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
      'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n';
    sock.on('connect', () => sock.write(Buffer.concat([Buffer.from(head), clientTextFrame(text)])));
    sock.on('data', (d: Buffer) => {
      got += d.toString('latin1');
      if (got.endsWith(text)) {
        sock.destroy();
        resolve(got);
      }
    });
    sock.on('error', reject);
    sock.on('close', () => reject(new Error(`closed after ${JSON.stringify(got)}`)));
    sock.setTimeout(5000, () => sock.destroy(new Error(`timed out after ${JSON.stringify(got)}`)));
  });
}
