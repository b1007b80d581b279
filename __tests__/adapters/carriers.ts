/**
 * The carriers of the cross-carrier matrix: each serves the same handler and answers a request as
 * { status, headers, body, trailers } — or { aborted } when the connection was dropped.
 */

import * as http from 'node:http';
import * as http2 from 'node:http2';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import express5 from 'express';
import express4 from 'express4';
import { Server, ServeMux, listen, type Header, type Logger } from '../../src/index';
import { requestListener } from '../../adapters/node';
import { middleware } from '../../adapters/express';
import { inject, newRecorder, newRequest, newServer } from '../../adapters/httptest';
import { toFetch } from '../../adapters/fetch';
import { serve as honoServe } from '@hono/node-server';
import { binaryOf, textOf } from '../../src/internal/text';

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  trailers: Record<string, string | undefined>;
  /** 1xx responses before the final one, where the carrier shows them. */
  informational?: { status: number; headers: Record<string, string | string[] | undefined> }[];
  aborted?: boolean;
}

export interface Req {
  method: string;
  path: string;
  /** Header values as node:http's client takes them: one character per byte. */
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface Carrier {
  name: string;
  /** The mount prefix requests are sent under (Express apps mount the mux at /api). */
  prefix: string;
  /** The loopback port of socket carriers. */
  port?: number;
  send(req: Req): Promise<Reply>;
  close(): Promise<void>;
}

export const quietLog = (): Logger & { lines: string[] } => {
  const lines: string[] = [];
  return { lines, error: (m: string) => void lines.push(m) };
};

/** Sends one request with node:http's client on a fresh connection. */
export function httpSend(port: number, req: Req): Promise<Reply> {
  return new Promise((resolve) => {
    const cr = http.request(
      { host: '127.0.0.1', port, method: req.method, path: req.path, headers: req.headers, agent: false },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (d: Buffer) => parts.push(d));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts), trailers: res.trailers, informational }),
        );
        res.on('error', () => resolve({ status: 0, headers: {}, body: Buffer.alloc(0), trailers: {}, aborted: true }));
      },
    );
    const informational: NonNullable<Reply['informational']> = [];
    cr.on('information', (info: http.InformationEvent) => informational.push({ status: info.statusCode, headers: info.headers }));
    cr.on('error', () => resolve({ status: 0, headers: {}, body: Buffer.alloc(0), trailers: {}, aborted: true }));
    cr.end(req.body);
  });
}

