/**
 * The routing tree against Go 1.23's (TestRoutingNodeMatch, TestMatchingMethods): two route sets and 36 requests
 * each, with the pattern, wildcard values and matching methods Go's tree returned (__tests__/go-tables/mux.json).
 */

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parsePattern } from '../../src/mux/pattern';
import { RoutingNode } from '../../src/mux/routing-tree';
import { ServeMux } from '../../src/mux/servemux';
import { Request } from '../../src/request/request';
import { parseRequestTarget } from '../../src/request/url';

interface GoMatch { Host: string; Method: string; Path: string; Pattern: string; Matches: string[] | null; Methods: string[] | null }
const data = JSON.parse(readFileSync(path.join(__dirname, '..', 'go-tables', 'mux.json'), 'utf8')) as Record<string, unknown> & { trees: Record<string, string[]> };
const noop = { serveHTTP: () => undefined };

describe.each(Object.keys(data.trees))('tree %s', (name) => {
  const root = new RoutingNode();
  for (const p of data.trees[name]) root.add(parsePattern(p), noop);
  const rows = data['match_' + name] as GoMatch[];
  test.each(rows.map((m) => [m.Host, m.Method, m.Path, m] as const))('%j %s %j', (_h, _m, _p, m) => {
    const values: string[] = [];
    const n = root.match(m.Host, m.Method, m.Path, values);
    expect(n === null ? '' : n.pattern!.str).toBe(m.Pattern);
    if (n !== null) expect(values).toEqual(m.Matches ?? []);
    const methods = new Set<string>();
    root.matchingMethods(m.Host, m.Path, methods);
    expect([...methods].sort()).toEqual(m.Methods ?? []);
  });
});

// The walk finds literal children in place in the request target (the common target's fast route): a key must end
// at a "/" or the path's end, a key with "/" (from `%2F` in a pattern) only matches an escaped segment, and "." or
// ".." literals still leave the walk unclean, so the mux redirects as Go does (MUX-41, MUX-42, MUX-50).
describe('literal children found in place', () => {
  const mux = new ServeMux();
  for (const p of ['GET /user', 'GET /users/{id}', 'GET /a%2Fb/c', 'GET /{x}/b/c', '/x/../y', '/repos/{o}/{r}/contents/{path...}', 'GET /repos/{o}/{r}/contents/x/y/']) {
    mux.handleFunc(p, () => undefined);
  }
  const req = (target: string): Request => {
    const r = new Request('GET', parseRequestTarget('GET', target)!);
    r.requestURI = target;
    r.host = 'h';
    return r;
  };
  test.each([
    ['/user', 'found', 'GET /user', []],
    ['/users/7', 'found', 'GET /users/{id}', ['7']],
    ['/user/7', 'notFound', '', null],
    ['/users?x=/y', 'notFound', '', null],
    ['/a/b/c', 'found', 'GET /{x}/b/c', ['a']],
    ['/a%2Fb/c', 'found', 'GET /a%2Fb/c', []],
    ['/x/../y', 'redirect', '', null],
    ['/repos/o/r/contents/a/b?q=1', 'found', '/repos/{o}/{r}/contents/{path...}', ['o', 'r', 'a/b']],
    ['/repos/o/r/contents/a//b', 'redirect', '/repos/{o}/{r}/contents/{path...}', null],
    // The multi took a rest, and the path with a slash appended matches exactly: Go redirects there (MUX-61).
    ['/repos/o/r/contents/x/y', 'redirect', '/repos/o/r/contents/x/y/', null],
    ['/repos/o/r/contents/x/y/', 'found', 'GET /repos/{o}/{r}/contents/x/y/', ['o', 'r']],
    ['/repos/o/r/contents/x/y/z', 'found', 'GET /repos/{o}/{r}/contents/x/y/', ['o', 'r']],
    ['/repos/o/r/contents/a/b/c', 'found', '/repos/{o}/{r}/contents/{path...}', ['o', 'r', 'a/b/c']],
    ['/repos/o/r/contents/', 'found', '/repos/{o}/{r}/contents/{path...}', ['o', 'r', '']],
  ])('%s', (target, kind, pattern, values) => {
    const m = mux.match(req(target));
    expect([m.kind, m.pattern, m.values]).toEqual([kind, pattern, values]);
  });
});

// The walk compares literal keys in place (a key longer than the rest of the path, or one followed by more of the
// segment, is no match), finds wildcard ends in long paths, and its wildcard values (kept as offsets until a
// handler gets them) come out right beside escaped segments (MUX-42, MUX-53).
describe('the walk in place', () => {
  const mux = new ServeMux();
  for (const p of ['GET /abc/def', 'GET /u/{id}/f/{name}', 'GET /long/{x}/b/{rest...}', 'GET /d/{a}/{$}', 'GET /s/{a}']) mux.handleFunc(p, () => undefined);
  const req = (target: string): Request => {
    const r = new Request('GET', parseRequestTarget('GET', target)!);
    r.requestURI = target;
    r.host = 'h';
    return r;
  };
  test('a long path', () => {
    const x = 'x'.repeat(1500);
    const rest = 'r/'.repeat(2000) + 'end';
    const m = mux.match(req(`/long/${x}/b/${rest}`));
    expect([m.kind, m.pattern, m.values]).toEqual(['found', 'GET /long/{x}/b/{rest...}', [x, rest]]);
  });
  test('a key must fit the segment exactly', () => {
    expect(mux.match(req('/abc/def')).kind).toBe('found');
    expect(mux.match(req('/abc/de')).kind).toBe('notFound');
    expect(mux.match(req('/abc/defg')).kind).toBe('notFound');
    expect(mux.match(req('/abc/def')).kind).toBe('found');
  });
  test.each([
    ['/u/7/f/x', ['7', 'x']],
    ['/u/a%2Fb/f/x', ['a/b', 'x']],
    ['/u/7/f/%41', ['7', 'A']],
    ['/u/%C3%A9t%C3%A9/f/caf%C3%A9', ['été', 'café']],
  ])('values of %s', (target, values) => {
    const m = mux.match(req(target));
    expect([m.kind, m.values]).toEqual(['found', values]);
  });
  test('a final slash goes to {$}, never to a single wildcard', () => {
    expect(mux.match(req('/d/q/')).values).toEqual(['q']);
    expect(mux.match(req('/s/')).kind).toBe('notFound');
    expect(mux.match(req('/s/q')).values).toEqual(['q']);
  });
});
