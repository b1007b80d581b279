/**
 * parseQuery's fast path (no `;`, `%` or `+` in the query) gives what Go's url.ParseQuery gives: pairs split at `&`,
 * empty pairs skipped, a key without `=` has the value "", values kept in order.
 */

import fc from 'fast-check';
import { parseQuery } from '../../src/request/url';

// Go's ParseQuery for a query with nothing to unescape or refuse.
function reference(q: string): Array<[string, string[]]> {
  const m = new Map<string, string[]>();
  for (const pair of q.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const [k, v] = eq === -1 ? [pair, ''] : [pair.slice(0, eq), pair.slice(eq + 1)];
    const vs = m.get(k);
    if (vs) vs.push(v);
    else m.set(k, [v]);
  }
  return [...m];
}

test('the fast path agrees with the reference on queries of a, b, =, &', () => {
  fc.assert(
    fc.property(fc.stringMatching(/^[ab=&]{0,12}$/), (q) => {
      const { values, err } = parseQuery(q);
      expect(err).toBeNull();
      expect([...values]).toEqual(reference(q));
    }),
    { numRuns: 2000 },
  );
});

test('the general path still unescapes and refuses semicolons', () => {
  expect(parseQuery('a=1+2&b=%41').values.get('a')).toBe('1 2');
  expect(parseQuery('a=1+2&b=%41').values.get('b')).toBe('A');
  expect(parseQuery('a=1;b=2').err?.message).toBe('invalid semicolon separator in query');
  expect([...parseQuery('=x&page=2&&page=3&flag').values]).toEqual([['', ['x']], ['page', ['2', '3']], ['flag', ['']]]);
});
