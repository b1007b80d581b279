/**
 * Re-records __tests__/text.golden.json from Go 1.23 (the oracle in __tests__/text-oracle/): each request of
 * `textCases()` sent to Go's server, its answer kept as node:http's client reads it (header values and bodies one
 * character per byte, so the JSON holds Go's exact bytes).
 *
 *   npx jest --testMatch '<rootDir>/__tests__/text.record.ts'
 *
 * needs Go 1.23: the `go` on PATH, or the binary named by the GO environment variable. Not part of `npm test`.
 */

import * as fsn from 'node:fs';
import * as path from 'node:path';
import type { TextGolden } from './adapters/text-matrix.test';
import { httpSend, type Req } from './adapters/carriers';
import { buildOracle, startOracle } from './go-oracle';

/** UTF-8 bytes of text, one character per byte (how node:http's client takes header values). */
const b = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');
const basic = (bytes: Buffer): string => 'Basic ' + bytes.toString('base64');

/** The table: [id, request]. Bodies and header values are bytes, one character per byte. */
function textCases(): Array<[string, Req]> {
  const mp = (parts: string[]): string => parts.join('\r\n');
  const multipart = b(
    mp([
      '--XyZ',
      'Content-Disposition: form-data; name="f"',
      '',
      'José',
      '--XyZ',
      'Content-Disposition: form-data; name="naïve"',
      '',
      '日本',
      '--XyZ',
      'Content-Disposition: form-data; name="up"; filename="ünï ☃.txt"',
      'Content-Type: text/plain',
      '',
      'file body',
      '--XyZ',
      "Content-Disposition: form-data; name=\"up2\"; filename*=UTF-8''%E2%82%AC%20r%C3%A9sum%C3%A9.txt",
      '',
      'x',
      '--XyZ',
      'Content-Disposition: form-data; name="raw"',
      '',
      '',
    ]),
  ) + '\xff\xfe\r\n--XyZ--\r\n';
  return [
    ['path-value-utf8', { method: 'GET', path: '/echo/w%C3%B6rld?q=caf%C3%A9', headers: { 'X-In': b('José') } }],
    ['path-value-not-utf8', { method: 'GET', path: '/echo/%FF%FEx?q=%FF', headers: { 'X-In': '\xe9t\xe9 latin1' } }],
    ['path-value-emoji', { method: 'GET', path: '/echo/%F0%9F%98%80?q=%E2%82%AC', headers: { 'X-In': b('€ 日本') } }],
    ['path-value-split-sequence', { method: 'GET', path: '/echo/%C3?q=%A9' }],
    ['header-crlf-and-aliases', { method: 'GET', path: '/echo/a%0D%0Ab?q=a%C4%8D%C4%8ASet-Cookie:%20injected=1' }],
    ['header-forged-response', { method: 'GET', path: '/echo/x?q=%C4%8A%C4%8AHTTP/1.1%20200%20OK' }],
    ['pattern-non-ascii', { method: 'GET', path: '/caf%C3%A9/%C3%BC' }],
    ['pattern-non-ascii-miss', { method: 'GET', path: '/cafe/x' }],
    ['strip-prefix-non-ascii', { method: 'GET', path: '/%C3%BC/x%C3%A9' }],
    [
      'form-urlencoded',
      {
        method: 'POST',
        path: '/form?q=%E2%82%AC',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'f=caf%C3%A9&g=%FF&%C3%A9=key&h=' + b('日本 raw') + '&plus=a+b',
      },
    ],
    ['form-multipart', { method: 'POST', path: '/form', headers: { 'Content-Type': 'multipart/form-data; boundary=XyZ' }, body: multipart }],
    ['cookie-in-and-out', { method: 'GET', path: '/cookie?v=caf%C3%A9&p=/Jos%C3%A9', headers: { Cookie: b('a=1; c=café; d=ok') } }],
    ['cookie-out-ascii', { method: 'GET', path: '/cookie?v=plain%20value&p=/x', headers: { Cookie: 'n=v' } }],
    ['redirect-absolute', { method: 'GET', path: '/redirect?to=/caf%C3%A9%3Fx%3D%C3%BC' }],
    ['redirect-relative', { method: 'GET', path: '/redirect?to=d%C3%A9j%C3%A0/' }],
    ['redirect-not-utf8', { method: 'GET', path: '/redirect?to=/%FF%20x' }],
    ['redirect-crlf', { method: 'GET', path: '/redirect?to=/a%0D%0ASet-Cookie:%20x=1' }],
    ['trailer', { method: 'GET', path: '/trailer?v=%E2%82%AC%20%C4%8A' }],
    ['trailer-crlf', { method: 'GET', path: '/trailer?v=a%0D%0AX-Evil:%201' }],
    ['early-hints', { method: 'GET', path: '/hints?v=%3C/caf%C3%A9.css%3E%3B%20rel=preload' }],
    ['header-euro', { method: 'GET', path: '/hdr?v=%E2%82%AC' }],
    ['header-nihon', { method: 'GET', path: '/hdr?v=%E6%97%A5%E6%9C%AC' }],
    ['header-u2028-u0085', { method: 'GET', path: '/hdr?v=a%E2%80%A8b%C2%85c' }],
    ['header-not-utf8', { method: 'GET', path: '/hdr?v=%FF%C3' }],
    ['basic-auth-utf8', { method: 'GET', path: '/auth', headers: { Authorization: basic(Buffer.from('José:pässwörd ☃')) } }],
    ['basic-auth-not-utf8', { method: 'GET', path: '/auth', headers: { Authorization: basic(Buffer.from([0x75, 0xff, 0x3a, 0xfe])) } }],
  ];
}

test('record the text table from Go', async () => {
  const go = await startOracle(buildOracle('text-oracle'), [], 'ignore');
  const out: TextGolden[] = [];
  try {
    for (const [id, req] of textCases()) {
      const body = req.body === undefined ? undefined : Buffer.from(req.body as string, 'latin1');
      const res = await httpSend(go.port, { ...req, body });
      const headers = { ...res.headers };
      delete headers.date;
      out.push({
        id,
        request: req as TextGolden['request'],
        status: res.status,
        headers,
        body: res.body.toString('latin1'),
        trailers: res.trailers,
        informational: res.informational ?? [],
      });
    }
  } finally {
    go.child.kill();
  }
  fsn.writeFileSync(path.join(__dirname, 'text.golden.json'), JSON.stringify(out, null, 1) + '\n');
}, 120_000);
