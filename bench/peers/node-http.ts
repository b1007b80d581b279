/**
 * Peer: raw node:http, no framework: `hello` (the same bytes as Go's), `upload`. Usage: node node-http.js WORKLOAD PORT.
 */
import * as http from 'node:http';
import { listening, peerArgs } from './workload';

const { workload, port } = peerArgs();
const server = http.createServer(
  workload === 'upload'
    ? (req, res) => {
        let n = 0;
        req.on('data', (d: Buffer) => (n += d.length));
        req.on('end', () => res.end(String(n)));
      }
    : (_req, res) => {
        res.setHeader('Content-Type', 'text/plain; charset=utf-8');
        res.setHeader('Content-Length', '12');
        res.end('Hello World!');
      },
);
server.keepAliveTimeout = 60_000;
server.requestTimeout = 0;
server.listen(port, '127.0.0.1', () => listening((server.address() as { port: number }).port));
