/** The head reader's shortcuts (src/internal/textproto.ts) must give exactly what the general path gives. */

import { canonicalHeaderKey } from '../../src/header';
import { findHeadEnd, findHeadEndIn, latin1, parseHead } from '../../src/internal/textproto';
import { execFileSync } from 'node:child_process';
import { xorshift32 } from '../fuzz/xorshift';

function head(s: string) {
  const buf = Buffer.from(s, 'latin1');
  return parseHead(buf, 0, buf.length);
}

// Field names in the reader's table of common keys, and some that are not.
const names = [
  'Host', 'User-Agent', 'Accept', 'Accept-Encoding', 'Accept-Language', 'Connection', 'Content-Length', 'Content-Type',
  'Cookie', 'Referer', 'Origin', 'Authorization', 'Cache-Control', 'Pragma', 'Upgrade', 'Transfer-Encoding', 'Expect',
  'If-None-Match', 'If-Modified-Since', 'X-Forwarded-For', 'X-Request-Id', 'Sec-Fetch-Mode', 'Sec-Fetch-Site',
  'Sec-Fetch-Dest', 'Upgrade-Insecure-Requests', 'Keep-Alive', 'Range', 'X-Custom', 'Hostx', 'Accept-Charset',
];

const spellings = (n: string): string[] => [n, n.toLowerCase(), n.toUpperCase(), n.replace(/[a-z]/gi, (c, i: number) => (i % 2 ? c.toUpperCase() : c.toLowerCase()))];

test('REQ-32, REQ-40: every spelling of a field name is stored under its canonical key; Host goes aside (REQ-21)', () => {
  for (const n of names) {
    for (const k of spellings(n)) {
      const h = head(`GET / HTTP/1.1\r\nHost: h\r\n${k}: v\r\n\r\n`);
      expect(h).not.toBeNull();
      const key = canonicalHeaderKey(k);
      if (key === 'Host') {
        expect(h!.hosts).toEqual(['h', 'v']);
        expect(h!.header.size).toBe(0);
      } else {
        expect(h!.hosts).toEqual(['h']);
        expect([...h!.header.keys()]).toEqual([key]);
        expect(h!.header.getRaw(key)).toEqual(['v']);
      }
    }
  }
});

test('REQ-1: methods are case-sensitive tokens; HTTP/1.1 and other versions parse alike', () => {
  for (const m of ['GET', 'get', 'Get', 'POST', 'PROPFIND', 'DELETE', 'DELETEX', 'OPTIONS']) {
    expect(head(`${m} / HTTP/1.1\r\nHost: h\r\n\r\n`)!.method).toBe(m);
  }
  const v10 = head('GET / HTTP/1.0\r\n\r\n')!;
  expect([v10.proto, v10.protoMajor, v10.protoMinor]).toEqual(['HTTP/1.0', 1, 0]);
  const v11 = head('GET / HTTP/1.1\r\nHost: h\r\n\r\n')!;
  expect([v11.proto, v11.protoMajor, v11.protoMinor]).toEqual(['HTTP/1.1', 1, 1]);
  expect(head('GET / http/1.1\r\nHost: h\r\n\r\n')).toBeNull();
  expect(head('GET / HTTP/1.11\r\nHost: h\r\n\r\n')).toBeNull();
});

test('SRV-67: a field name with a space is kept raw and flagged for the server to refuse', () => {
  const h = head('GET / HTTP/1.1\r\nHost: h\r\nBad Name: v\r\n\r\n')!;
  expect(h.badName).toBe(true);
  expect(h.header.getRaw('Bad Name')).toEqual(['v']);
  expect(head('GET / HTTP/1.1\r\nHost: h\r\nGood-Name: v\r\n\r\n')!.badName).toBe(false);
});

