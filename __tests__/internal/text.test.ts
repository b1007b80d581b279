/**
 * The text rule (src/internal/text.ts): UTF-8 with stray bytes as U+DC80–U+DCFF, lossless both ways.
 */

import { execFileSync } from 'node:child_process';
import * as net from 'node:net';
import * as api from '../../src/index';
import {
  ServeMux, parse, parseMediaType, parseQuery, parseRequestURI, pathEscape, pathUnescape, queryEscape, queryUnescape, stripPrefix,
  type Request, type ResponseWriter,
} from '../../src/index';
import { binaryOf, byteLengthOf, bytesOf, isWellFormed, textOf, textOfBytes } from '../../src/internal/text';
import { newServer } from '../../adapters/httptest';
import { xorshift32 } from '../fuzz/xorshift';

describe('text', () => {
  test('valid UTF-8 decodes as UTF-8, stray bytes as U+DC80–U+DCFF', () => {
    expect(textOfBytes(Buffer.from('héllo wörld ☃ 😀'))).toBe('héllo wörld ☃ 😀');
    expect(textOfBytes(Buffer.from([0x61, 0xff, 0x62]))).toBe('a\udcffb');
    // A cut sequence, an overlong, an encoded surrogate, past U+10FFFF: each byte stands alone.
    expect(textOfBytes(Buffer.from([0xe2, 0x82]))).toBe('\udce2\udc82');
    expect(textOfBytes(Buffer.from([0xe2, 0x82, 0x41]))).toBe('\udce2\udc82A');
    expect(textOfBytes(Buffer.from([0xc0, 0xaf]))).toBe('\udcc0\udcaf');
    expect(textOfBytes(Buffer.from([0xed, 0xa0, 0x80]))).toBe('\udced\udca0\udc80');
    expect(textOfBytes(Buffer.from([0xf4, 0x90, 0x80, 0x80]))).toBe('\udcf4\udc90\udc80\udc80');
    expect(textOfBytes(Buffer.from([0xf0, 0x9f, 0x98, 0x80, 0xff]))).toBe('😀\udcff');
  });

  test('encoding: UTF-8, U+DC80–U+DCFF as one byte, other lone surrogates as U+FFFD', () => {
    expect(bytesOf('€')).toEqual(Buffer.from([0xe2, 0x82, 0xac]));
    expect(bytesOf('a\udcffb')).toEqual(Buffer.from([0x61, 0xff, 0x62]));
    expect(bytesOf('\ud800')).toEqual(Buffer.from([0xef, 0xbf, 0xbd]));
    expect(bytesOf('\udc7f')).toEqual(Buffer.from([0xef, 0xbf, 0xbd]));
    expect(bytesOf('\ud83d\ude00\udc80')).toEqual(Buffer.from([0xf0, 0x9f, 0x98, 0x80, 0x80]));
    expect(byteLengthOf('a\udcffé')).toBe(4);
    expect(binaryOf('café')).toBe('caf\xc3\xa9');
    expect(textOf('caf\xc3\xa9')).toBe('café');
  });

  test('ASCII is returned as is', () => {
    const s = 'GET /index.html?x=1';
    expect(textOf(s)).toBe(s);
    expect(binaryOf(s)).toBe(s);
  });

  test('one character ≥ 0x80 anywhere in a long ASCII string (a slice of a longer one, as a path is) is converted', () => {
    // From 16 characters the all-ASCII answer comes from a regular expression, below it from a loop: both sides.
    for (const len of [15, 16, 17, 41, 70]) {
      for (let at = 0; at < len; at++) {
        const ascii = 'x'.repeat(at) + '\u00e9' + 'y'.repeat(len - at - 1);
        const sliced = ('GET ' + ascii + ' HTTP/1.1').slice(4, 4 + len);
        expect(binaryOf(sliced)).toBe('x'.repeat(at) + '\u00c3\u00a9' + 'y'.repeat(len - at - 1));
        const bin = 'x'.repeat(at) + '\u00c3\u00a9' + 'y'.repeat(len - at - 1);
        expect(textOf(('GET ' + bin + ' HTTP/1.1').slice(4, 5 + len))).toBe(ascii);
      }
    }
  });

  test('bytes → text → bytes is the identity (seeded random bytes)', () => {
    const next = xorshift32(13);
    const bad: string[] = [];
    for (let n = 0; n < 5000; n++) {
      const len = next() % 24;
      const b = Buffer.alloc(len);
      // Bias towards the bytes of multi-byte sequences.
      for (let i = 0; i < len; i++) b[i] = next() % 3 === 0 ? next() & 0x7f : 0x80 + (next() % 0x80);
      const t = textOfBytes(b);
      if (!bytesOf(t).equals(b) || textOf(b.toString('latin1')) !== t || binaryOf(t) !== b.toString('latin1')) bad.push(b.toString('hex'));
    }
    expect(bad).toEqual([]);
  });

  test('long strings (the native path) agree with short ones (the JavaScript path)', () => {
    const next = xorshift32(29);
    const bad: string[] = [];
    for (let n = 0; n < 300; n++) {
      const b = Buffer.alloc(65 + (next() % 400));
      for (let i = 0; i < b.length; i++) b[i] = next() % 2 === 0 ? next() & 0x7f : 0x80 + (next() % 0x80);
      const t = textOfBytes(b);
      const pieces = [...t.matchAll(/[\s\S]{1,20}/g)].map((m) => m[0]);
      if (!bytesOf(t).equals(b) || textOf(b.toString('latin1')) !== t || binaryOf(t) !== b.toString('latin1')) bad.push(b.toString('hex'));
      // Pieces short enough for the JavaScript path encode to the same bytes (a piece may split a surrogate pair).
      if (pieces.every(isWellFormed) && pieces.map(binaryOf).join('') !== b.toString('latin1')) bad.push('pieces ' + b.toString('hex'));
    }
    expect(bad).toEqual([]);
  });

  const python = (() => {
    try {
      execFileSync('python3', ['-c', 'pass']);
      return true;
    } catch {
      return false;
    }
  })();
  (python ? test : test.skip)("decoding equals Python's surrogateescape (when python3 is present)", () => {
    const next = xorshift32(7);
    const samples: Buffer[] = [];
    for (let n = 0; n < 300; n++) {
      const b = Buffer.alloc(next() % 16);
      for (let i = 0; i < b.length; i++) b[i] = next() & 0xff;
      samples.push(b);
    }
    const script =
      'import sys,json\nfor l in sys.stdin.read().split():\n' +
      "  print(json.dumps([ord(c) for c in bytes.fromhex(l).decode('utf-8','surrogateescape')]))";
    const out = execFileSync('python3', ['-c', script], { input: samples.map((b) => b.toString('hex') || '00').join('\n') }).toString().trim().split('\n');
    samples.forEach((b, i) => {
      const want = b.length === 0 ? [0] : (JSON.parse(out[i]) as number[]);
      const got = textOfBytes(b.length === 0 ? Buffer.from([0]) : b);
      expect([...got].flatMap((c) => (c.length === 2 ? [c.codePointAt(0)!] : [c.charCodeAt(0)]))).toEqual(want);
    });
  });
});

