/**
 * The WebSocket echo mux of websocket-echo.ts on node:http and on Express: Node hands upgrade requests to the
 * `'upgrade'` event, where upgradeListener runs the same handler (its hijack gets Node's socket).
 */

import { createServer, type Server as NodeServer } from 'node:http';
import express from 'express';
import { WebSocketServer } from 'ws';
import { requestListener, upgradeListener } from 'nethttp/adapters/node';
import { middleware } from 'nethttp/adapters/express';
import { echoMux } from './websocket-echo';

/** node:http: requests go to requestListener, upgrades to upgradeListener, both with the one mux. */
export function nodeEchoServer(wss: WebSocketServer): NodeServer {
  const mux = echoMux(wss);
  const server = createServer(requestListener(mux));
  server.on('upgrade', upgradeListener(mux));
  return server;
}

/** Express: the mux as middleware for requests; Express has no upgrade routing, so the server's event does it. */
export function expressEchoServer(wss: WebSocketServer): NodeServer {
  const mux = echoMux(wss);
  const app = express();
  app.use(middleware(mux));
  const server = createServer(app);
  server.on('upgrade', upgradeListener(mux));
  return server;
}
