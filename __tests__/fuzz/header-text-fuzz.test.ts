/**
 * Seeded fuzz of every string a handler can put in a head, on every carrier: header names and values, trailers, a
 * 103's fields, cookies and redirect targets made of random code points (all of U+0000–U+FFFF, lone surrogates,
 * U+2028, U+0085, and U+010D / U+010A / U+0100, whose low bytes are CR, LF and NUL). Whatever the text:
 *
 * - the wire carries no CR, LF or NUL but the framing's CRLFs, and every field line is `token: value`;
 * - no field appears that the handler did not set (no injected `Set-Cookie`, no forged response after the head);
 * - each value is the text's bytes with CR and LF made spaces and the ends trimmed (Go's rule), or the field is
 *   left out when its value holds another control byte — the same on every carrier;
 * - the server lives on.
 */

import * as net from 'node:net';
import * as http from 'node:http';
import express5 from 'express';
import { ServeMux, canonicalHeaderKey, redirect, setCookie, type Request, type ResponseWriter } from '../../src/index';
import { isToken } from '../../src/header';
import { bytesOf } from '../../src/internal/text';
import { middleware } from '../../adapters/express';
import { requestListener } from '../../adapters/node';
import { inject, newRecorder, newRequest, newServer } from '../../adapters/httptest';
import { nativeH2Carrier, quietLog } from '../adapters/carriers';
import { xorshift32 } from './xorshift';

const SEED = Number(process.env.FUZZ_SEED ?? 20250613);
const CASES = 150;

// The characters most likely to break a head, drawn often.
const SPECIAL = ['\r', '\n', '\r\n', '\0', '\t', ' ', ':', '\u010d', '\u010a', '\u0100', '\u2028', '\u0085', '\ud800', '\udbff', '\udc80',
  '\udcff', '\udc0a', '\u00ff', '\u007f', '\x0b', ';', ',', '"', 'HTTP/1.1 200 OK', 'Set-Cookie: injected=1', 'X-Evil: 1'];

function randomText(next: () => number, max: number): string {
  const len = next() % max;
  let s = '';
  for (let i = 0; i < len; i++) {
    const k = next() % 10;
    if (k < 3) s += SPECIAL[next() % SPECIAL.length];
    else if (k < 6) s += String.fromCharCode(0x20 + (next() % 0x5f));
    else s += String.fromCharCode(next() % 0x10000);
  }
  return s;
}

interface FuzzCase {
  fields: [string, string][];
  trailer: string;
  hint: string;
  cookie: { name: string; value: string; path: string; domain: string };
  /** A redirect target, or null for a 200 with trailers. */
  location: string | null;
}

function makeCases(): FuzzCase[] {
  const next = xorshift32(SEED);
  const out: FuzzCase[] = [];
  for (let i = 0; i < CASES; i++) {
    const fields: [string, string][] = [];
    const n = 1 + (next() % 4);
    for (let j = 0; j < n; j++) {
      // Half the names are tokens (so their values reach the wire), half anything.
      const name = next() % 2 === 0 ? `X-F${j}` : randomText(next, 12);
      fields.push([name, randomText(next, 24)]);
    }
    out.push({
      fields,
      trailer: randomText(next, 24),
      hint: randomText(next, 24),
      cookie: {
        name: next() % 2 === 0 ? 'c' : randomText(next, 6),
        value: randomText(next, 16),
        path: randomText(next, 10),
        domain: next() % 4 === 0 ? randomText(next, 10) : '',
      },
      location: next() % 3 === 0 ? randomText(next, 24) : null,
    });
  }
  return out;
}

const cases = makeCases();

function fuzzMux(): ServeMux {
  const mux = new ServeMux();
  mux.handleFunc('GET /f/{i}', (w: ResponseWriter, r: Request) => {
    const c = cases[Number(r.pathValue('i'))];
    const h = w.header();
    h.set('Link', c.hint);
    w.writeHeader(103);
    h.del('Link');
    for (const [k, v] of c.fields) h.add(k, v);
    setCookie(w, c.cookie);
    if (c.location !== null) {
      redirect(w, r, c.location, 302);
      return;
    }
    h.set('Trailer', 'X-T');
    w.write('body');
    h.set('X-T', c.trailer);
  });
  return mux;
}

/** What Go's header writer makes of a value (RSP-13), or null when nethttp leaves the field out (control byte). */
function wire(v: string): string | null {
  if (/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(v)) return null;
  return bytesOf(v.replace(/[\r\n]/g, ' ')).toString('latin1').replace(/^[ \t]+|[ \t]+$/g, '');
}

