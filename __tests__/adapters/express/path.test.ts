/** Express 5 paths (path-to-regexp 8) → Go patterns, and the typed error for what cannot be translated. */

import { PatternError, ServeMux } from '../../../src/index';
import { ExpressPathError, expressPatterns, handleExpress } from '../../../adapters/express';
import { newRecorder, newRequest } from '../../../adapters/httptest';

describe('expressPatterns', () => {
  test.each([
    ['/', undefined, ['/{$}']],
    ['', undefined, ['/{$}']],
    ['/users', undefined, ['/users']],
    ['/users/', undefined, ['/users/{$}']],
    ['/users/:id', 'get', ['GET /users/{id}']],
    ['/users/:id/posts/:post', 'POST', ['POST /users/{id}/posts/{post}']],
    ['/files/*path', undefined, ['/files/{path...}']],
    ['/a{/:b}', undefined, ['/a', '/a/{b}']],
    ['/a{/b{/:c}}', undefined, ['/a', '/a/b', '/a/b/{c}']],
    ['/x{/:y}/z', 'all', ['/x/z', '/x/{y}/z']],
    ['/:"名前"', undefined, ['/{名前}']],
    ['/:"user_id"', undefined, ['/{user_id}']],
    ['/a%20b/:c', undefined, ['/a%20b/{c}']],
    ['/caf\u00e9', undefined, ['/caf\u00e9']],
  ])('%s (%s)', (path, method, want) => {
    expect(expressPatterns(path, method)).toEqual(want);
  });

  test.each([
    ['/:file.:ext', 'does not fill a whole path segment'],
    ['/a-:id', 'does not start a path segment'],
    ['/*path/x', 'is not at the end'],
    ['/:"foo-bar"', 'is not a Go identifier'],
    ['/:"1st"', 'is not a Go identifier'],
    ['/a/:id?', 'Unexpected ?'],
    ['/a/*', 'Missing parameter name'],
    ['/a/\\{x\\}', 'literal brace'],
    ['a/b', 'does not start with "/"'],
    ['/{a}{b}{c}{d}{e}{f}{g}', 'more than 64 variants'],
  ])('%s is refused', (path, why) => {
    let err: unknown;
    try {
      expressPatterns(path);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ExpressPathError);
    expect((err as ExpressPathError).path).toBe(path);
    expect((err as Error).message).toContain(why);
  });

  test('a RegExp path is refused', () => {
    expect(() => expressPatterns(/^\/a/)).toThrow(ExpressPathError);
  });
});

describe('handleExpress', () => {
  test('every variant is registered and routes as Express would', async () => {
    const mux = new ServeMux();
    handleExpress(mux, 'get', '/books{/:id}', (w, r) => void w.write(`book ${r.pathValue('id') || 'list'}`));
    handleExpress(mux, 'get', '/static/*file', (w, r) => void w.write(`file ${r.pathValue('file')}`));
    const get = async (p: string): Promise<[number, string]> => {
      const w = newRecorder();
      await mux.serveHTTP(w, newRequest('GET', p));
      return [w.code, w.body.toString()];
    };
    expect(await get('/books')).toEqual([200, 'book list']);
    expect(await get('/books/9')).toEqual([200, 'book 9']);
    expect(await get('/static/css/site.css')).toEqual([200, 'file css/site.css']);
    expect((await get('/books/9/x'))[0]).toBe(404);
  });
});

