/**
 * Each class of divergence the differential test found between nethttp's ServeMux and Go 1.23's, minimized to a
 * named case. The expected outcomes are Go's, recorded with oracle/main.go; every case here failed before its fix.
 */

import { PatternError, ServeMux } from '../../src/index';
import { newRecorder } from '../../adapters/httptest';
import { normalizeRegistration, registerTable, replayRequest, serverRequest, type RequestOutcome } from './replay';

type Req = [method: string, host: string, target: string];

/** Registers `patterns` on a new mux and answers `requests`: what the oracle records for Go. */
async function outcomes(patterns: string[], requests: Req[]): Promise<{ reg: Array<string | null>; res: RequestOutcome[] }> {
  const mux = new ServeMux({ warnExpressSyntax: false });
  const seen: { last: RequestOutcome | null } = { last: null };
  const reg = registerTable(mux, patterns, seen).map(normalizeRegistration);
  const res: RequestOutcome[] = [];
  for (const q of requests) res.push(await replayRequest(mux, seen, q));
  return { reg, res };
}

const served = (h: number, pattern: string, values: string[] = []): RequestOutcome => ({
  code: 200,
  location: '',
  allow: '',
  handlerPattern: pattern,
  h,
  pattern,
  values,
});
const redirect = (to: string, handlerPattern = '', body = `<a href="${to}">Moved Permanently</a>.\n\n`): RequestOutcome => ({
  code: 301,
  location: to,
  allow: '',
  handlerPattern,
  body,
});
const notFound: RequestOutcome = { code: 404, location: '', allow: '', handlerPattern: '', body: '404 page not found\n' };

describe('a literal %2F segment is an escaped slash, not {$}, unless it ends the pattern', () => {
  // The tree files a literal that decodes to "/" under the key of {$}, as Go's does; the fast path for all-literal
  // patterns took such a literal anywhere for the end of the path.
  test('GET / is served by "/", not by "/%2F/{y}/{id}/" with missing values', async () => {
    const { res } = await outcomes(['/', '/%2F/{y}/{id}/'], [['GET', 'example.com', '/']]);
    expect(res).toEqual([served(0, '/')]);
  });

  test('GET /a is served by "/", not redirected to /a/, beside "/a/%2F/%2F"', async () => {
    const { res } = await outcomes(['/a/%2F/%2F', '/', '/{$}/users'], [['GET', 'example.com', '/a']]);
    expect(res).toEqual([served(1, '/')]);
  });

  test('GET /*/%2F/./..?q=1 is redirected to /%2A?q=1', async () => {
    const { res } = await outcomes(['/{a_1}/{y}/b/', '/*/%2F/.', 'POST /'], [['GET', 'example.com', '/*/%2F/./..?q=1']]);
    expect(res).toEqual([redirect('/%2A?q=1')]);
  });

  test('PATCH / is 405 when only "PATCH /%2F/" has an escaped slash there', async () => {
    const { res } = await outcomes(['PATCH /%2F/', 'BREW /'], [['PATCH', 'other.org', '/']]);
    expect(res).toEqual([{ code: 405, location: '', allow: 'BREW', handlerPattern: '', body: 'Method Not Allowed\n' }]);
  });

  test('GET /x/../c is redirected to /c, not /c/, beside "b.org/c/%2F/{a_1}/caf%C3%A9"', async () => {
    const { res } = await outcomes(['b.org/c/%2F/{a_1}/caf%C3%A9'], [['GET', 'b.org', '/x/../c']]);
    expect(res).toEqual([redirect('/c')]);
  });

  test('"/%2F/%2E%2E/" answers its own path and 404s for /', async () => {
    const { res } = await outcomes(
      ['/%2F/%2E%2E/'],
      [
        ['M-SEARCH', 'x', '/'],
        ['GET', 'x', '/%2F/%2E%2E/'],
        ['GET', 'x', '/%2f/../'],
      ],
    );
    expect(res).toEqual([notFound, served(0, '/%2F/%2E%2E/'), redirect('/')]);
  });

  test('CONNECT to an authority is redirected to "/" (pattern "//") beside "/%2F/{y}/{x}/{é}/"', async () => {
    const { res } = await outcomes(['/', '/%2F/{y}/{x}/{é}/'], [['CONNECT', 'example.com:80', 'b.org']]);
    expect(res).toEqual([redirect('/', '//', '')]);
  });

  test('a final literal %2F matches what {$} matches, as in Go', async () => {
    const { res } = await outcomes(
      ['/a/%2F'],
      [
        ['GET', 'x', '/a/'],
        ['GET', 'x', '/a/%2F'],
        ['GET', 'x', '/a'],
      ],
    );
    expect(res).toEqual([served(0, '/a/%2F'), served(0, '/a/%2F'), redirect('/a/', '/a/')]);
  });
});

