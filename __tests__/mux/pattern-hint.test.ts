/**
 * Express syntax in a ServeMux pattern (issue #15, item 3): Go's matching is kept (the routes 404 or 405), and
 * registration logs once per pattern the Go pattern to write instead; `warnExpressSyntax: false` silences it.
 */

import { DefaultServeMux, ServeMux, type Logger } from '../../src/index';
import { newRecorder, newRequest } from '../../adapters/httptest';
import { expressPatterns } from '../../adapters/express';

function capture(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, error: (m: string) => void lines.push(m) };
}

async function code(mux: ServeMux, method: string, target: string): Promise<[number, string]> {
  const w = newRecorder();
  await mux.serveHTTP(w, newRequest(method, target));
  return [w.code, w.header().get('Allow')];
}

test('"GET /users/:id" keeps Go\'s matching and names "GET /users/{id}"', async () => {
  const log = capture();
  const mux = new ServeMux({ errorLog: log });
  mux.handleFunc('GET /users/:id', (w) => void w.write('x'));
  expect(await code(mux, 'GET', '/users/7')).toEqual([404, '']);
  expect(await code(mux, 'GET', '/users/:id')).toEqual([200, '']);
  expect(log.lines).toEqual([
    'http: pattern "GET /users/:id" looks like Express syntax: ":id" matches only itself (Go writes wildcards {name} and {name...}); ' +
      'write "GET /users/{id}" instead (ServeMuxOptions.warnExpressSyntax: false silences this)',
  ]);
});

test('"GET /static/*" names "GET /static/{path...}", "/files/*rest" names "/files/{rest...}"', () => {
  const log = capture();
  const mux = new ServeMux({ errorLog: log });
  mux.handleFunc('GET /static/*', () => {});
  mux.handleFunc('/files/*rest', () => {});
  expect(log.lines).toHaveLength(2);
  expect(log.lines[0]).toContain('"*" matches only itself');
  expect(log.lines[0]).toContain('write "GET /static/{path...}" instead');
  expect(log.lines[1]).toContain('write "/files/{rest...}" instead');
});

test('"get /x" is 405 for GET with Allow: get, and the hint names "GET /x"', async () => {
  const log = capture();
  const mux = new ServeMux({ errorLog: log });
  mux.handleFunc('get /x', () => {});
  expect(await code(mux, 'GET', '/x')).toEqual([405, 'get']);
  expect(log.lines).toEqual([
    'http: pattern "get /x" looks like Express syntax: methods are case-sensitive, so it serves only requests whose method is "get"; ' +
      'write "GET /x" instead (ServeMuxOptions.warnExpressSyntax: false silences this)',
  ]);
});

test('both slips at once, with a host', () => {
  const log = capture();
  new ServeMux({ errorLog: log }).handleFunc('post\tapi.example/users/:id/*', () => {});
  expect(log.lines).toHaveLength(1);
  expect(log.lines[0]).toContain('methods are case-sensitive');
  expect(log.lines[0]).toContain('":id", "*" match only themselves');
  expect(log.lines[0]).toContain('write "POST api.example/users/{id}/{path...}" instead');
});

test('an optional last parameter (Express 4) names both Go patterns', () => {
  const log = capture();
  const mux = new ServeMux({ errorLog: log });
  mux.handleFunc('GET /users/:id?', () => {});
  mux.handleFunc('/:page?', () => {});
  expect(log.lines[0]).toContain('write "GET /users" and "GET /users/{id}" instead');
  expect(log.lines[1]).toContain('write "/{$}" and "/{page}" instead');
});

test('what has no single Go pattern points to expressPatterns', () => {
  const log = capture();
  const mux = new ServeMux({ errorLog: log });
  for (const p of ['/flights/:from.:to', '/a/*/b', '/x/:id(\\d+)']) mux.handleFunc(p, () => {});
  expect(log.lines).toHaveLength(3);
  for (const line of log.lines) expect(line).toContain('translate the Express path with expressPatterns from nethttp/adapters/express');
  expect(expressPatterns('/a/*rest')).toEqual(['/a/{rest...}']);
});

test('once per pattern and logger, whatever the mux', () => {
  const log = capture();
  for (let i = 0; i < 3; i++) new ServeMux({ errorLog: log }).handleFunc('GET /users/:id', () => {});
  expect(log.lines).toHaveLength(1);
  new ServeMux({ errorLog: log }).handleFunc('GET /users/:name', () => {});
  expect(log.lines).toHaveLength(2);
});

test('warnExpressSyntax: false silences it; a refused pattern is not hinted', () => {
  const log = capture();
  const quiet = new ServeMux({ errorLog: log, warnExpressSyntax: false });
  quiet.handleFunc('GET /users/:id', () => {});
  const mux = new ServeMux({ errorLog: log });
  mux.handleFunc('GET /a/{x}', () => {});
  expect(() => mux.handleFunc('GET /a/{y}', () => {})).toThrow();
  expect(() => mux.handleFunc('get /b/{x', () => {})).toThrow();
  expect(log.lines).toEqual([]);
});

test('Go patterns never get a hint', () => {
  const log = capture();
  const mux = new ServeMux({ errorLog: log });
  for (const p of ['/', 'GET /users/{id}', '/v1/models:predict', '/files/{path...}', '/a/%3Aid', '/time:now', 'BREW /pot', 'example.com/x*y', 'POST /a*']) {
    mux.handleFunc(p, () => {});
  }
  expect(log.lines).toEqual([]);
});

test('DefaultServeMux hints on stderr with Go\'s log prefix, and can be silenced', () => {
  const writes: string[] = [];
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    writes.push(String(chunk));
    return true;
  });
  try {
    DefaultServeMux.handleFunc('GET /pattern-hint-test/:id', () => {});
    DefaultServeMux.warnExpressSyntax = false;
    DefaultServeMux.handleFunc('GET /pattern-hint-test-2/:id', () => {});
  } finally {
    DefaultServeMux.warnExpressSyntax = true;
    spy.mockRestore();
  }
  expect(writes).toHaveLength(1);
  expect(writes[0]).toMatch(/^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d http: pattern "GET \/pattern-hint-test\/:id" looks like Express syntax: .* write "GET \/pattern-hint-test\/\{id\}" instead/);
});
