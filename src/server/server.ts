/**
 * Server: Go's `http.Server` on node:net — options, `listenAndServe`/`serve` with the accept loop and its
 * temporary-error back-off, `shutdown`, `close` (SRV-1…SRV-40).
 * @module
 */

import { Socket } from 'node:net';
import * as http2 from 'node:http2';
import * as tls from 'node:tls';
import { readFileSync } from 'node:fs';
import { Conn, LocalAddrContextKey } from './conn';
import { StateIdle, StateNew, type ConnState } from './conn-state';
import { background, withValue, type Context } from '../context';
import { ErrServerClosed, errorIs, fresh } from '../errors';
import { toHandler, type Handler, type HandlerLike } from '../handler';
import { listen, listenerFromServer, listenerFromTLSServer, NetError, type Addr, type Listener } from './listener';
import { logf, type Logger } from '../log';
import type { Request } from '../request/request';
import { ServerHandler } from './server-handler';
import { serveNode, type ServeNodeOptions } from '../carriers/serve-node';

/** DefaultMaxHeaderBytes is the maximum permitted size of a request head, 1 MiB (SRV-1). */
export const DefaultMaxHeaderBytes = 1 << 20;

/** The key under which a request context holds the {@link Server} that received it (SRV-17). */
export const ServerContextKey: unique symbol = Symbol.for('nethttp.ServerContextKey');
export { LocalAddrContextKey };

/** ServerOptions are the fields of Go's `http.Server`. Durations are milliseconds; 0 means none (Go's zero). */
export interface ServerOptions {
  /** The TCP address for {@link Server.listenAndServe}, `":http"` (port 80) when empty (SRV-5). */
  addr?: string;
  /** The handler; {@link DefaultServeMux} when absent or null (SRV-6). */
  handler?: HandlerLike | null;
  /** Disables the built-in `OPTIONS *` reply (SRV-12). */
  disableGeneralOptionsHandler?: boolean;
  /** TLS options for {@link Server.listenAndServeTLS} and {@link Server.serveTLS} (node:tls options). */
  tlsConfig?: tls.TlsOptions;
  /**
   * Serve TLS clients HTTP/1.1 only. By default, as in Go, TLS connections that negotiate `h2` by ALPN are served
   * HTTP/2 (through `node:http2`, with the same handler and the same response rules).
   */
  disableHTTP2?: boolean;
  /** Maximum time to read a whole request, head and body (SRV-7). */
  readTimeout?: number;
  /** Maximum time to read a request head; 0 falls back to readTimeout (SRV-8). */
  readHeaderTimeout?: number;
  /** Maximum time from the end of the head to the end of the response (SRV-9). */
  writeTimeout?: number;
  /** How long a kept-alive connection may wait for its next request; 0 falls back to readTimeout (SRV-10). */
  idleTimeout?: number;
  /** Maximum size of a request head; ≤ 0 means {@link DefaultMaxHeaderBytes} (SRV-2). */
  maxHeaderBytes?: number;
  /** Called at every connection state change (SRV-13). */
  connState?: (conn: Socket, state: ConnState) => void;
  /** Where error lines go (any object with an `error(message)` method); stderr with Go's prefix when absent. */
  errorLog?: Logger | null;
  /** Returns the parent context of every connection accepted by one `serve` call (SRV-15). */
  baseContext?: (l: Listener) => Context;
  /** Returns the context of a new connection, derived from `ctx` (SRV-16). */
  connContext?: (ctx: Context, conn: Socket) => Context;
}

function goDuration(ms: number): string {
  return ms >= 1000 ? `${ms / 1000}s` : `${ms}ms`;
}

/**
 * Server defines parameters for running an HTTP server (Go's `http.Server`). `serve` and `listenAndServe`
 * return promises that always reject: with {@link ErrServerClosed} after {@link Server.shutdown} or
 * {@link Server.close}, else with the error that stopped them.
 *
 * @example
 * ```ts
 * const srv = new Server({ addr: ':8080', handler: mux, readHeaderTimeout: 5000 });
 * srv.listenAndServe().catch((err) => { if (!errorIs(err, ErrServerClosed)) throw err; });
 * ```
 */
export class Server {
  addr: string;
  readonly handler: Handler;
  readTimeout: number;
  readHeaderTimeout: number;
  writeTimeout: number;
  idleTimeout: number;
  readonly maxHeaderBytes: number;
  errorLog: Logger | null;
  readonly options: ServerOptions;

