/** Express 5 paths (path-to-regexp 8) → Go patterns, and the typed error for what cannot be translated. */

import { ServeMux } from '../../../src/index';
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
