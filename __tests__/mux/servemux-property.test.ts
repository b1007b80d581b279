/**
 * Property (MUX-30…MUX-36): the most specific pattern wins whatever the registration order, and whether a set of
 * patterns conflicts does not depend on the order either. fast-check, seeded and bounded.
 */

import fc from 'fast-check';
import { PatternError, ServeMux } from '../../src/index';
import { newRecorder, newRequest } from '../../adapters/httptest';

const seg = fc.constantFrom('a', 'b', 'c', '{x}', '{y}');
const last = fc.constantFrom('a', 'b', '{x}', '{rest...}', '{$}', '');
const pattern = fc
  .record({
    method: fc.constantFrom('', 'GET ', 'POST ', 'HEAD '),
    host: fc.constantFrom('', 'h.com'),
    segs: fc.array(seg, { minLength: 0, maxLength: 2 }),
    last,
  })
  .map(({ method, host, segs, last: l }) => {
    // Wildcard names must be unique within a pattern: number them.
    let n = 0;
    const parts = [...segs, l].map((s) => (s === '{x}' || s === '{y}' ? `{${s[1]}${n++}}` : s));
    return `${method}${host}/${parts.join('/')}`;
  });
const request = fc.record({
  method: fc.constantFrom('GET', 'POST', 'HEAD', 'PUT'),
  host: fc.constantFrom('h.com', 'other.com'),
  path: fc.array(fc.constantFrom('a', 'b', 'c', 'zz', ''), { minLength: 0, maxLength: 4 }).map((p) => '/' + p.join('/')),
});

function register(patterns: string[]): { mux: ServeMux; accepted: string[]; rejected: string[] } {
  const mux = new ServeMux();
  const accepted: string[] = [];
  const rejected: string[] = [];
  for (const p of patterns) {
    try {
      mux.handleFunc(p, (w) => void w.write(p));
      accepted.push(p);
    } catch (err) {
      if (!(err instanceof PatternError)) throw err;
      rejected.push(p);
    }
  }
  return { mux, accepted, rejected };
}

async function outcome(mux: ServeMux, r: { method: string; host: string; path: string }): Promise<string> {
  const req = newRequest(r.method, `http://${r.host}${r.path}`);
  const w = newRecorder();
  await mux.serveHTTP(w, req);
  return `${w.code} ${mux.handler(req).pattern} ${w.result().header.get('Location')} ${w.result().header.get('Allow')} ${w.body.toString()}`;
}

test('registration order never changes which pattern wins', async () => {
  await fc.assert(
    fc.asyncProperty(fc.uniqueArray(pattern, { minLength: 2, maxLength: 8 }), fc.array(request, { minLength: 1, maxLength: 12 }), fc.integer(), async (pats, reqs, seed) => {
      const first = register(pats);
      // The accepted set in a shuffled order: it must register completely and route identically.
      const shuffled = [...first.accepted];
      let s = seed;
      for (let i = shuffled.length - 1; i > 0; i--) {
        s = (s * 1103515245 + 12345) | 0;
        const j = Math.abs(s) % (i + 1);
        [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
      }
      const second = register(shuffled);
      expect(second.rejected).toEqual([]);
      for (const r of reqs) expect(await outcome(second.mux, r)).toBe(await outcome(first.mux, r));
    }),
    { seed: 20261124, numRuns: 300 },
  );
});

test('a rejected pattern conflicts with the accepted ones in any order', () => {
  fc.assert(
    fc.property(fc.uniqueArray(pattern, { minLength: 2, maxLength: 8 }), (pats) => {
      const first = register(pats);
      for (const p of first.rejected) {
        // Registered first, the rejected pattern now makes at least one of the previously accepted ones fail.
        const again = register([p, ...first.accepted]);
        expect(again.accepted[0]).toBe(p);
        expect(again.rejected.length).toBeGreaterThan(0);
      }
    }),
    { seed: 20261124, numRuns: 300 },
  );
});