  private inShutdown = false;
  private keepAlives = true;
  private readonly listeners = new Set<Listener>();
  private readonly conns = new Set<Conn>();
  private readonly onShutdown: Array<() => void> = [];
  private readonly loops = new Set<Promise<void>>();

  constructor(opts: ServerOptions = {}) {
    this.options = opts;
    this.addr = opts.addr ?? '';
    this.handler = new ServerHandler(opts.handler ? toHandler(opts.handler) : null, opts.disableGeneralOptionsHandler === true);
    this.readTimeout = opts.readTimeout ?? 0;
    this.readHeaderTimeout = opts.readHeaderTimeout ?? 0;
    this.writeTimeout = opts.writeTimeout ?? 0;
    this.idleTimeout = opts.idleTimeout ?? 0;
    this.maxHeaderBytes = opts.maxHeaderBytes !== undefined && opts.maxHeaderBytes > 0 ? opts.maxHeaderBytes : DefaultMaxHeaderBytes;
    this.errorLog = opts.errorLog ?? null;
  }

  /** @internal */
  keepAlivesEnabled(): boolean {
    return this.keepAlives && !this.inShutdown;
  }

  /** @internal */
  logf(message: string): void {
    logf(this.errorLog, message);
  }

  /** @internal */
  setState(c: Conn, s: ConnState): void {
    c.state = s;
    // Only a StateNew's age is ever read (shutdown treats a 5 s old new connection as idle): no clock per request
    // (SRV-48).
    if (s === StateNew) c.stateTime = Math.floor(Date.now() / 1000);
    this.options.connState?.(c.socket, s);
  }

  /** @internal */
  untrack(c: Conn): void {
    this.conns.delete(c);
  }

  /**
   * listenAndServe listens on `addr` and serves (Go's `Server.ListenAndServe`, SRV-22). Like `serve`, it rejects
   * with {@link ErrServerClosed} after `shutdown` or `close`; that rejection alone never counts as unhandled, so
   * `srv.listenAndServe()` written without `await` or `.catch` does not end the process on a normal shutdown.
   */
  listenAndServe(): Promise<never> {
    return closedIsHandled(this.listenAndServeTCP(this.addr === '' ? ':http' : this.addr, null));
  }

  /** listenAndServeTLS listens on `addr` and serves TLS with the given PEM files (Go's `ListenAndServeTLS`). */
  listenAndServeTLS(certFile = '', keyFile = ''): Promise<never> {
    return closedIsHandled(this.listenAndServeTCP(this.addr === '' ? ':https' : this.addr, [certFile, keyFile]));
  }

  private async listenAndServeTCP(addr: string, tlsFiles: [string, string] | null): Promise<never> {
    if (this.inShutdown) throw fresh(ErrServerClosed);
    const ln = await listen('tcp', addr);
    return tlsFiles === null ? this.serve(ln) : this.serveTLS(ln, tlsFiles[0], tlsFiles[1]);
  }

  private readonly boundWaiters: Array<[(a: Addr) => void, (e: Error) => void]> = [];

  /**
   * boundAddr resolves with the address of the listener the server serves (waiting for `listenAndServe` to bind):
   * after `listenAndServe()` with `addr: ':0'`, `(await srv.boundAddr()).port` is the port the system chose. Go
   * programs take it from the listener they pass to `serve`; this is the same, for a listener the server made.
   * Rejects with {@link ErrServerClosed} once the server is shut down.
   */
  boundAddr(): Promise<Addr> {
    const l = this.listeners.values().next();
    if (!l.done) return Promise.resolve(l.value.addr());
    if (this.inShutdown) return Promise.reject(fresh(ErrServerClosed));
    return new Promise((resolve, reject) => this.boundWaiters.push([resolve, reject]));
  }

  /**
   * serveTLS serves TLS connections accepted on `l`, with the certificate and key from PEM files (or from
   * `tlsConfig`). A failed handshake is logged as Go logs it (SRV-100).
   */
  serveTLS(l: Listener, certFile = '', keyFile = ''): Promise<never> {
    return closedIsHandled(this.serveTLSOn(l, certFile, keyFile));
  }

