/** Peer: Express 5. `hello`, `api` (express.json() in front), `static DIR` (express.static). Usage: node express.js WORKLOAD [DIR] PORT. */
import express from 'express';
import type { AddressInfo } from 'node:net';
import { apiRoutes, apiStatus, listening, pageOf, peerArgs, type Item, type Reply } from './workload';

const { workload, dir, port } = peerArgs();
const app = express();
if (workload === 'hello') {
  app.get('/', (_req, res) => void res.type('text/plain').send('Hello World!'));
} else if (workload === 'api') {
  app.use(express.json());
  for (const rt of apiRoutes) {
    const { route, names } = rt;
    const status = apiStatus(rt.method);
    (app as unknown as Record<string, (p: string, h: express.RequestHandler) => void>)[rt.method.toLowerCase()](route, (req, res) => {
      const params: Record<string, string> = {};
      for (const n of names) {
        const v = req.params[n] as unknown;
        params[n] = Array.isArray(v) ? v.join('/') : (v as string);
      }
      const out: Reply = { route, params, page: pageOf(req.query.page as string | undefined) };
      if (rt.hasBody) out.body = req.body as Item;
      res.status(status).json(out);
    });
  }
} else if (workload === 'static') {
  app.use(express.static(dir));
} else {
  throw new Error(`unknown workload ${workload}`);
}
const server = app.listen(port, '127.0.0.1', () => listening((server.address() as AddressInfo).port));
server.keepAliveTimeout = 60_000;
