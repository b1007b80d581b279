/**
 * The text rule (src/internal/text.ts): UTF-8 with stray bytes as U+DC80–U+DCFF, lossless both ways.
 */

import { execFileSync } from 'node:child_process';
import { binaryOf, byteLengthOf, bytesOf, textOf, textOfBytes } from '../../src/internal/text';

/** A seeded xorshift generator, so a failure can be replayed. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

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

  test('bytes → text → bytes is the identity (seeded random bytes)', () => {
    const next = rng(13);
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

  const python = (() => {
    try {
      execFileSync('python3', ['-c', 'pass']);
      return true;
    } catch {
      return false;
    }
  })();
  (python ? test : test.skip)("decoding equals Python's surrogateescape (when python3 is present)", () => {
    const next = rng(7);
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
