/**
 * The routing tree against Go 1.23's (TestRoutingNodeMatch, TestMatchingMethods): two route sets and 36 requests
 * each, with the pattern, wildcard values and matching methods Go's tree returned (__tests__/go-tables/mux.json).
 */

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parsePattern } from '../../src/mux/pattern';
import { RoutingNode } from '../../src/mux/routing-tree';

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