export function listenNode(server: http.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

export function closeNode(server: http.Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

export async function nativeCarrier(mux: ServeMux, log: Logger): Promise<Carrier> {
  const ts = await newServer(mux, { errorLog: log });
  const port = ts.listener.addr().port;
  return { name: 'native', prefix: '', port, send: (r) => httpSend(port, r), close: () => ts.close() };
}

export async function listenerCarrier(mux: ServeMux, log: Logger): Promise<Carrier> {
  const server = http.createServer(requestListener(mux, { errorLog: log }) as http.RequestListener);
  const port = await listenNode(server);
  return { name: 'requestListener', prefix: '', port, send: (r) => httpSend(port, r), close: () => closeNode(server) };
}

/** The fetch carrier: toFetch(mux) served by @hono/node-server, the Fetch API on Node. */
export async function fetchCarrier(mux: ServeMux, log: Logger): Promise<Carrier> {
  const server = await new Promise<http.Server>((resolve) => {
    const s = honoServe({ fetch: toFetch(mux, { errorLog: log }), port: 0, hostname: '127.0.0.1' }, () => resolve(s as http.Server));
  });
  const port = (server.address() as AddressInfo).port;
  return { name: 'fetch', prefix: '', port, send: (r) => httpSend(port, r), close: () => closeNode(server) };
}

type ExpressFactory = typeof express5;

export async function expressCarrier(name: string, factory: ExpressFactory, mux: ServeMux, log: Logger, mount = '/api'): Promise<Carrier> {
  const app = factory();
  app.use(mount, middleware(mux, { methodNotAllowed: 'respond', errorLog: log }) as never);
  app.use((_req: http.IncomingMessage, res: http.ServerResponse) => {
    res.statusCode = 404;
    res.end('fell through');
  });
  app.use((err: Error, _req: unknown, res: http.ServerResponse, _next: unknown) => {
    res.statusCode = 500;
    res.end('express error: ' + err.message);
  });
  const server = http.createServer(app as unknown as http.RequestListener);
  const port = await listenNode(server);
  const prefix = mount === '/' ? '' : mount;
  return { name, prefix, port, send: (r) => httpSend(port, { ...r, path: prefix + r.path }), close: () => closeNode(server) };
}

export const express4Carrier = (mux: ServeMux, log: Logger) => expressCarrier('express4', express4 as unknown as ExpressFactory, mux, log);
export const express5Carrier = (mux: ServeMux, log: Logger) => expressCarrier('express5', express5, mux, log);

export async function injectCarrier(mux: ServeMux, log: Logger): Promise<Carrier> {
  return {
    name: 'inject',
    prefix: '',
    async send(r) {
      try {
        // inject takes header values as text (it encodes them): the bytes of `r.headers` decoded.
        const res = await inject(mux, { method: r.method as 'GET', url: r.path, headers: textValues(r.headers), payload: r.body }, { errorLog: log });
        return { status: res.statusCode, headers: res.headers as Reply['headers'], body: res.rawPayload, trailers: res.trailers };
      } catch {
        return { status: 0, headers: {}, body: Buffer.alloc(0), trailers: {}, aborted: true };
      }
    },
    close: async () => undefined,
  };
}

export async function recorderCarrier(mux: ServeMux): Promise<Carrier> {
  return {
    name: 'recorder',
    prefix: '',
    async send(r) {
      const req = newRequest(r.method, r.path, r.body);
      for (const [k, v] of Object.entries(textValues(r.headers) ?? {})) {
        if (k.toLowerCase() === 'host') req.host = v;
        else req.header.add(k, v);
      }
      const w = newRecorder();
      try {
        await mux.serveHTTP(w, req);
      } catch {
        return { status: 0, headers: {}, body: Buffer.alloc(0), trailers: {}, aborted: true };
      }
      const res = w.result();
      // The recorder's values are text; a Reply holds them as a client reads them, one character per byte.
      const wire = (h: Header): Record<string, string | string[]> => {
        const out: Record<string, string | string[]> = {};
        for (const [k, vv] of h) out[k.toLowerCase()] = vv.length === 1 ? binaryOf(vv[0]) : vv.map(binaryOf);
        return out;
      };
      const trailers: Record<string, string> = {};
      for (const [k, vv] of res.trailer ?? []) trailers[k.toLowerCase()] = vv.map(binaryOf).join(', ');
      // The recorder records a HEAD reply's body as Go's does; a server sends none. Its first writeHeader is final,
      // a 1xx included (Go's recorder): no informational responses.
      return { status: res.statusCode, headers: wire(res.header), body: r.method === 'HEAD' ? Buffer.alloc(0) : res.body, trailers, informational: [] };
    },
    close: async () => undefined,
  };
}

/** Header values given one character per byte, as text (what a request hands a handler). */
function textValues(h: Record<string, string> | undefined): Record<string, string> | undefined {
  return h === undefined ? undefined : Object.fromEntries(Object.entries(h).map(([k, v]) => [k, textOf(v)]));
}

const fixtures = path.join(__dirname, '..', 'fixtures');
const tlsFiles = { key: readFileSync(path.join(fixtures, 'localhost-key.pem')), cert: readFileSync(path.join(fixtures, 'localhost-cert.pem')) };

/** The native Server over TLS, spoken to in HTTP/2 (ALPN h2) by node:http2's client. */
export async function nativeH2Carrier(mux: ServeMux, log: Logger): Promise<Carrier> {
  const srv = new Server({ handler: mux, errorLog: log, tlsConfig: tlsFiles });
  const ln = await listen('tcp', '127.0.0.1:0');
  const serving = srv.serveTLS(ln).catch(() => undefined);
  const port = ln.addr().port;
  const client = http2.connect(`https://localhost:${port}`, { ca: tlsFiles.cert });
  client.on('error', () => undefined);
  return {
    name: 'native-h2',
    prefix: '',
    port,
    send(r) {
      return new Promise((resolve) => {
        const aborted = (): void => resolve({ status: 0, headers: {}, body: Buffer.alloc(0), trailers: {}, aborted: true });
        const st = client.request({ ':method': r.method, ':path': r.path, ...(r.headers ?? {}) }, { endStream: r.body === undefined });
        let headers: http2.IncomingHttpHeaders = {};
        let trailers: Record<string, string | undefined> = {};
        const parts: Buffer[] = [];
        const informational: NonNullable<Reply['informational']> = [];
        st.on('headers', (h) => informational.push({ status: Number(h[':status']), headers: h as Reply['headers'] }));
        st.on('response', (h) => (headers = h));
        st.on('trailers', (t) => (trailers = t as Record<string, string | undefined>));
        st.on('data', (d: Buffer) => parts.push(d));
        st.on('error', aborted);
        st.on('close', () => {
          if (st.rstCode !== http2.constants.NGHTTP2_NO_ERROR || headers[':status'] === undefined) return aborted();
          resolve({ status: Number(headers[':status']), headers: headers as Reply['headers'], body: Buffer.concat(parts), trailers, informational });
        });
        if (r.body !== undefined) st.end(r.body);
      });
    },
    async close() {
      client.close();
      await srv.close();
      await serving;
    },
  };
}

/** Every carrier of the matrix, each serving a mux made by `build` (the recorder logs nothing: it has no server). */
export function everyCarrier(build: () => ServeMux, log: Logger): Record<string, () => Promise<Carrier>> {
  return {
    native: () => nativeCarrier(build(), log),
    requestListener: () => listenerCarrier(build(), log),
    express4: () => express4Carrier(build(), log),
    express5: () => express5Carrier(build(), log),
    inject: () => injectCarrier(build(), log),
    recorder: () => recorderCarrier(build()),
    'native-h2': () => nativeH2Carrier(build(), log),
    fetch: () => fetchCarrier(build(), log),
  };
}
