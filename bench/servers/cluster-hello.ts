/**
 * Bench server: hello-world on `node:cluster` workers. Usage: cluster-hello.js <workers> <native|node> <port>.
 * `native` runs nethttp's Server through runCluster; `node` runs raw node:http workers on node:cluster directly,
 * as the reference. The primary prints `listening on host:port` once every worker listens.
 */
import cluster from 'node:cluster';
import * as nodeHttp from 'node:http';
import * as http from '../../src';

const workers = Number(process.argv[2] ?? '2');
const kind = process.argv[3] ?? 'native';
const port = process.argv[4] ?? '0';

async function native(): Promise<void> {
  const primary = await http.runCluster(
    async () => {
      const ln = await http.listen('tcp', `127.0.0.1:${port}`);
      const srv = new http.Server({ handler: (w: http.ResponseWriter) => void w.write('Hello World!') });
      srv.serve(ln).catch(() => undefined);
      return srv;
    },
    { workers },
  );
  if (primary !== null) process.stdout.write(`listening on 127.0.0.1:${(await primary.ready()).port}\n`);
}

function node(): void {
  if (cluster.isPrimary) {
    let up = 0;
    for (let i = 0; i < workers; i++) {
      cluster.fork().on('listening', (a: { port: number }) => {
        if (++up === workers) process.stdout.write(`listening on 127.0.0.1:${a.port}\n`);
      });
    }
    process.on('SIGTERM', () => {
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGKILL');
      process.exit(0);
    });
    return;
  }
  nodeHttp.createServer((_req, res) => res.end('Hello World!')).listen(Number(port), '127.0.0.1');
}

if (kind === 'node') node();
else void native();
