/**
 * Text is text, on every carrier: the handlers of __tests__/text-oracle/main.go, written again with nethttp, take
 * non-ASCII text from every part of a request (path values, URL, query, urlencoded and multipart forms, cookies,
 * headers, basic auth) and put it into every part of a response (body, headers, trailers, 1xx, cookies,
 * redirects). Each answer must carry exactly the bytes Go 1.23 sent, recorded in __tests__/text.golden.json.
 */

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import express5 from 'express';
import express4 from 'express4';
import { ErrNotMultipart, ServeMux, errorIs, redirect, setCookie, stripPrefix, type Request, type ResponseWriter } from '../../src/index';
import { compareBytes } from '../../src/internal/text';
import {
  type Carrier, type Reply, type Req, expressCarrier, fetchCarrier, injectCarrier, listenerCarrier, nativeCarrier, nativeH2Carrier, quietLog, recorderCarrier,
} from './carriers';

/** One recorded case (__tests__/text.record.ts): the request and Go's answer, strings holding bytes. */
export interface TextGolden {
  id: string;
  request: Req & { body?: string };
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  trailers: Record<string, string | undefined>;
  informational: { status: number; headers: Record<string, string | string[] | undefined> }[];
}

// Strings in the golden hold bytes, one character per byte (as node:http's client reads them).
const golden = JSON.parse(readFileSync(path.join(__dirname, '..', 'text.golden.json'), 'utf8')) as TextGolden[];

/** The Go oracle's handlers (__tests__/text-oracle/main.go), line for line. */
export function textMux(): ServeMux {
  const mux = new ServeMux();
  mux.handleFunc('GET /echo/{name}', (w, r) => {
    const h = w.header();
    const q = r.url.query().get('q');
    h.set('X-Value', r.pathValue('name'));
    h.set('X-Path', r.url.path);
    h.set('X-Query', q);
    h.set('X-In', r.header.get('X-In'));
    w.write(`value=${r.pathValue('name')}\npath=${r.url.path}\nrawpath=${r.url.rawPath}\nquery=${q}\nin=${r.header.get('X-In')}\nuri=${r.requestURI}\n`);
  });
  mux.handleFunc('GET /café/{x}', (w, r) => {
    w.write('café ' + r.pathValue('x') + '\n');
  });
  mux.handleFunc('POST /form', async (w: ResponseWriter, r: Request) => {
    let err = false;
    try {
      await r.parseMultipartForm(1 << 20);
    } catch (e) {
      err = !errorIs(e, ErrNotMultipart);
    }
    w.header().set('X-F', await r.formValue('f'));
    const form = r.form!;
    for (const k of [...form.keys()].sort(compareBytes)) w.write(`${k}=${form.values(k).join(',')}\n`);
    const mf = r.multipartForm;
    if (mf !== null) {
      for (const k of [...mf.file.keys()].sort(compareBytes)) for (const fh of mf.file.get(k)!) w.write(`file ${k}=${fh.filename} (${fh.size})\n`);
    }
    w.write(`multipart error: ${err}\n`);
  });
  mux.handleFunc('GET /cookie', (w, r) => {
    for (const c of r.cookies()) w.write(`${c.name}=${c.value}\n`);
    const q = r.url.query();
    setCookie(w, { name: 'out', value: q.get('v'), path: q.get('p') });
  });
  mux.handleFunc('GET /redirect', (w, r) => redirect(w, r, r.url.query().get('to'), 302));
  mux.handleFunc('GET /trailer', (w, r) => {
    w.header().set('Trailer', 'X-T');
    w.write('body\n');
    w.header().set('X-T', r.url.query().get('v'));
  });
  mux.handleFunc('GET /hints', (w, r) => {
    w.header().set('Link', r.url.query().get('v'));
    w.writeHeader(103);
    w.write('hinted\n');
  });
  mux.handleFunc('GET /hdr', (w, r) => {
    w.header().set('X-V', r.url.query().get('v'));
    w.write(r.url.query().get('v'));
  });
  mux.handleFunc('GET /auth', (w, r) => {
    const a = r.basicAuth();
    w.write(a === null ? '||false\n' : `${a.username}|${a.password}|true\n`);
  });
  mux.handle('/ü/', stripPrefix('/ü', (w: ResponseWriter, r: Request) => void w.write(`stripped=${r.url.path}\n`)));
  return mux;
}

