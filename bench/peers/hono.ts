/** Peer: Hono 4 on @hono/node-server. `hello`, `api`. Usage: node hono.js WORKLOAD PORT. */
import { Hono } from 'hono';
import { serve } from '@hono/node-server';
import { apiRoutes, apiStatus, listening, pageOf, peerArgs, type Item, type Reply } from './workload';

const { workload, port } = peerArgs();
const app = new Hono();
if (workload === 'hello') {
  app.get('/', (c) => c.text('Hello World!'));
} else if (workload === 'api') {
  for (const rt of apiRoutes) {
    const { route, names } = rt;
    const status = apiStatus(rt.method) as 200 | 201;
    // A catch-all is a regex parameter in Hono.
    const path = route.replace(/\*(\w+)/, ':$1{.+}');
    app.on(rt.method, path, async (c) => {
      const params: Record<string, string> = {};
      for (const n of names) params[n] = c.req.param(n) as string;
      const out: Reply = { route, params, page: pageOf(c.req.query('page')) };
      if (rt.hasBody) out.body = await c.req.json<Item>();
      return c.json(out, status);
    });
  }
} else {
  throw new Error(`unknown workload ${workload}`);
}
serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, (info) => listening(info.port));
