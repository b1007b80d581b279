/**
 * Listener: Go's `net.Listener` over `node:net` — `accept()` as a promise, `addr()`, `close()`.
 * @module
 */

import * as net from 'node:net';
import { NetError } from '../errors';
import type * as tls from 'node:tls';

/**
 * joinHostPort combines a host and a port into `host:port`, with a host holding a colon (IPv6) in brackets:
 * `joinHostPort('::1', 80)` is `[::1]:80` (Go's `net.JoinHostPort`).
 */
export function joinHostPort(host: string, port: number | string): string {
  return (host.includes(':') ? `[${host}]` : host) + ':' + port;
}

/**
 * splitHostPort splits `host:port`, `[host]:port` or `[host%zone]:port` into host and port, as strings (Go's
 * `net.SplitHostPort`): `const [host, port] = splitHostPort(r.remoteAddr)`. IPv6 hosts come without their brackets.
 * Throws a {@link NetError} (`missing port in address`, `too many colons in address`…) for anything else.
 */
export function splitHostPort(hostport: string): [host: string, port: string] {
  const fail = (why: string): never => {
    throw new NetError(`address ${hostport}: ${why}`, false);
  };
  const i = hostport.lastIndexOf(':');
  if (i < 0) return fail('missing port in address');
  let host: string;
  if (hostport.startsWith('[')) {
    const end = hostport.indexOf(']');
    if (end < 0) return fail("missing ']' in address");
    if (end + 1 === hostport.length) return fail('missing port in address');
    if (end + 1 !== i) return fail(hostport[end + 1] === ':' ? 'too many colons in address' : 'missing port in address');
    host = hostport.slice(1, end);
    if (hostport.indexOf('[', 1) >= 0) return fail("unexpected '[' in address");
    if (hostport.indexOf(']', end + 1) >= 0) return fail("unexpected ']' in address");
  } else {
    host = hostport.slice(0, i);
    if (host.includes(':')) return fail('too many colons in address');
    if (hostport.includes('[')) return fail("unexpected '[' in address");
    if (hostport.includes(']')) return fail("unexpected ']' in address");
  }
  return [host, hostport.slice(i + 1)];
}

/** Addr is a listener's network address; `toString()` gives `host:port` (`[::1]:80` for IPv6). */
export interface Addr {
  readonly network: string;
  readonly host: string;
  readonly port: number;
  toString(): string;
}

/** Listener is a stream-oriented network listener (Go's `net.Listener`). */
export interface Listener {
  /** accept resolves with the next connection; it rejects once the listener is closed. */
  accept(): Promise<net.Socket>;
  /** close stops listening; pending and later `accept` calls reject. Closing twice is harmless. */
  close(): Promise<void>;
  /** addr returns the address being listened on. */
  addr(): Addr;
}

export { NetError } from '../errors';

/** The error of `accept` on a closed listener (Go's `net.ErrClosed`). */
export const ErrListenerClosed = new NetError('use of closed network connection', false, 'ErrClosed');

// Accept errors the server retries after a back-off (SRV-26).
const TEMPORARY = new Set(['EMFILE', 'ENFILE', 'ECONNABORTED', 'ECONNRESET', 'ENOBUFS', 'ENOMEM', 'EAGAIN']);

/** @internal Splits Go-style listen addresses: ":9091", "127.0.0.1:0", "[::1]:80", "localhost:http". */
export function splitListenAddress(address: string): { host: string; port: number } {
  const i = address.lastIndexOf(':');
  if (i === -1) throw new NetError(`address ${address}: missing port in address`, false);
  let host = address.slice(0, i);
  const p = address.slice(i + 1);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  const named: Record<string, number> = { http: 80, https: 443, '': 0 };
  const port = /^[0-9]+$/.test(p) ? Number(p) : named[p];
  if (port === undefined || port > 65535) throw new NetError(`address ${address}: invalid port`, false);
  return { host, port };
}

class TCPListener implements Listener {
  private readonly queue: net.Socket[] = [];
  private readonly waiters: Array<{ resolve: (s: net.Socket) => void; reject: (e: Error) => void }> = [];
  private closedErr: Error | null = null;
  private closing: Promise<void> | null = null;
  private readonly address: Addr;

  constructor(
    readonly server: net.Server,
    event: 'connection' | 'secureConnection' = 'connection',
    address?: Addr,
  ) {
    if (address === undefined) {
      const a = server.address() as net.AddressInfo;
      const host = a.address;
      address = {
        network: 'tcp',
        host,
        port: a.port,
        toString: () => joinHostPort(host, a.port),
      };
    }
    this.address = address;
    server.on(event, (s: net.Socket) => {
      const w = this.waiters.shift();
      if (w) w.resolve(s);
      else this.queue.push(s);
    });
    server.on('error', (err: NodeJS.ErrnoException) => {
      const e = new NetError(err.message, TEMPORARY.has(err.code ?? ''), err.code);
      const w = this.waiters.shift();
      if (w) w.reject(e);
    });
  }

  accept(): Promise<net.Socket> {
    const s = this.queue.shift();
    if (s) return Promise.resolve(s);
    if (this.closedErr) return Promise.reject(this.closedErr);
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.closedErr = ErrListenerClosed;
    for (const w of this.waiters.splice(0)) w.reject(ErrListenerClosed);
    for (const s of this.queue.splice(0)) s.destroy();
    // net.Server#close stops accepting at once but calls back only after every connection ended; the listener is
    // closed as soon as it stops accepting (connections belong to the HTTP server, as in Go).
    this.server.close();
    this.closing = Promise.resolve();
    return this.closing;
  }

  addr(): Addr {
    return this.address;
  }
}

/**
 * listen announces on a TCP address (Go's `net.Listen("tcp", address)`): `":9091"` listens on every interface,
 * `"127.0.0.1:0"` on a free loopback port. Accepted connections have TCP keep-alive on (SRV-22).
 */
export async function listen(network: 'tcp' | 'tcp4' | 'tcp6', address: string): Promise<Listener> {
  const { host, port } = splitListenAddress(address);
  const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: false, keepAlive: true, keepAliveInitialDelay: 15000 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    const opts: net.ListenOptions = { port, backlog: 511 };
    if (host !== '') opts.host = host;
    else if (network === 'tcp4') opts.host = '0.0.0.0';
    server.listen(opts, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return new TCPListener(server);
}

/** @internal Wraps an already listening net.Server (cluster workers) as a Listener. */
export function listenerFromServer(server: net.Server): Listener {
  return new TCPListener(server);
}

/**
 * @internal Wraps a tls.Server that never listens itself (sockets are fed to it) as a Listener of its secure
 * connections, reporting the address of the TCP listener underneath.
 */
export function listenerFromTLSServer(server: tls.Server, address: Addr): Listener {
  return new TCPListener(server, 'secureConnection', address);
}
