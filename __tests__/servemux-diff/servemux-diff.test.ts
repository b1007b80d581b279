/**
 * ServeMux against Go 1.23, differentially: the committed fixtures (route tables from the seeded generator, with
 * the outcomes Go's own ServeMux gave, recorded by oracle/main.go) replayed on nethttp's ServeMux. Every
 * registration outcome and, per request, status, Location, Allow, body, the pattern `handler(r)` reports, the
 * handler that ran, `r.pattern` and the path values must agree. The long run against a live Go is
 * `npm run mux-diff` (see run.ts).
 */

import * as path from 'node:path';
import { generateTable } from './generate';
import { readFixtures, replayFixture } from './replay';

const fixtures = readFixtures(path.join(__dirname, 'fixtures'));

test('there are recorded fixtures', () => {
  expect(fixtures.length).toBeGreaterThan(0);
  expect(fixtures.reduce((n, f) => n + f.lines.reduce((k, l) => k + l.table.requests.length, 0), 0)).toBeGreaterThan(4000);
});

describe.each(fixtures)('$file', ({ lines }) => {
  test('nethttp answers every case as Go 1.23 did', async () => {
    const diffs: string[] = [];
    for (const line of lines) for (const d of await replayFixture(line)) diffs.push(`table ${line.table.id}: ${d}`);
    expect(diffs.slice(0, 20)).toEqual([]);
  });

  test('the generator still makes the recorded tables (re-record after changing it)', () => {
    for (const line of lines.slice(0, 20)) {
      const [seed, i] = line.table.id.split('/').map(Number);
      expect(generateTable(seed, i)).toEqual(line.table);
    }
  });
});