test('conflict messages quote bytes as Go does: an escape that is not UTF-8 shows as \\xff', async () => {
  const { reg } = await outcomes(['/{a_1}/{é}/%FF/', 'PATCH\t/x/%/{p}/%41'], []);
  const bytes = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');
  expect(reg).toEqual([
    null,
    bytes(
      'pattern "PATCH\\t/x/%/{p}/%41" (registered at _) conflicts with pattern "/{a_1}/{é}/%FF/" (registered at _):\n' +
        'PATCH\t/x/%/{p}/%41 and /{a_1}/{é}/%FF/ both match some paths, like "/x/%/\\xff/A".\n' +
        'But neither is more specific than the other.\n' +
        'PATCH\t/x/%/{p}/%41 matches "/x/%/p/A", but /{a_1}/{é}/%FF/ doesn\'t.\n' +
        '/{a_1}/{é}/%FF/ matches "/a_1/é/\\xff/", but PATCH\t/x/%/{p}/%41 doesn\'t.',
    ),
  ]);
});

describe('an empty segment reaches a wildcard without a value', () => {
  // Go's values are positional, so they shift; where its PathValue then indexes past them it panics, and
  // nethttp gives "" (docs/differences.md).
  test('CONNECT http://127.0.0.1/ on " /{id}/": pathValue("id") is "", not undefined', async () => {
    const { res } = await outcomes([' /{id}/'], [['CONNECT', 'a.com:8080', 'http://127.0.0.1/']]);
    expect(res).toEqual([served(0, ' /{id}/', [''])]);
    const mux = new ServeMux({ warnExpressSyntax: false });
    let got: unknown = null;
    mux.handleFunc(' /{id}/', (_w, r) => void (got = r.pathValue('id')));
    await mux.serveHTTP(newRecorder(), serverRequest('CONNECT', 'a.com:8080', 'http://127.0.0.1/')!);
    expect(got).toBe('');
  });

  test('CONNECT //x on "/{a}/{b}": values shift as in Go', async () => {
    const { res } = await outcomes(['/{a}/{b}'], [['CONNECT', 'x', '//x']]);
    expect(res).toEqual([served(0, '/{a}/{b}', ['x', ''])]);
  });
});

describe('a failed registration leaves the mux exactly as it was', () => {
  test('"/a/{x}/b" after "/a//b" is refused (they would share a tree leaf; Go panics) and "/a//b" still serves', async () => {
    const { reg, res } = await outcomes(['/a//b', '/a/{x}/b'], [['GET', 'x', '/a/q/b']]);
    expect(reg[0]).toBeNull();
    expect(reg[1]).toMatch(/^pattern "\/a\/\{x\}\/b" \(registered at _\) would share its place in the routing tree with pattern "\/a\/\/b" .*\(Go panics here with "non-nil leaf fields"\)$/);
    expect(res).toEqual([served(0, '/a//b')]);
  });

  test('no refusal changes an answer: invalid, conflicting and leaf-sharing patterns', async () => {
    const mux = new ServeMux({ warnExpressSyntax: false });
    const seen: { last: RequestOutcome | null } = { last: null };
    registerTable(mux, ['GET /items/{id}', '/a//b', 'example.com/', '/{$}'], seen);
    const requests: Req[] = [
      ['GET', 'x', '/items/7'],
      ['POST', 'x', '/items/7'],
      ['GET', 'x', '/a/q/b'],
      ['GET', 'x', '/a/q/b/'],
      ['GET', 'example.com', '/z'],
      ['GET', 'x', '/'],
      ['GET', 'x', '/items'],
    ];
    const answers = async (): Promise<RequestOutcome[]> => {
      const out: RequestOutcome[] = [];
      for (const q of requests) out.push(await replayRequest(mux, seen, q));
      return out;
    };
    const before = await answers();
    for (const bad of ['GET /items/{name}', '/a/{x}/b', '/items/{id}/{id}', 'example.com/', '/{$}', '/{x...}/y']) {
      expect(() => mux.handleFunc(bad, () => {})).toThrow(PatternError);
    }
    expect(await answers()).toEqual(before);
  });

  test('a pattern ending in a multi wildcard replaces the one at its leaf, as in Go', async () => {
    const { reg, res } = await outcomes(
      ['//', '/{w}/', 'OPTIONS /{id}/v1/'],
      [
        ['GET', 'x', '/q/'],
        ['GET', 'x', '/q/r'],
      ],
    );
    expect(reg.slice(0, 2)).toEqual([null, null]);
    expect(reg[2]).toMatch(/^pattern "OPTIONS \/\{id\}\/v1\/" \(registered at _\) conflicts with pattern "\/\/"/);
    expect(res).toEqual([served(1, '/{w}/', ['q']), served(1, '/{w}/', ['q'])]);
  });
});
