/**
 * Divergences found by running Express's own test suite against nethttp (`npm run external -- express`, see
 * docs/reliability.md "Other people's test suites"): each is pinned here, without the network, by the smallest
 * case that showed it.
 */

import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { ServeMux } from '../../../src/index';
import { middleware } from '../../../adapters/express';
import { httpSend, quietLog, type Reply, type Req } from '../carriers';

async function serveApp(app: http.RequestListener): Promise<{ send: (r: Req) => Promise<Reply>; close: () => Promise<void> }> {
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    send: (r) => httpSend(port, r),
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

describe('fallthrough mode: a ServeMux in front of an Express app changes nothing it does not match', () => {
  // express.static's "should fall-through when URL malformed" / "should 400 when URL malformed": the mux answered
  // Go's 400 itself for a target Go refuses, so the app behind never saw it.
  test('a malformed request-target (/%) falls through to the Express routes instead of a 400 from the mux', async () => {
    const mux = new ServeMux();
    mux.handleFunc('GET /api/{x}', (w) => void w.write('mux\n'));
    const app = express();
    app.use(middleware(mux, { errorLog: quietLog() }));
    app.use((req, res) => void res.status(404).send(`express saw ${req.url}`));
    const s = await serveApp(app as unknown as http.RequestListener);
    try {
      const r = await s.send({ method: 'GET', path: '/%' });
      expect(r.status).toBe(404);
      expect(r.body.toString()).toBe('express saw /%');
      const r2 = await s.send({ method: 'GET', path: '/%foobar' });
      expect(r2.body.toString()).toBe('express saw /%foobar');
      // What the mux can parse it still serves.
      expect((await s.send({ method: 'GET', path: '/api/7' })).body.toString()).toBe('mux\n');
    } finally {
      await s.close();
    }
  });

  test('a lone handler (not a mux) still answers Go\'s 400 for a target Go refuses', async () => {
    const app = express();
    app.use(middleware((w: import('../../../src/index').ResponseWriter) => void w.write('handler\n'), { errorLog: quietLog() }));
    const s = await serveApp(app as unknown as http.RequestListener);
    try {
      const r = await s.send({ method: 'GET', path: '/%' });
      expect(r.status).toBe(400);
    } finally {
      await s.close();
    }
  });
});