  private async serveTLSOn(l: Listener, certFile: string, keyFile: string): Promise<never> {
    const h2 = this.options.disableHTTP2 !== true;
    const opts: tls.TlsOptions = { ...this.options.tlsConfig, ALPNProtocols: h2 ? ['h2', 'http/1.1'] : ['http/1.1'] };
    if (certFile !== '') opts.cert = readFileSync(certFile);
    if (keyFile !== '') opts.key = readFileSync(keyFile);
    const secure = tls.createServer(opts);
    secure.on('tlsClientError', (err, sock) => {
      const raw = rawOf(sock);
      // Logged once: not again when the deadline of SRV-113 already ended the handshake.
      if (raw === undefined || !handshakeFailed.has(raw)) {
        const ra = (raw !== undefined ? remoteOf.get(raw) : undefined) ?? `${sock.remoteAddress}:${sock.remotePort}`;
        this.logf(`http: TLS handshake error from ${ra}: ${err.message}`);
      }
      // The connection goes with its failed handshake, as in Go (node:tls leaves some of them open).
      sock.destroy();
      raw?.destroy();
    });
    // A handshake done in time: the raw socket's handshake deadline is lifted (SRV-113).
    secure.on('secureConnection', (sock: tls.TLSSocket) => {
      const raw = rawOf(sock);
      if (raw !== undefined) {
        clearHandshakeDeadline(raw);
        raw.allowHalfOpen = true;
      }
    });
    const tlsLn = listenerFromTLSServer(secure, l.addr());
    // Feed accepted TCP sockets into the TLS server; its secure connections go to the HTTP loop.
    const pump = (async (): Promise<void> => {
      for (;;) {
        let s: Socket;
        try {
          s = await l.accept();
        } catch {
          return;
        }
        this.startTLS(s, secure);
      }
    })();
    const wrapped: Listener = {
      accept: async () => {
        for (;;) {
          const s = await tlsLn.accept();
          // ALPN chose HTTP/2: node:http2 speaks the protocol, the handler sees the same Request/ResponseWriter.
          if (h2 && (s as tls.TLSSocket).alpnProtocol === 'h2') this.serveHTTP2(s as tls.TLSSocket, l);
          else return s;
        }
      },
      close: async () => {
        await l.close();
        await tlsLn.close();
        await pump;
      },
      addr: () => l.addr(),
    };
    return this.serveOn(wrapped);
  }

  /** Go's tlsHandshakeTimeout: the smallest positive of readHeaderTimeout, readTimeout and writeTimeout, or 0. */
  private tlsHandshakeTimeout(): number {
    let ret = 0;
    for (const v of [this.readHeaderTimeout, this.readTimeout, this.writeTimeout]) if (v > 0 && (ret === 0 || v < ret)) ret = v;
    return ret;
  }

  /**
   * Hands an accepted socket to the TLS server under the handshake deadline (SRV-113), once its first five bytes
   * show a TLS record; plain HTTP there gets Go's cleartext 400 instead (SRV-100).
   */
  private startTLS(s: Socket, secure: tls.Server): void {
    const ra = `${s.remoteAddress}:${s.remotePort}`;
    remoteOf.set(s, ra);
    const fail = (reason: string): void => {
      handshakeFailed.add(s);
      this.logf(`http: TLS handshake error from ${ra}: ${reason}`);
      s.destroy();
    };
    const ms = this.tlsHandshakeTimeout();
    if (ms > 0) {
      const la = `${s.localAddress}:${s.localPort}`;
      const timer = setTimeout(() => fail(`read tcp ${la}->${ra}: i/o timeout`), ms);
      timer.unref();
      handshakeDeadlines.set(s, timer);
      s.once('close', () => clearHandshakeDeadline(s));
    }
    let first: Buffer = EMPTY;
    const onData = (d: Buffer): void => {
      first = first.length === 0 ? d : Buffer.concat([first, d]);
      if (first.length < 5) return;
      s.off('data', onData);
      s.off('end', onEnd);
      s.pause();
      if (looksLikeHTTP(first)) {
        s.end(PLAIN_HTTP_REPLY, () => s.destroy());
        fail('client sent an HTTP request to an HTTPS server');
        return;
      }
      // The end of input came with the first bytes: no handshake can finish (node:tls would not see that end).
      if (s.readableEnded || (s as unknown as { _readableState: { ended: boolean } })._readableState.ended) {
        fail('unexpected EOF');
        return;
      }
      // Until the handshake is done, the end of input ends the connection (node:tls then reports the failure);
      // the listener's half-open sockets would wait for the deadline instead. Restored once secure.
      s.allowHalfOpen = false;
      s.unshift(first);
      secure.emit('connection', s);
    };
    const onEnd = (): void => fail('EOF');
    s.on('data', onData);
    s.once('end', onEnd);
    s.on('error', () => undefined);
  }

  private h2server: http2.Http2SecureServer | null = null;
  private readonly h2sessions = new Set<http2.ServerHttp2Session>();

