/**
 * The kit's mux cases (Go 1.23 goldens) replayed through `requestListener(mux)` on a real node:http server and
 * compared semantically: for every response, status, `Location`, `Allow` and body must equal Go's. Bytes that
 * node:http controls (Date, Connection, Keep-Alive, its own error replies) are not compared; the cases where
 * node:http itself answers before our handler runs are listed below with the reason.
 */

import * as http from 'node:http';
import * as net from 'node:net';
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { requestListener } from '../../adapters/node';
import { buildMux } from '../conformance/mux-echo-server';
import { kitDir } from '../conformance/kit';

/** Cases node:http answers (or refuses) before any listener runs, so Go's answer cannot be reproduced here. */
const llhttpMethods = 'llhttp accepts only the methods it knows, in upper case: node:http answers 400 itself';
const connectEvent = "node:http hands CONNECT to the server's 'connect' event, never to a request listener";
const nodeOwned: Record<string, string> = {
  'mb-custom-method': llhttpMethods,
  'mm-any-custom': llhttpMethods,
  'mm-lower-method': llhttpMethods,
  'mm-brew': llhttpMethods,
  'mr-lower-method-pattern': llhttpMethods,
  'me-raw-utf8': 'llhttp refuses bytes above 0x7E in the request-target: 400 from node:http',
  'me-raw-space': "llhttp refuses the target; node:http's 400 has no body (Go's says 400 Bad Request)",
  'mx-authority': connectEvent,
  'mx-path': connectEvent,
  'mx-path-host-wins': connectEvent,
  'mx-no-clean': connectEvent,
  'mx-slash-redirect': connectEvent,
  'mx-authority-host-mismatch': connectEvent,
  'mx-no-host': connectEvent,
  'mx-path-query': connectEvent,
};

interface KitCase { id: string; server: string; routes?: string; check?: string; send?: unknown[] }
interface Parsed { status: number; headers: Map<string, string>; body: string }

function bytesOf(items: unknown[]): string {
  let s = '';
  for (const it of items) {
    if (typeof it === 'string') s += it;
    else {
      const o = it as { repeat?: string; times?: number; hex?: string };
      if (o.repeat !== undefined) s += o.repeat.repeat(o.times ?? 1);
      else if (o.hex !== undefined) s += Buffer.from(o.hex, 'hex').toString('latin1');
    }
  }
  return s;
}

/** Parses consecutive HTTP/1.x responses; `methods` says which answer a HEAD (no body). */
function parseResponses(raw: string, methods: string[]): Parsed[] {
  const out: Parsed[] = [];
  let pos = 0;
  while (pos < raw.length) {
    const end = raw.indexOf('\r\n\r\n', pos);
    if (end === -1) break;
    const lines = raw.slice(pos, end).split('\r\n');
    const status = Number(lines[0].split(' ')[1]);
    const headers = new Map<string, string>();
    for (const l of lines.slice(1)) {
      const i = l.indexOf(':');
      const k = l.slice(0, i).toLowerCase();
      const v = l.slice(i + 1).trim();
      headers.set(k, headers.has(k) ? headers.get(k) + ', ' + v : v);
    }
    pos = end + 4;
    if (status >= 100 && status < 200) continue;
    const method = methods[out.length] ?? 'GET';
    let body = '';
    if (method === 'HEAD' || status === 204 || status === 304) {
      // no body
    } else if (headers.get('transfer-encoding') === 'chunked') {
      for (;;) {
        const le = raw.indexOf('\r\n', pos);
        const n = parseInt(raw.slice(pos, le), 16);
        pos = le + 2;
        if (!(n > 0)) {
          pos = raw.indexOf('\r\n\r\n', pos - 2) + 4;
          break;
        }
        body += raw.slice(pos, pos + n);
        pos += n + 2;
      }
    } else if (headers.has('content-length')) {
      const n = Number(headers.get('content-length'));
      body = raw.slice(pos, pos + n);
      pos += n;
    } else {
      body = raw.slice(pos);
      pos = raw.length;
    }
    out.push({ status, headers, body });
  }
  return out;
}

function play(port: number, data: string): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    const parts: Buffer[] = [];
    const timer = setTimeout(() => s.destroy(), 3000);
    s.on('data', (d) => parts.push(d));
    s.on('error', () => undefined);
    s.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(parts).toString('latin1'));
    });
    s.write(Buffer.from(data, 'latin1'));
    s.end();
  });
}

const suites = readdirSync(path.join(kitDir, 'cases')).filter((f) => f.startsWith('mux-'));
const summary = { compared: 0, responses: 0, nodeOwned: 0 };

describe.each(suites)('%s through requestListener', (file) => {
  const suite = JSON.parse(readFileSync(path.join(kitDir, 'cases', file), 'utf8')) as { routes: Record<string, string[]>; cases: KitCase[] };
  const golden = JSON.parse(readFileSync(path.join(kitDir, 'golden', file), 'utf8')) as { cases: Record<string, { response?: string }> };
  const servers = new Map<string, { server: http.Server; port: number }>();

  beforeAll(async () => {
    for (const [name, patterns] of Object.entries(suite.routes)) {
      const { mux } = buildMux(patterns);
      const server = http.createServer(requestListener(mux, { errorLog: { error: () => undefined } }) as http.RequestListener);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
      servers.set(name, { server, port: (server.address() as AddressInfo).port });
    }
  });
  afterAll(async () => {
    for (const { server } of servers.values()) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  const wire = suite.cases.filter((c) => c.send !== undefined && c.check === undefined);
  test.each(wire.map((c) => [c.id, c] as const))('%s', async (id, c) => {
    const data = bytesOf(c.send!);
    const methods = [...data.matchAll(/(?:^|\r\n\r\n)([A-Za-z]+) \S+ HTTP\//g)].map((m) => m[1]);
    const want = parseResponses(golden.cases[id].response ?? '', methods);
    const got = parseResponses(await play(servers.get(c.routes!)!.port, data), methods);
    if (nodeOwned[id] !== undefined) {
      // Listed cases must really differ; one that starts to agree should leave the list.
      summary.nodeOwned++;
      expect(JSON.stringify(got.map((r) => [r.status, r.body]))).not.toBe(JSON.stringify(want.map((r) => [r.status, r.body])));
      return;
    }
    summary.compared++;
    summary.responses += want.length;
    expect(got.map((r) => r.status)).toEqual(want.map((r) => r.status));
    for (let i = 0; i < want.length; i++) {
      for (const h of ['location', 'allow']) expect([id, h, got[i].headers.get(h)]).toEqual([id, h, want[i].headers.get(h)]);
      expect([id, got[i].body]).toEqual([id, want[i].body]);
    }
  });
});

afterAll(() => {
  // Printed for the closing notes of the carriers issue.
  process.stdout.write(`node kit replay: ${summary.compared} cases compared (${summary.responses} responses), ${summary.nodeOwned} owned by node:http\n`);
});