describe('routes that expand to several patterns (issue #16, item 8)', () => {
  const get = async (mux: ServeMux, p: string): Promise<[number, string]> => {
    const w = newRecorder();
    await mux.serveHTTP(w, newRequest('GET', p));
    return [w.code, w.body.toString()];
  };
  const echo = (w: import('../../../src/index').ResponseWriter, r: import('../../../src/index').Request): void =>
    void w.write(`c=${r.pathValue('c')} d=${r.pathValue('d')}`);

  test('adjacent optional groups translate to the variants Express reaches, in its order of preference', () => {
    expect(expressPatterns('/a/b{/:c}{/:d}', 'get')).toEqual(['GET /a/b', 'GET /a/b/{c}', 'GET /a/b/{c}/{d}']);
    // Express takes /a/c with b = "c": a literal /a/c variant would never be reached.
    expect(expressPatterns('/a{/:b}{/c}')).toEqual(['/a', '/a/{b}', '/a/{b}/c']);
    expect(expressPatterns('{/:x}{/:y}/z')).toEqual(['/z', '/{x}/z', '/{x}/{y}/z']);
    expect(expressPatterns('/files{/*rest}')).toEqual(['/files', '/files/{rest...}']);
  });

  test('handleExpress("/a/b{/:c}{/:d}") registers, and /a/b/x sets c as Express does', async () => {
    const mux = new ServeMux();
    handleExpress(mux, 'get', '/a/b{/:c}{/:d}', echo);
    expect(await get(mux, '/a/b')).toEqual([200, 'c= d=']);
    expect(await get(mux, '/a/b/x')).toEqual([200, 'c=x d=']);
    expect(await get(mux, '/a/b/x/y')).toEqual([200, 'c=x d=y']);
  });

  test('all or nothing: a variant that cannot be registered leaves the mux as it was', async () => {
    const mux = new ServeMux();
    mux.handleFunc('GET /a/b/{z}/{w}', (w) => void w.write('zw'));
    expect(() => handleExpress(mux, 'get', '/a/b{/:c}{/:d}', echo)).toThrow(PatternError);
    expect((await get(mux, '/a/b'))[0]).toBe(404);
    expect((await get(mux, '/a/b/x'))[0]).toBe(404);
    expect(await get(mux, '/a/b/x/y')).toEqual([200, 'zw']);
    // Nor was any variant left in the conflict index: patterns that would clash with them register.
    mux.handleFunc('GET /a/b', (w) => void w.write('b'));
    mux.handleFunc('GET /a/b/{q}', (w) => void w.write('q'));
    expect(await get(mux, '/a/b/x')).toEqual([200, 'q']);
  });

  test('the error names the caller\'s line, in its message and at the top of its stack', () => {
    const mux = new ServeMux();
    handleExpress(mux, 'get', '/users/:id', echo);
    let err: Error | undefined;
    try {
      handleExpress(mux, 'get', '/users/:name', echo); // this line
    } catch (e) {
      err = e as Error;
    }
    expect(err).toBeInstanceOf(PatternError);
    const here = /path\.test\.ts:(\d+)/;
    const locs = [...err!.message.matchAll(/\(registered at ([^)]*)\)/g)].map((m) => m[1]);
    expect(locs).toHaveLength(2);
    for (const loc of locs) expect(loc).toMatch(here);
    expect(locs[0]).not.toBe(locs[1]);
    const frames = err!.stack!.split('\n').filter((l) => l.trim().startsWith('at '));
    expect(frames[0]).toMatch(here);
  });

  test('"/users/:from-:to" says what to write instead', () => {
    expect(() => expressPatterns('/users/:from-:to')).toThrow(
      'nethttp: cannot translate Express path /users/:from-:to: the parameter :from does not fill a whole path segment; ' +
        'a Go wildcard is a whole path segment: write "/users/{from_to}" and take "from_to" apart in the handler',
    );
    expect(() => expressPatterns('/files/:name.:ext/raw')).toThrow('write "/files/{name_ext}/raw"');
    expect(() => expressPatterns('/v:version/items')).toThrow('write "/{version}/items"');
  });

  test('Express 4 syntax gets the Express 5 spelling', () => {
    expect(() => expressPatterns('/users/:id?')).toThrow('Express 4\'s optional parameter ":id?" is written "{/:id}"');
    expect(() => expressPatterns('/static/*')).toThrow('Express 4\'s "*" is written "*name"');
    expect(() => expressPatterns('/u/:id(\\d+)')).toThrow('the parameter :id has a regular expression');
  });
});