  // Hands a TLS socket that negotiated h2 to an internal node:http2 server (never listening itself).
  private serveHTTP2(s: tls.TLSSocket, l: Listener): void {
    if (this.h2server === null) {
      let base = this.options.baseContext ? this.options.baseContext(l) : background();
      base = withValue(base, ServerContextKey, this);
      const o: ServeNodeOptions = { errorLog: this.options.errorLog ?? null, baseContext: () => base };
      const srv = http2.createSecureServer({ allowHTTP1: false });
      srv.on('request', (req, res) => {
        serveNode(this.handler, req, res, o);
      });
      srv.on('session', (sess: http2.ServerHttp2Session) => {
        this.h2sessions.add(sess);
        sess.on('close', () => this.h2sessions.delete(sess));
        sess.on('error', () => undefined);
        if (this.inShutdown) sess.close();
      });
      this.h2server = srv;
    }
    this.h2server.emit('secureConnection', s);
  }

  /**
   * serve accepts connections on `l` and serves each in its own flow (Go's `Server.Serve`): the accept loop of
   * SRV-26…SRV-29, with Go's back-off on temporary errors. It always rejects and always closes `l`.
   */
  serve(l: Listener): Promise<never> {
    return closedIsHandled(this.serveOn(l));
  }

  private async serveOn(l: Listener): Promise<never> {
    if (this.inShutdown) {
      // A server shut down cannot serve again (SRV-24, SRV-40).
      await l.close();
      throw fresh(ErrServerClosed);
    }
    let base = this.options.baseContext ? this.options.baseContext(l) : background();
    if (base == null) throw new Error('BaseContext returned a nil context');
    base = withValue(base, ServerContextKey, this);
    this.listeners.add(l);
    for (const [resolve] of this.boundWaiters.splice(0)) resolve(l.addr());
    let resolveLoop!: () => void;
    const loopDone = new Promise<void>((r) => (resolveLoop = r));
    this.loops.add(loopDone);
    let delay = 0;
    try {
      for (;;) {
        let sock: Socket;
        try {
          sock = await l.accept();
        } catch (err) {
          if (this.inShutdown) throw fresh(ErrServerClosed);
          if (err instanceof NetError && err.temporary) {
            delay = delay === 0 ? 5 : Math.min(delay * 2, 1000);
            this.logf(`http: Accept error: ${err.message}; retrying in ${goDuration(delay)}`);
            await new Promise((r) => setTimeout(r, delay));
            continue;
          }
          throw err;
        }
        delay = 0;
        let ctx = base;
        if (this.options.connContext) {
          ctx = this.options.connContext(ctx, sock);
          if (ctx == null) throw new Error('ConnContext returned nil');
        }
        const c = new Conn(this, sock, ctx);
        this.conns.add(c);
        this.setState(c, StateNew); // on the accept loop, before the connection is served (SRV-41)
        void c.serve();
      }
    } finally {
      this.listeners.delete(l);
      await l.close();
      this.loops.delete(loopDone);
      resolveLoop();
    }
  }

  /** registerOnShutdown registers a function to run (concurrently) when {@link Server.shutdown} starts (SRV-39). */
  registerOnShutdown(f: () => void): void {
    this.onShutdown.push(f);
  }

  /** setKeepAlivesEnabled turns keep-alives off (closing idle connections now) or back on (SRV-18). */
  setKeepAlivesEnabled(v: boolean): void {
    this.keepAlives = v;
    if (!v) this.closeIdleConns();
  }

  // Closes idle connections (and New ones older than 5 s); true when no connection remains busy (SRV-35).
  private closeIdleConns(): boolean {
    let quiescent = this.h2sessions.size === 0;
    const now = Math.floor(Date.now() / 1000);
    for (const c of [...this.conns]) {
      let st = c.state;
      if (st === StateNew && c.stateTime < now - 5) st = StateIdle;
      if (st !== StateIdle) {
        quiescent = false;
        continue;
      }
      c.close();
      this.conns.delete(c);
    }
    return quiescent;
  }

