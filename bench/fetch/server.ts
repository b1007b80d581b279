/**
 * The servers of the fetch and middleware bench, one small app each way:
 * - `hono`: a Hono app on @hono/node-server; `tofetch`: the same routes as a ServeMux through toFetch on the same
 *   @hono/node-server (GET / → "Hello World!", GET /users/{id} → a small JSON object);
 * - `express-cors`: Express 5 with cors() in front; `native-cors`: the native Server with fromExpress(cors()) in front
 *   of a ServeMux (GET / → "Hello World!").
 * Usage: node server.js MODE PORT. Prints `listening on host:port`.
 */

import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import cors from 'cors';
import express from 'express';
import { Hono } from 'hono';
import { Server, ServeMux, chain, listen, writeJSON } from '../../src';
import { toFetch } from '../../adapters/fetch';
import { fromExpress } from '../../adapters/express';
import { listening, peerArgs } from '../peers/workload';

const { workload: mode, port } = peerArgs();
const user = (id: string): object => ({ id: Number(id), name: 'Ann', email: 'ann@example.com', admin: false });

async function main(): Promise<void> {
  switch (mode) {
    case 'hono': {
      const app = new Hono();
      app.get('/', (c) => c.text('Hello World!'));
      app.get('/users/:id', (c) => c.json(user(c.req.param('id'))));
      serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, (info) => listening(info.port));
      return;
    }
    case 'tofetch': {
      const mux = new ServeMux();
      mux.handleFunc('GET /{$}', (w) => void w.write('Hello World!'));
      mux.handleFunc('GET /users/{id}', (w, r) => writeJSON(w, 200, user(r.pathValue('id'))));
      serve({ fetch: toFetch(mux), port, hostname: '127.0.0.1' }, (info) => listening(info.port));
      return;
    }
    case 'express-cors': {
      const app = express();
      app.use(cors());
      app.get('/', (_req, res) => void res.type('text/plain').send('Hello World!'));
      const server = app.listen(port, '127.0.0.1', () => listening((server.address() as AddressInfo).port));
      server.keepAliveTimeout = 60_000;
      return;
    }
    case 'native-cors': {
      const mux = new ServeMux();
      mux.handleFunc('GET /{$}', (w) => void w.write('Hello World!'));
      const ln = await listen('tcp', `127.0.0.1:${port}`);
      listening(ln.addr().port);
      await new Server({ handler: chain(fromExpress(cors()))(mux) }).serve(ln);
      return;
    }
    default:
      throw new Error(`unknown mode ${mode}`);
  }
}
void main();