describe('the rule at the boundaries', () => {
  /** One request on the native server, raw bytes (latin1) both ways; Connection: close ends the answer. */
  async function native(mux: ServeMux, request: string): Promise<string> {
    const ts = await newServer(mux);
    try {
      return await new Promise<string>((resolve) => {
        const s = net.connect(ts.listener.addr().port, '127.0.0.1', () => s.write(request, 'latin1'));
        const parts: Buffer[] = [];
        s.on('data', (d: Buffer) => parts.push(d));
        s.on('close', () => resolve(Buffer.concat(parts).toString('latin1')));
      });
    } finally {
      await ts.close();
    }
  }
  const bodyOf = (res: string): string => res.slice(res.indexOf('\r\n\r\n') + 4);

  test('native reader: raw UTF-8 and stray bytes in the target and in header values are text; written back as the same bytes', async () => {
    const mux = new ServeMux();
    mux.handleFunc('GET /t/{x}', (w, r) => {
      w.header().set('X-Back', r.header.get('X-In'));
      w.write([r.pathValue('x'), r.url.path, r.requestURI, r.url.query().get('q'), r.header.get('X-In')].map((s) => JSON.stringify(s)).join(' '));
    });
    const res = await native(mux, 'GET /t/caf\xc3\xa9\xff?q=\xe2\x82\xac HTTP/1.1\r\nHost: x\r\nX-In: Jos\xc3\xa9 \xe9t\xe9\r\nConnection: close\r\n\r\n');
    expect(res).toContain('\r\nX-Back: Jos\xc3\xa9 \xe9t\xe9\r\n');
    // JSON.stringify shows lone surrogates as \udcXX; the rest is UTF-8 on the wire.
    expect(Buffer.from(bodyOf(res), 'latin1').toString()).toBe(
      '"café\\udcff" "/t/café\\udcff" "/t/café\\udcff?q=€" "€" "José \\udce9t\\udce9"',
    );
  });

  test('a Host with a byte ≥ 0x80 is refused as Go refuses it (400 malformed Host header)', async () => {
    const mux = new ServeMux();
    mux.handleFunc('/', (w) => void w.write('no'));
    for (const host of ['caf\xc3\xa9', '\xe2\x82\xac', '\xff']) {
      const res = await native(mux, `GET / HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
      expect(res.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request: malformed Host header');
    }
  });

  test('setPathValue and write: text set by a handler goes out as its bytes, lone U+DC80–U+DCFF as single bytes', async () => {
    const mux = new ServeMux();
    mux.handleFunc('GET /{x}', (w, r) => {
      r.setPathValue('x', r.pathValue('x') + '\udcfe☃');
      w.write(r.pathValue('x'));
    });
    const res = await native(mux, 'GET /%FF HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(Buffer.from(bodyOf(res), 'latin1')).toEqual(Buffer.from([0xff, 0xfe, 0xe2, 0x98, 0x83]));
  });

  test('URL and Values: escapes are decoded on bytes, escaping encodes text to the same bytes', () => {
    expect(parse('/caf%C3%A9/%FF?q=1').path).toBe('/café/\udcff');
    expect(parse('/caf%C3%A9/%FF').escapedPath()).toBe('/caf%C3%A9/%FF');
    expect(parseRequestURI('/a%C3').path + parseRequestURI('/%A9').path).toBe('/a\udcc3/\udca9');
    expect(pathUnescape('%C3%A9%e2%82%ac')).toBe('é€');
    expect(pathEscape('é/€ \udcff')).toBe('%C3%A9%2F%E2%82%AC%20%FF');
    expect(queryEscape('日本 語')).toBe('%E6%97%A5%E6%9C%AC+%E8%AA%9E');
    expect(queryUnescape('%E6%97%A5+%FF')).toBe('日 \udcff');
    const v = parseQuery('k%C3%A9=v%C3%A9&raw=é').values;
    expect([v.get('ké'), v.get('raw')]).toEqual(['vé', 'é']);
    expect(v.encode()).toBe('k%C3%A9=v%C3%A9&raw=%C3%A9');
  });

  test('patterns and stripPrefix compare bytes: `/café` matches `/caf%C3%A9`, a prefix may end inside a character', async () => {
    const mux = new ServeMux();
    mux.handleFunc('GET /café/{x}', (w, r) => void w.write(r.pathValue('x')));
    mux.handle('/p/', stripPrefix('/p/\udcc3', (w: ResponseWriter, r: Request) => void w.write(r.url.path)));
    expect(bodyOf(await native(mux, 'GET /caf%C3%A9/%C3%BC HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'))).toBe('\xc3\xbc');
    expect(bodyOf(await native(mux, 'GET /p/%C3%A9 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'))).toBe('\xa9');
  });

  test('media types: RFC 2231 values are decoded on bytes, across escapes and continuation pieces', () => {
    const d = parseMediaType("form-data; name=\"f\"; filename*0*=UTF-8''caf%C3; filename*1*=%A9%20; filename*2=x.txt");
    expect(d.params.get('filename')).toBe('café x.txt');
    expect(parseMediaType("attachment; filename*=utf-8''%E2%82%AC%FF").params.get('filename')).toBe('€\udcff');
    expect(parseMediaType('attachment; filename="Jos\u00e9.txt"').params.get('filename')).toBe('José.txt');
  });

  test('utf8() is gone from the API; bytesOf is there', () => {
    expect((api as Record<string, unknown>).utf8).toBeUndefined();
    expect(api.bytesOf('é')).toEqual(Buffer.from('é'));
  });
});
