/**
 * Peer: Fastify 5. `api` (without a response schema), `api-schema` (a response schema per route, so replies go
 * through fast-json-stringify), `hello`, `static DIR` (@fastify/static). Usage: node fastify.js WORKLOAD [DIR] PORT.
 */
import Fastify from 'fastify';
import fastifyStatic from '@fastify/static';
import { apiRoutes, apiStatus, listening, pageOf, peerArgs, type Item, type Reply } from './workload';

const { workload, dir, port } = peerArgs();
const app = Fastify({ logger: false });
const itemSchema = { type: 'object', properties: { title: { type: 'string' }, labels: { type: 'array', items: { type: 'string' } }, n: { type: 'integer' } } };

if (workload === 'hello') {
  app.get('/', (_req, reply) => {
    reply.type('text/plain; charset=utf-8').send('Hello World!');
  });
} else if (workload === 'api' || workload === 'api-schema') {
  for (const rt of apiRoutes) {
    const { route, names } = rt;
    const status = apiStatus(rt.method);
    // find-my-way names a catch-all '*'.
    const url = route.replace(/\*\w+/, '*');
    const key = names.map((n) => (route.includes('*' + n) ? '*' : n));
    const schema =
      workload === 'api-schema'
        ? {
            response: {
              [status]: {
                type: 'object',
                properties: {
                  route: { type: 'string' },
                  params: { type: 'object', properties: Object.fromEntries(names.map((n) => [n, { type: 'string' }])) },
                  page: { type: 'integer' },
                  body: itemSchema,
                },
              },
            },
          }
        : undefined;
    app.route({
      method: rt.method as 'GET',
      url,
      schema,
      handler: (req, reply) => {
        const p = req.params as Record<string, string>;
        const params: Record<string, string> = {};
        for (let i = 0; i < names.length; i++) params[names[i]] = p[key[i]];
        const out: Reply = { route, params, page: pageOf((req.query as Record<string, string>).page) };
        if (rt.hasBody) out.body = req.body as Item;
        reply.code(status).send(out);
      },
    });
  }
} else if (workload === 'static') {
  void app.register(fastifyStatic, { root: dir });
} else {
  throw new Error(`unknown workload ${workload}`);
}
app.listen({ port, host: '127.0.0.1' }).then(() => listening((app.server.address() as { port: number }).port));
