/**
 * A gateway in front of two services, the way Go servers build one with httputil.ReverseProxy: one service
 * keeps the Host the client asked for (newSingleHostReverseProxy), the other is reached through a rewrite hook
 * that names it as the Host and sets the X-Forwarded-* fields. The same gateway runs on node:http too, WebSockets
 * included.
 *   node dist/examples/reverse-proxy.js http://127.0.0.1:9000 http://127.0.0.1:9001
 */

import { createServer, type Server as NodeServer } from 'node:http';
import { Server, ServeMux, stripPrefix } from 'nethttp';
import { requestListener, upgradeListener } from 'nethttp/adapters/node';
import { ReverseProxy, newSingleHostReverseProxy } from 'nethttp/httputil';

/** The gateway's routes: `/api/` to `api` under its `/v1` path, `/users/` to `users` with X-Forwarded-*. */
export function gateway(api: string, users: string): ServeMux {
  const mux = new ServeMux();

  // /api/items → <api>/v1/items; the backend sees the client's Host and X-Forwarded-For.
  const toAPI = newSingleHostReverseProxy(`${api}/v1`);
  toAPI.modifyResponse = (res) => {
    res.header.set('X-Served-By', 'api');
  };
  mux.handle('/api/', stripPrefix('/api', toAPI));

  // /users/7 → <users>/users/7 with Host set to the backend's and X-Forwarded-For/-Host/-Proto set anew.
  const toUsers = new ReverseProxy({
    rewrite: (pr) => {
      pr.setURL(users);
      pr.setXForwarded();
    },
    // Server-sent events and other streams are flushed as they come anyway; this bounds the delay of the rest.
    flushInterval: 100,
    errorHandler: (w, _r, err) => {
      w.writeHeader(503);
      w.write(`users service unavailable: ${err instanceof Error ? err.message : String(err)}\n`);
    },
  });
  mux.handle('/users/', toUsers);
  return mux;
}

/** The gateway on node:http: requests through requestListener, upgrades (WebSockets) through upgradeListener. */
export function nodeGateway(api: string, users: string): NodeServer {
  const mux = gateway(api, users);
  const server = createServer(requestListener(mux));
  // node:http hands upgrade requests to this event only; there the proxy hijacks the socket on the backend's 101.
  server.on('upgrade', upgradeListener(mux));
  return server;
}

if (require.main === module) {
  const [api = 'http://127.0.0.1:9000', users = 'http://127.0.0.1:9001'] = process.argv.slice(2);
  new Server({ addr: '127.0.0.1:9094', handler: gateway(api, users) }).listenAndServe().catch((err: unknown) => console.log(String(err)));
}