/** Field names a case may produce (canonical, lower-cased) beyond the framing ones, and the values of its own. */
function expected(c: FuzzCase): { names: Set<string>; values: Map<string, string[]> } {
  const values = new Map<string, string[]>();
  for (const [k, v] of c.fields) {
    if (!isToken(k)) continue;
    const key = canonicalHeaderKey(k).toLowerCase();
    const w = wire(v);
    if (w !== null) values.set(key, [...(values.get(key) ?? []), w]);
  }
  const names = new Set([...values.keys(), 'set-cookie', 'location', 'content-type', 'content-length', 'date', 'connection', 'keep-alive',
    'transfer-encoding', 'trailer', 'x-powered-by']);
  return { names, values };
}

const TOKEN_LINE = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+): (.*)$/s;

interface Head {
  status: number;
  fields: [string, string][];
}

/**
 * Parses raw HTTP/1.1 responses strictly; throws on any line that is not framing or `token: value`, and on bytes
 * after the response. `headOnly`: `raw` is one head, without its body.
 */
function parseWire(raw: string, headOnly = false): { heads: Head[]; trailers: [string, string][] } {
  const heads: Head[] = [];
  let trailers: [string, string][] = [];
  let pos = 0;
  const lines = (block: string): string[] => {
    const ls = block.split('\r\n');
    for (const l of ls) if (/[\r\n\0]/.test(l)) throw new Error(`a bare CR, LF or NUL on the wire: ${JSON.stringify(l)}`);
    return ls;
  };
  const field = (l: string): [string, string] => {
    const m = TOKEN_LINE.exec(l);
    if (m === null) throw new Error(`not a field line: ${JSON.stringify(l)}`);
    return [m[1].toLowerCase(), m[2]];
  };
  for (;;) {
    const end = raw.indexOf('\r\n\r\n', pos);
    if (end === -1) throw new Error('head without its end');
    const [statusLine, ...rest] = lines(raw.slice(pos, end));
    const sm = /^HTTP\/1\.1 (\d{3}) [^\r\n]*$/.exec(statusLine);
    if (sm === null) throw new Error(`bad status line ${JSON.stringify(statusLine)}`);
    const head: Head = { status: Number(sm[1]), fields: rest.map(field) };
    heads.push(head);
    pos = end + 4;
    if (head.status < 200) continue;
    if (headOnly) break;
    const get = (k: string): string | undefined => head.fields.find(([n]) => n === k)?.[1];
    if (get('transfer-encoding') === 'chunked') {
      for (;;) {
        const le = raw.indexOf('\r\n', pos);
        const size = parseInt(raw.slice(pos, le), 16);
        pos = le + 2;
        if (size === 0) break;
        pos += size + 2;
      }
      const te = raw.indexOf('\r\n\r\n', pos - 2);
      const block = raw.slice(pos, te);
      trailers = block === '' ? [] : lines(block).map(field);
      pos = te + 4;
    } else {
      pos += Number(get('content-length') ?? '0');
    }
    break;
  }
  if (pos !== raw.length) throw new Error(`bytes after the response: ${JSON.stringify(raw.slice(pos, pos + 80))}`);
  return { heads, trailers };
}

function rawGet(port: number, target: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(`GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`));
    const parts: Buffer[] = [];
    s.on('data', (d: Buffer) => parts.push(d));
    s.on('end', () => resolve(Buffer.concat(parts).toString('latin1')));
    s.on('error', reject);
  });
}

/** Checks one answer, given as fields (lower-case names, values one character per byte). */
function check(c: FuzzCase, heads: Head[], trailers: [string, string][], oneXX: boolean, jsTrimmedTrailers = false): void {
  const { names, values } = expected(c);
  const final = heads[heads.length - 1];
  expect(final.status).toBe(c.location === null ? 200 : 302);
  if (oneXX) {
    expect(heads.map((h) => h.status)).toEqual([103, final.status]);
    const link = wire(c.hint);
    expect(heads[0].fields.filter(([k]) => k !== 'date' && k !== 'x-powered-by')).toEqual(link === null ? [] : [['link', link]]);
  }
  for (const [k, v] of final.fields) {
    expect([k, names.has(k)]).toEqual([k, true]);
    expect(v).not.toMatch(/[\r\n\0]/);
  }
  for (const [k, vs] of values) {
    if (k === 'content-type' || k === 'location' || k === 'set-cookie' || k === 'trailer') continue;
    expect([k, final.fields.filter(([n]) => n === k).map(([, v]) => v)]).toEqual([k, vs]);
  }
  expect(final.fields.filter(([k]) => k === 'set-cookie').length).toBeLessThanOrEqual(1 + (values.get('set-cookie')?.length ?? 0));
  if (c.location !== null) {
    const loc = final.fields.filter(([k]) => k === 'location').map(([, v]) => v);
    expect(loc.length).toBeLessThanOrEqual(1);
    for (const l of loc) expect(l).toMatch(/^[\t\x20-\x7e]*$/); // hex-escaped (RSP-106), spaces for CR and LF
  } else {
    const t = wire(c.trailer);
    // light-my-request hands trailers out trimmed by String#trim, which also takes U+00A0 (the byte 0xA0 here).
    expect(trailers).toEqual(t === null ? [] : [['x-t', jsTrimmedTrailers ? t.trim() : t]]);
  }
}

