/**
 * parseRequestTarget's one-pass parse of the common target (origin-form, a path that is its own default encoding,
 * an optional query) gives the URL the general parse (parseRequestURI, REQ-10…REQ-13) gives, and refuses what it
 * refuses (control bytes, REQ-5); its offsets into the target describe the same path and query.
 */

import fc from 'fast-check';
import { parseQuery, parseRequestTarget, parseRequestURI, type URL } from '../../src/request/url';

function fields(u: URL): object {
  return {
    scheme: u.scheme, opaque: u.opaque, user: u.user, host: u.host, path: u.path, rawPath: u.rawPath,
    forceQuery: u.forceQuery, rawQuery: u.rawQuery, escapedPath: u.escapedPath(), requestURI: u.requestURI(), string: u.string(),
  };
}

function general(target: string): object | null {
  if (/[\x00-\x1f\x7f]/.test(target)) return null;
  try {
    return fields(parseRequestURI(target));
  } catch {
    return null;
  }
}

// Bytes that exercise every branch: plain path bytes, bytes to escape, `%` escapes, dots, slashes, `?`, `#`,
// control bytes, non-ASCII text.
const piece = fc.constantFrom('/', '/', 'a', 'Z', '9', '-', '.', '..', '_', '~', '$', '&', '+', ',', ':', ';', '=', '@', '?', '??', '#', '!', '*', "'", '(', '%41', '%2F', '%zz', '%', ' ', '\t', '\x7f', '\x00', 'é', '\udc80', '[', '|', '"');
const target = fc.array(piece, { maxLength: 14 }).map((xs) => '/' + xs.join(''));

test('the fast parse agrees with the general parse', () => {
  fc.assert(
    fc.property(target, (t) => {
      const u = parseRequestTarget('GET', t);
      expect(u === null ? null : fields(u)).toEqual(general(t));
      if (u !== null && u.pathEnd >= 0) {
        // The offsets describe the path and query the URL holds.
        expect(u.src.slice(0, u.pathEnd)).toBe(u.path);
        expect(u.escapedFor).toBe(u.path);
        if (u.queryOf !== null) expect(u.src.slice(u.pathEnd + 1)).toBe(u.rawQuery);
      }
    }),
    { numRuns: 5000 },
  );
});

test('the fast parse takes the common target and leaves the rest to the general parse', () => {
  const u = parseRequestTarget('GET', '/repos/o1/r1/issues?page=2&per_page=30')!;
  expect(u.pathEnd).toBe('/repos/o1/r1/issues'.length);
  expect(u.path).toBe('/repos/o1/r1/issues');
  expect(u.rawQuery).toBe('page=2&per_page=30');
  expect(parseRequestTarget('GET', '/a/./b')!.pathEnd).toBe(6);
  expect(parseRequestTarget('GET', '/a?')!.forceQuery).toBe(true);
  expect(parseRequestTarget('GET', '/caf%C3%A9')!.pathEnd).toBe(-1);
  expect(parseRequestTarget('GET', '/a?b\x01')).toBeNull();
  // A path set later is not described by the offsets any more.
  u.setPath('/x');
  expect(u.pathEnd).toBe(-1);
});

test('query() read from the target agrees with parseQuery of rawQuery', () => {
  const q = fc.array(fc.constantFrom('a', 'b', '=', '&', '&&', '%41', '%', '+', ';', 'é', '?'), { maxLength: 12 }).map((xs) => xs.join(''));
  fc.assert(
    fc.property(q, (query) => {
      const u = parseRequestTarget('GET', '/p?' + query)!;
      expect(u.pathEnd).toBe(2);
      const want = parseQuery(query).values;
      // get and has before anything else is asked (the pairs the parse left), then everything.
      const got = u.query();
      for (const k of ['a', 'b', 'ab', '', 'A', 'a=b', 'a&b', '=', 'é']) expect([got.get(k), got.has(k)]).toEqual([want.get(k), want.has(k)]);
      expect([...got]).toEqual([...want]);
      expect(got.get('a')).toBe(want.get('a'));
      const more = u.query();
      more.add('a', 'x');
      expect(more.values('a')).toEqual([...want.values('a'), 'x']);
    }),
    { numRuns: 3000 },
  );
  // A query changed later is parsed as it now is.
  const u = parseRequestTarget('GET', '/p?a=1')!;
  u.rawQuery = 'b=2';
  expect([...u.query()]).toEqual([['b', ['2']]]);
});

test('parts a target leaves empty read as empty; set on one URL they stay on it, and clones copy them', () => {
  const a = parseRequestURI('/a?');
  const b = parseRequestURI('/b');
  expect([b.scheme, b.opaque, b.user, b.host, b.rawPath, b.forceQuery, b.fragment, b.rawFragment]).toEqual(['', '', '', '', '', false, '', '']);
  expect(a.forceQuery).toBe(true);
  a.host = 'example.com';
  a.scheme = 'https';
  expect([b.host, b.scheme]).toEqual(['', '']);
  const c = a.clone();
  expect([c.host, c.scheme, c.forceQuery, c.string()]).toEqual(['example.com', 'https', true, 'https://example.com/a?']);
  c.host = 'other';
  expect(a.host).toBe('example.com');
});
