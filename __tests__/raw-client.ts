/** Test helpers: a native Server on a loopback port, and a raw client connection that waits for what it expects. */

import * as net from 'node:net';
import { Server, listen, type HandlerLike, type ServerOptions } from '../src';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A GET request head for `path`, with extra header lines (each ending in CRLF). */
export const get = (path = '/', extra = ''): string => `GET ${path} HTTP/1.1\r\nHost: x\r\n${extra}\r\n`;

/** A server on a loopback port whose log lines are kept. */
export async function serveOn(handler: HandlerLike | undefined, opts: ServerOptions = {}): Promise<{ srv: Server; port: number; logs: string[]; done: Promise<never> }> {
  const logs: string[] = [];
  const srv = new Server({ handler, errorLog: { error: (m) => logs.push(m) }, ...opts });
  const ln = await listen('tcp', '127.0.0.1:0');
  const done = srv.serve(ln);
  done.catch(() => undefined);
  return { srv, port: ln.addr().port, logs, done };
}

/** One client connection: send bytes, read what came until a pattern shows up or the server ends the connection. */
export class Client {
  readonly sock: net.Socket;
  text = '';
  ended = false;
  private waiters: Array<() => void> = [];

  constructor(port: number) {
    this.sock = net.connect(port, '127.0.0.1');
    this.sock.on('data', (d: Buffer) => {
      this.text += d.toString('latin1');
      this.notify();
    });
    const end = (): void => {
      this.ended = true;
      this.notify();
    };
    this.sock.on('end', end);
    this.sock.on('close', end);
    this.sock.on('error', end);
  }

  private notify(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  send(s: string): this {
    this.sock.write(s, 'latin1');
    return this;
  }

  /** Resolves once `cond` holds (checked on every event), failing after `ms`. */
  async until(cond: () => boolean, ms = 5000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!cond()) {
      if (this.ended && !cond()) throw new Error(`connection ended; received ${JSON.stringify(this.text)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out; received ${JSON.stringify(this.text)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  untilEnd(ms = 5000): Promise<void> {
    return this.until(() => this.ended, ms).catch((e: Error) => {
      if (!this.ended) throw e;
    });
  }

  responses(): number {
    return this.text.split('HTTP/1.1 ').length - 1;
  }

  close(): void {
    this.sock.destroy();
  }
}

