/** The head reader's shortcuts (src/internal/textproto.ts) must give exactly what the general path gives. */

import { canonicalHeaderKey } from '../../src/header';
import { parseHead } from '../../src/internal/textproto';

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