  /**
   * shutdown stops the server gracefully (Go's `Server.Shutdown`, SRV-30…SRV-36): closes the listeners, starts the
   * registerOnShutdown hooks, then closes idle connections as they become idle until none is left. It resolves when
   * all are closed, or rejects with `ctx.err()` if `ctx` ends first (active connections then go on, SRV-33).
   * A Go program usually exits then, which ends those connections; a Node process keeps running while they are
   * open, so close them yourself: `await srv.shutdown(withTimeout(background(), 10_000)[0]).catch(() => srv.close())`.
   */
  async shutdown(ctx: Context = background()): Promise<void> {
    this.inShutdown = true;
    for (const [, reject] of this.boundWaiters.splice(0)) reject(fresh(ErrServerClosed));
    const closes = [...this.listeners].map((l) => l.close());
    this.listeners.clear();
    for (const f of this.onShutdown) setImmediate(f);
    // HTTP/2 sessions: GOAWAY now, closed once their streams are done.
    for (const sess of this.h2sessions) sess.close();
    await Promise.all(closes);
    await Promise.all([...this.loops]);
    let wait = 1;
    for (;;) {
      if (this.closeIdleConns()) return;
      const err = ctx.err();
      if (err !== null) throw err;
      const jitter = wait * 0.1 * Math.random();
      await Promise.race([new Promise((r) => setTimeout(r, wait + jitter)), ctx.done()]);
      const e2 = ctx.err();
      if (e2 !== null) throw e2;
      wait = Math.min(wait * 2, 500);
    }
  }

  /** close closes the listeners and every connection now, without waiting for handlers (SRV-38). */
  async close(): Promise<void> {
    this.inShutdown = true;
    for (const [, reject] of this.boundWaiters.splice(0)) reject(fresh(ErrServerClosed));
    const closes = [...this.listeners].map((l) => l.close());
    this.listeners.clear();
    await Promise.all(closes);
    await Promise.all([...this.loops]);
    for (const c of [...this.conns]) c.close();
    this.conns.clear();
    for (const sess of [...this.h2sessions]) sess.destroy();
    this.h2sessions.clear();
  }

  /** @internal Number of tracked connections by state, for tests and metrics. */
  connCount(state?: ConnState): number {
    let n = 0;
    for (const c of this.conns) if (state === undefined || c.state === state) n++;
    return n;
  }
}

/**
 * The promise `p` as it is, except that its rejection with {@link ErrServerClosed} is marked handled the moment it
 * happens: a shutdown is the normal end of serving, and a caller who awaits the promise still gets the error.
 * Any other rejection stays unhandled unless the caller handles it.
 */
function closedIsHandled(p: Promise<never>): Promise<never> {
  const out: Promise<never> = new Promise((_, reject) => {
    p.then(undefined, (err: unknown) => {
      reject(err);
      if (errorIs(err, ErrServerClosed)) out.catch(() => undefined);
    });
  });
  return out;
}

/** listenAndServe listens on `addr` and serves `handler` (DefaultServeMux when null), as Go's `http.ListenAndServe`. */
export function listenAndServe(addr: string, handler: HandlerLike | null): Promise<never> {
  return new Server({ addr, handler }).listenAndServe();
}

const EMPTY: Buffer = Buffer.alloc(0);
// Go's answer on the raw connection to a client that spoke plain HTTP to the TLS port (SRV-100).
const PLAIN_HTTP_REPLY = Buffer.from('HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n', 'latin1');
const HTTP_STARTS = new Set(['GET /', 'HEAD ', 'POST ', 'PUT /', 'OPTIO']);
function looksLikeHTTP(b: Buffer): boolean {
  return HTTP_STARTS.has(b.toString('latin1', 0, 5));
}
const handshakeDeadlines = new WeakMap<Socket, NodeJS.Timeout>();
const handshakeFailed = new WeakSet<Socket>();
const remoteOf = new WeakMap<Socket, string>();
function clearHandshakeDeadline(s: Socket): void {
  const t = handshakeDeadlines.get(s);
  if (t !== undefined) {
    clearTimeout(t);
    handshakeDeadlines.delete(s);
  }
}
// The TCP socket under a TLS socket the server made from it (node:tls keeps it as `_parent`, undocumented).
function rawOf(s: tls.TLSSocket): Socket | undefined {
  const p = (s as unknown as { _parent?: unknown })._parent;
  return p instanceof Socket ? p : undefined;
}

/** listenAndServeTLS is {@link listenAndServe} with TLS from PEM files. */
export function listenAndServeTLS(addr: string, certFile: string, keyFile: string, handler: HandlerLike | null): Promise<never> {
  return new Server({ addr, handler }).listenAndServeTLS(certFile, keyFile);
}

/** serve serves `handler` on connections accepted from `l` (Go's `http.Serve`). */
export function serve(l: Listener, handler: HandlerLike | null): Promise<never> {
  return new Server({ handler }).serve(l);
}