// A value kept by the application must not keep its whole head alive (V8 makes long slices views of their parent).
// Measured in a child with --expose-gc: 200 heads of 60 KB, one 30-character value of each kept. As views they would
// hold 12 MB; copied out, a few KB.
test('a value kept from a long head does not keep the head in memory', () => {
  const mod = require.resolve('../../dist/src/internal/textproto.js');
  const script = `
    const { parseHead } = require(${JSON.stringify(mod)});
    const keep = [];
    global.gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 200; i++) {
      const buf = Buffer.from('GET /' + i + ' HTTP/1.1\\r\\nX-Pad: ' + 'p'.repeat(60000) + '\\r\\nX-Key: key-' + (100000 + i) + '-abcdefghijklmnopq\\r\\n\\r\\n', 'latin1');
      const h = parseHead(buf, 0, buf.length);
      keep.push(h.fields[h.fields.indexOf('X-Key') + 1], h.target);
    }
    global.gc();
    process.stdout.write(String(process.memoryUsage().heapUsed - before) + ' ' + keep[0]);
  `;
  const out = execFileSync(process.execPath, ['--expose-gc', '-e', script], { encoding: 'utf8' });
  const [grown, first] = out.split(' ');
  expect(first).toBe('key-100000-abcdefghijklmnopq');
  expect(Number(grown)).toBeLessThan(2 * 1024 * 1024);
});

test('a short head still parses to the same strings (its values are slices of one decoded text)', () => {
  const h = head('GET /a/b?c=d HTTP/1.1\r\nHost: x\r\nX-Long-Field-Name: a value longer than thirteen\r\n\r\n')!;
  expect(h.target).toBe('/a/b?c=d');
  expect(h.fields).toEqual(['X-Long-Field-Name', 'a value longer than thirteen']);
});

test('parseHead right after findHeadEnd (taking the line ends it noted) gives what a parse of its own gives', () => {
  const next = xorshift32(0x1234567);
  const rand = (n: number): number => next() % n;
  const bits = ['Host: h', 'X-A: 1', 'x-b:  two ', 'Content-Length: 3', ' folded', '\tfold', 'Bad Name: v', 'v:\x01', 'Cookie: c=1;d=2', ''];
  const ends = ['\r\n', '\n', '\r\r\n'];
  const show = (h: ReturnType<typeof parseHead>): string =>
    h === null ? 'null' : JSON.stringify([h.method, h.target, h.proto, h.fields, h.hosts, h.special, h.badName, h.plainTarget]);
  for (let n = 0; n < 3000; n++) {
    let s = ['GET /a?b=c HTTP/1.1', 'POST /x HTTP/1.0', 'PUT  /y HTTP/1.1', 'GET / HTTP/1.1'][rand(4)] + ends[rand(3)];
    // Up to 80 lines: more than the noted line ends hold (64), so that the walk takes over too.
    const lines = rand(5) === 0 ? 40 + rand(40) : rand(6);
    for (let i = 0; i < lines; i++) s += bits[rand(bits.length - 1)] + ends[rand(3)];
    s += ends[rand(2)] + 'body';
    // At an offset in a larger buffer, as the connection's buffer holds it.
    const buf = Buffer.from('xx' + s, 'latin1');
    const end = findHeadEnd(buf, 2, buf.length, 2);
    if (end === -1) continue;
    const noted = show(parseHead(buf, 2, end));
    const copy = Buffer.from(buf);
    expect(noted).toBe(show(parseHead(copy, 2, end)));
  }
});

test('findHeadEndIn on the decoded input finds the end findHeadEnd finds, and parseHead on that text parses alike', () => {
  const next = xorshift32(0x2468ace);
  const rand = (n: number): number => next() % n;
  const alphabet = ['\r', '\n', '\r\n', ' ', ':', 'a', 'Host: h', 'GET / HTTP/1.1', 'X: y', '\t', '\xff', 'é'];
  const show = (h: ReturnType<typeof parseHead>): string =>
    h === null ? 'null' : JSON.stringify([h.method, h.target, h.proto, h.fields, h.hosts, h.special, h.badName, h.plainTarget]);
  for (let n = 0; n < 20000; n++) {
    let s = n % 2 === 0 ? 'GET /p HTTP/1.1\r\n' : '';
    const k = rand(12);
    for (let i = 0; i < k; i++) s += alphabet[rand(alphabet.length)];
    if (rand(2) === 0) s += '\r\n\r\n' + 'tail';
    const buf = Buffer.from(s, 'latin1');
    // Sometimes only part of what arrived is to be scanned (the header limit).
    const end = rand(4) === 0 ? rand(buf.length + 1) : buf.length;
    const text = latin1(buf, 0, buf.length);
    const want = findHeadEnd(Buffer.from(buf), 0, end, 0);
    const got = findHeadEndIn(text, buf, 0, end);
    expect([s, got]).toEqual([s, want]);
    if (got !== -1) expect(show(parseHead(buf, 0, got, text))).toBe(show(parseHead(Buffer.from(buf), 0, got)));
  }
});
