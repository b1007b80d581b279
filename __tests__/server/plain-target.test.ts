/**
 * The reader's plain-target flag (textproto.ts, RequestHead.plainTarget) lets the target parser skip its own check
 * of the common form: whenever the flag is set, the URL made without the check must be the one made with it.
 */
import { parseHead } from '../../src/internal/textproto';
import { parseRequestTarget } from '../../src/request/url';
import { textOf } from '../../src/internal/text';
import { xorshift32 } from '../fuzz/xorshift';

const ALPHABET = ['/', 'a', 'Z', '9', '-', '.', '_', '~', '$', '&', '+', ',', ':', ';', '=', '@', '?', '%', '2', 'F', '#', '[', '"', '\\', '\x7f', '\x01', '\t', '\xc3', '\xa9', '\xff', '*', '!', "'", '(', '^', '`', '{', '|', '}'];

function head(target: string): Buffer {
  return Buffer.from(`GET ${target} HTTP/1.1\r\nHost: x\r\n\r\n`, 'latin1');
}

describe('the plain-target flag', () => {
  test('common targets are flagged, others are not', () => {
    const flag = (t: string): boolean | undefined => parseHead(head(t), 0, head(t).length)?.plainTarget;
    expect(flag('/')).toBe(true);
    expect(flag('/repos/a-b/c_d.e~f?page=2&per_page=30')).toBe(true);
    expect(flag('/a?')).toBe(true);
    expect(flag('/a?b?c=%zz#x')).toBe(true);
    expect(flag('/a%20b')).toBe(false);
    expect(flag('/caf\xc3\xa9')).toBe(false);
    expect(flag('/a?q=\xc3\xa9')).toBe(false);
    expect(flag('/a"b')).toBe(false);
    expect(flag('*')).toBe(false);
    expect(flag('http://h/a')).toBe(false);
  });

  test('a flagged target parses to the same URL without the parser\'s own check (random targets)', () => {
    const rnd = xorshift32(0x5eed18);
    let flagged = 0;
    for (let n = 0; n < 20000; n++) {
      let t = rnd() % 4 === 0 ? '' : '/';
      const len = rnd() % 24;
      for (let i = 0; i < len; i++) t += ALPHABET[rnd() % ALPHABET.length];
      const buf = head(t);
      const h = parseHead(buf, 0, buf.length);
      if (h === null || !h.plainTarget) continue;
      flagged++;
      expect(h.target).toBe(textOf(h.target));
      const checked = parseRequestTarget('GET', textOf(h.target));
      expect(checked).not.toBeNull();
      expect(parseRequestTarget('GET', h.target, true)).toEqual(checked);
    }
    expect(flagged).toBeGreaterThan(1000);
  });
});