const log = quietLog();
let stderr: jest.SpyInstance;
beforeAll(() => {
  // Go's cookie code logs every dropped byte to stderr (as Go does); thousands of lines here.
  stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterAll(() => stderr.mockRestore());

describe.each([
  ['native', async () => {
    const ts = await newServer(fuzzMux(), { errorLog: log });
    return { port: ts.listener.addr().port, close: () => ts.close() };
  }],
  ['requestListener', async () => listenNode(http.createServer(requestListener(fuzzMux(), { errorLog: log }) as http.RequestListener))],
  ['express', async () => {
    const app = express5();
    app.use(middleware(fuzzMux(), { errorLog: log }) as never);
    return listenNode(http.createServer(app as unknown as http.RequestListener));
  }],
] as const)('%s: the raw wire', (_name, start) => {
  test(`${CASES} seeded cases (seed ${SEED})`, async () => {
    const s = await start();
    try {
      for (let i = 0; i < cases.length; i++) {
        const raw = await rawGet(s.port, `/f/${i}`);
        let parsed;
        try {
          parsed = parseWire(raw);
        } catch (e) {
          throw new Error(`case ${i}: ${(e as Error).message}\n${JSON.stringify(raw)}`);
        }
        check(cases[i], parsed.heads, parsed.trailers, true);
      }
      // Still serving.
      expect(parseWire(await rawGet(s.port, '/f/0')).heads.length).toBeGreaterThan(0);
    } finally {
      await s.close();
    }
  }, 120_000);
});

function listenNode(server: http.Server): Promise<{ port: number; close(): Promise<void> }> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: (server.address() as net.AddressInfo).port,
        close: () => new Promise<void>((r) => server.close(() => r())),
      }),
    ),
  );
}

const asFields = (h: Record<string, unknown>): [string, string][] =>
  Object.entries(h).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k.toLowerCase(), String(x)] as [string, string]) : [[k.toLowerCase(), String(v)] as [string, string]]));

test('inject: the head node:http built has no extra line, values as on the wire', async () => {
  for (let i = 0; i < cases.length; i++) {
    const res = await inject(fuzzMux(), { method: 'GET', url: `/f/${i}` }, { errorLog: log });
    // The head node:http serialised for the fake socket: checked as raw lines like the wire.
    const head = (res.raw.res as unknown as { _header: string })._header;
    const { heads } = parseWire(head, true);
    check(cases[i], heads, Object.entries(res.trailers).map(([k, v]) => [k, String(v)]), false, true);
    expect(asFields(res.headers).every(([, v]) => !/[\r\n\0]/.test(v))).toBe(true);
  }
});

test('recorder: the recorded head holds the same fields and values', async () => {
  for (let i = 0; i < cases.length; i++) {
    const rec = newRecorder();
    // Go's recorder takes the first status as final, a 1xx too: the 103 of the fuzz handler is left out here.
    const w: ResponseWriter = {
      header: () => rec.header(),
      write: (d) => rec.write(d),
      writeHeader: (code) => (code >= 100 && code <= 199 ? undefined : rec.writeHeader(code)),
      drained: () => rec.drained(),
    };
    await fuzzMux().serveHTTP(w, newRequest('GET', `/f/${i}`));
    const res = rec.result();
    const fields = (h: Iterable<[string, string[]]>): [string, string][] =>
      [...h].flatMap(([k, vs]) => vs.map((v) => [k.toLowerCase(), bytesOf(v).toString('latin1')] as [string, string]));
    const heads: Head[] = [{ status: res.statusCode, fields: fields(res.header) }];
    check(cases[i], heads, fields(res.trailer ?? []), false);
  }
});

test('native over HTTP/2: header lists carry the same values, no stream is reset', async () => {
  const c = await nativeH2Carrier(fuzzMux(), log);
  try {
    for (let i = 0; i < cases.length; i++) {
      const res = await c.send({ method: 'GET', path: `/f/${i}` });
      expect([i, res.aborted ?? false]).toEqual([i, false]);
      const final: Head = { status: res.status, fields: asFields(res.headers).filter(([k]) => !k.startsWith(':')) };
      const infos = (res.informational ?? []).map((x) => ({ status: x.status, fields: asFields(x.headers).filter(([k]) => !k.startsWith(':')) }));
      check(cases[i], [...infos, final], asFields(res.trailers), true);
    }
  } finally {
    await c.close();
  }
});

test('what the carriers logged is only the dropped fields (no panic, no other error)', () => {
  const other = log.lines.filter((l) => !/^http: dropped header field [!#$%&'*+\-.^_`|~0-9A-Za-z]+: its value holds the control byte 0x[0-9a-f]{2}$/.test(l));
  expect(other).toEqual([]);
  expect(log.lines.length).toBeGreaterThan(0);
});