// Fields every carrier frames its own way (node:http adds keep-alive fields; the recorder and HTTP/2 have no
// Transfer-Encoding), and the one Express adds to every answer.
const FRAMING = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding', 'x-powered-by']);

function norm(h: Record<string, string | string[] | undefined>): Record<string, string | string[] | undefined> {
  const out: Record<string, string | string[] | undefined> = {};
  for (const k of Object.keys(h).sort()) if (!FRAMING.has(k) && !k.startsWith(':')) out[k] = h[k];
  return out;
}

/** The parts of a reply the table compares, bytes as latin1 strings. */
function view(r: { status: number; headers: Reply['headers']; body: string; trailers: Reply['trailers'] }, carrier: string): unknown {
  const headers = norm(r.headers);
  // Go's recorder adds no Content-Length (its Result has only what the handler set).
  if (carrier === 'recorder') delete headers['content-length'];
  // HTTP/2 carries no Content-Length for a streamed body and names no Trailer it does not need to.
  if (carrier === 'native-h2' && r.trailers !== undefined && Object.keys(r.trailers).length > 0) delete headers['content-length'];
  // The Fetch API has no trailers (docs/fetch.md): the fetch carrier declares them and sends none.
  if (carrier === 'fetch') return { status: r.status, headers, body: r.body, trailers: {} };
  return { status: r.status, headers, body: r.body, trailers: Object.fromEntries(Object.entries(r.trailers)) };
}

const log = quietLog();
const carriers: Array<[string, () => Promise<Carrier>]> = [
  ['native', () => nativeCarrier(textMux(), log)],
  ['native-h2', () => nativeH2Carrier(textMux(), log)],
  ['requestListener', () => listenerCarrier(textMux(), log)],
  ['express4', () => expressCarrier('express4', express4 as unknown as typeof express5, textMux(), log, '/')],
  ['express5', () => expressCarrier('express5', express5, textMux(), log, '/')],
  ['inject', () => injectCarrier(textMux(), log)],
  ['recorder', () => recorderCarrier(textMux())],
  ['fetch', () => fetchCarrier(textMux(), log)],
];

describe.each(carriers)('text on %s equals Go 1.23 byte for byte', (name, make) => {
  let c: Carrier;
  beforeAll(async () => {
    c = await make();
  });
  afterAll(async () => {
    await c.close();
  });
  test.each(golden.map((g) => [g.id, g] as const))('%s', async (_id, g) => {
    const req: Req = { ...g.request, body: g.request.body === undefined ? undefined : Buffer.from(g.request.body, 'latin1') };
    if (name === 'native-h2' && req.headers !== undefined) {
      req.headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), v]));
    }
    const res = await c.send(req);
    if (name.startsWith('express') && g.status === 404) {
      // The mux as Express middleware passes what it does not match to the next route (docs/carriers.md).
      expect([res.status, res.body.toString()]).toEqual([404, 'fell through']);
      return;
    }
    if (name === 'recorder' && g.informational.length > 0) {
      // Go's recorder takes the first status as final, a 1xx too.
      expect(res.status).toBe(g.informational[0].status);
      return;
    }
    expect(view({ ...res, body: res.body.toString('latin1') }, name)).toEqual(view(g, name));
    // 1xx: light-my-request keeps none; the Fetch API answers with one Response; Go's recorder has no place for them.
    if (name !== 'inject' && name !== 'fetch' && name !== 'recorder') {
      expect((res.informational ?? []).map((i) => ({ status: i.status, headers: norm(i.headers) }))).toEqual(
        g.informational.map((i) => ({ status: i.status, headers: norm(i.headers) })),
      );
    }
  });
  test('no line was logged', () => {
    expect(log.lines).toEqual([]);
  });
});
