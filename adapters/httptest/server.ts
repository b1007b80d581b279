/**
 * newServer: a real native server on a loopback port for end-to-end tests (Go's `httptest.NewServer`).
 * @module
 * Not part of the public API (its declarations are left out of the published types).
 */

import { Server, listen, type HandlerLike, type Listener, type ServerOptions } from '../../src/index';

/** A running test server (Go's `httptest.Server`). */
export interface TestServer {
  /** The base URL, `http://127.0.0.1:<port>`, with no trailing slash. */
  readonly url: string;
  /** The listener the server accepts on. */
  readonly listener: Listener;
  /** The native Server (Go's `Config`). */
  readonly config: Server;
  /** close stops the server and closes every connection; it resolves when the serve loop has ended. */
  close(): Promise<void>;
}

/**
 * newServer starts a native {@link Server} with `handler` on `127.0.0.1` and a free port, and resolves once it
 * accepts connections. `options` are the Server's (timeouts, limits, `errorLog`…). Close it when done.
 */
export async function newServer(handler: HandlerLike, options: Omit<ServerOptions, 'handler' | 'addr'> = {}): Promise<TestServer> {
  const listener = await listen('tcp', '127.0.0.1:0');
  const config = new Server({ ...options, handler });
  const serving = config.serve(listener).catch(() => undefined);
  const a = listener.addr();
  let closed: Promise<void> | null = null;
  return {
    url: `http://${a.toString()}`,
    listener,
    config,
    close(): Promise<void> {
      closed ??= config.close().then(() => serving.then(() => undefined));
      return closed;
    },
  };
}
