/**
 * Peer: nethttp, as the native Server (`native`) or as `requestListener(mux)` on node:http (`listener`).
 * Usage: node nethttp.js native|listener WORKLOAD [DIR] PORT (see workload.ts).
 */
import * as nodeHttp from 'node:http';
import * as http from '../../src';
import { requestListener } from '../../adapters/node';
import { apiRoutes, apiStatus, listening, pageOf, type Item, type Reply } from './workload';

function mux(workload: string, dir: string): http.ServeMux {
  const m = new http.ServeMux();
  if (workload === 'hello') {
    m.handleFunc('/', (w) => void w.write('Hello World!'));
  } else if (workload === 'api') {
    for (const rt of apiRoutes) {
      const pattern = `${rt.method} ${rt.route.replace(/:(\w+)/g, '{$1}').replace(/\*(\w+)/, '{$1...}')}`;
      const { route, names } = rt;
      const status = apiStatus(rt.method);
      const reply = (r: http.Request): Reply => {
        const params: Record<string, string> = {};
        for (const n of names) params[n] = r.pathValue(n);
        return { route, params, page: pageOf(r.url.query().get('page')) };
      };
      if (rt.hasBody) {
        m.handleFunc(pattern, async (w, r) => {
          const body = await http.readJSON<Item>(r);
          const out = reply(r);
          out.body = body;
          http.writeJSON(w, status, out);
        });
      } else {
        m.handleFunc(pattern, (w, r) => http.writeJSON(w, status, reply(r)));
      }
    }
  } else if (workload === 'json-helpers' || workload === 'json-hand') {
    // The cost of writeJSON/readJSON against the same work written by hand (GET answers a 4-field object, POST
    // echoes its JSON body).
    const user = (r: http.Request): object => ({ id: Number(r.pathValue('id')), name: 'Ann', email: 'ann@example.com', admin: false });
    if (workload === 'json-helpers') {
      m.handleFunc('GET /users/{id}', (w, r) => http.writeJSON(w, 200, user(r)));
      m.handleFunc('POST /users/{id}', async (w, r) => http.writeJSON(w, 200, await http.readJSON(r)));
    } else {
      m.handleFunc('GET /users/{id}', (w, r) => {
        w.header().set('Content-Type', 'application/json');
        w.write(JSON.stringify(user(r)));
      });
      m.handleFunc('POST /users/{id}', async (w, r) => {
        const v: unknown = JSON.parse((await r.body.readAll()).toString('utf8'));
        w.header().set('Content-Type', 'application/json');
        w.write(JSON.stringify(v));
      });
    }
  } else if (workload === 'static') {
    m.handle('/', http.fileServer(http.dir(dir)));
  } else if (workload === 'upload') {
    m.handleFunc('POST /upload', async (w, r) => {
      let n = 0;
      for await (const chunk of r.body) n += chunk.length;
      w.write(String(n));
    });
  } else {
    throw new Error(`unknown workload ${workload}`);
  }
  return m;
}

async function main(): Promise<void> {
  const [carrier, workload] = process.argv.slice(2);
  const rest = process.argv.slice(4);
  const dir = rest.length > 1 ? rest[0] : '';
  const port = Number(rest[rest.length - 1] ?? 0);
  const m = mux(workload, dir);
  if (carrier === 'native') {
    const ln = await http.listen('tcp', `127.0.0.1:${port}`);
    listening(ln.addr().port);
    new http.Server({ handler: m }).serve(ln).catch(() => process.exit(0));
  } else {
    const server = nodeHttp.createServer(requestListener(m) as nodeHttp.RequestListener);
    server.keepAliveTimeout = 60_000;
    server.listen(port, '127.0.0.1', () => listening((server.address() as { port: number }).port));
  }
}
void main();
