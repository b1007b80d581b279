/**
 * Pattern parsing, specificity and conflicts against Go 1.23: the inputs of Go's pattern_test.go tables with the
 * outcomes Go computed for them (__tests__/go-tables/mux.json). Parsing: the method separator (MUX-1), decoded
 * literals (MUX-5), unclean paths (MUX-10), the error messages (MUX-20). Relations: methods (MUX-32), segments
 * (MUX-33), paths (MUX-34), combined (MUX-35); conflicts (MUX-30) and how they are described (MUX-21).
 */

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Rel, compare, compareMethods, comparePaths, conflicts, describeConflict, parsePattern } from '../../src/mux/pattern';

const data = JSON.parse(readFileSync(path.join(__dirname, '..', 'go-tables', 'mux.json'), 'utf8')) as {
  parsed: { In: string; Method: string; Host: string; Err: string; Segments: { S: string; Wild: boolean; Multi: boolean }[] | null }[];
  pairs: { P1: string; P2: string; Methods: string; Paths: string; Both: string; Describe: string; Conflicts: boolean }[];
};

const bin = (s: string) => Buffer.from(s, 'utf8').toString('latin1');
const relName: Record<number, string> = {
  [Rel.Equivalent]: 'equivalent', [Rel.MoreGeneral]: 'moreGeneral', [Rel.MoreSpecific]: 'moreSpecific',
  [Rel.Disjoint]: 'disjoint', [Rel.Overlaps]: 'overlaps',
};

describe('parsePattern (TestParsePattern, TestParsePatternError)', () => {
  test.each(data.parsed.map((p) => [p.In, p] as const))('%j', (_in, p) => {
    if (p.Err !== '') {
      expect(() => parsePattern(p.In)).toThrow(p.Err);
      return;
    }
    const got = parsePattern(p.In);
    expect(got.method).toBe(p.Method);
    expect(got.host).toBe(bin(p.Host));
    expect(got.segments.map((s) => ({ S: s.s, Wild: s.wild, Multi: s.multi }))).toEqual((p.Segments ?? []).map((s) => ({ ...s, S: s.Wild ? s.S : bin(s.S) })));
  });
});

describe('relations and conflicts (TestCompareMethods, TestComparePaths, TestConflictsWith, TestDescribeConflict)', () => {
  test.each(data.pairs.map((p) => [p.P1, p.P2, p] as const))('%j vs %j', (_a, _b, p) => {
    const a = parsePattern(p.P1);
    const b = parsePattern(p.P2);
    expect(relName[compareMethods(a, b)]).toBe(p.Methods);
    expect(relName[comparePaths(a, b)]).toBe(p.Paths);
    expect(relName[compare(a, b)]).toBe(p.Both);
    expect(conflicts(a, b)).toBe(p.Conflicts);
    if (p.Conflicts) expect(describeConflict(a, b)).toBe(p.Describe);
  });
});
