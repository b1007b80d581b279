/**
 * fetchToRequest reads the target from the platform's serialized URL in one pass, recognising the last origin in
 * place and flagging the common origin-form target so that the target parser skips its own check: whatever the URL,
 * the Request must be the one the checked parse makes.
 */
import { fetchToRequest } from '../../src/carriers/fetch-request';
import { parseRequestTarget } from '../../src/request/url';
import { xorshift32 } from '../fuzz/xorshift';

const ALPHABET = ['/', 'a', 'Z', '9', '-', '.', '_', '~', '$', '&', '+', ',', ':', ';', '=', '@', '?', '%', '2', 'F', '#', '[', ']', '"', '\\', '\x7f', '\x01', '\t', 'é', '*', '!', "'", '(', '^', '`', '{', '|', '}', ' '];

// The fields fetchToRequest reads of a fetch Request, with the URL as given (a platform's Request serializes it).
const fake = (url: string, method = 'GET'): globalThis.Request => ({ method, url, headers: new Headers() }) as unknown as globalThis.Request;

// The target as the URL's path and query, up to a fragment, taken the slow way.
function expectedTarget(url: string): string {
  const rest = url.slice(url.indexOf('://') + 3);
  const slash = rest.indexOf('/');
  if (slash === -1) return '/';
  const t = rest.slice(slash);
  const hash = t.indexOf('#');
  return hash === -1 ? t : t.slice(0, hash);
}

describe('fetchToRequest', () => {
  test('random URLs, as given and as the platform serializes them: the checked parse\'s URL, target and host', () => {
    const rnd = xorshift32(0xfe7c4);
    const origins = ['http://bench', 'https://example.com:8443', 'http://a', 'http://ab', 'http://[::1]:80'];
    let n = 0;
    for (let k = 0; k < 10000; k++) {
      let t = '/';
      const len = rnd() % 20;
      for (let i = 0; i < len; i++) t += ALPHABET[rnd() % ALPHABET.length];
      const origin = origins[rnd() % origins.length];
      // Half as a platform's Request makes it (WHATWG: escapes added, dot segments removed), half raw.
      let url = origin + t;
      if (rnd() % 2 === 0) {
        try {
          url = new Request(url).url;
        } catch {
          continue;
        }
      }
      const r = fetchToRequest(fake(url), '');
      const target = expectedTarget(url);
      const checked = parseRequestTarget('GET', target);
      if (checked === null) {
        expect(r).toBeNull();
        continue;
      }
      n++;
      expect(r).not.toBeNull();
      expect(r!.requestURI).toBe(target);
      expect(r!.url).toEqual(checked);
      expect(r!.host).toBe(url.slice(url.indexOf('://') + 3).split('/')[0]);
    }
    expect(n).toBeGreaterThan(5000);
  });

  test('the remembered origin is only taken when the URL has it up to the path', () => {
    expect(fetchToRequest(fake('http://a/x'), '')!.host).toBe('a');
    expect(fetchToRequest(fake('http://ab/y'), '')!.host).toBe('ab');
    expect(fetchToRequest(fake('http://a/z'), '')!.host).toBe('a');
    const r = fetchToRequest(fake('http://a'), '')!;
    expect([r.host, r.requestURI]).toEqual(['a', '/']);
    expect(fetchToRequest(fake('http://a:8080/q?x=1#f'), '')!.host).toBe('a:8080');
    expect(fetchToRequest(fake('http://a:8080/q?x=1#f'), '')!.requestURI).toBe('/q?x=1');
  });
});
