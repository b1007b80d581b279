/**
 * The HTTP/1.1 reader against Go 1.23, differentially: the committed fixtures (connections from the seeded
 * generator, with what Go's server answered, recorded by run.ts from oracle/main.go) replayed on nethttp's native
 * server with the same handler (echo.ts). The number of responses, the status sequence, every response byte but
 * the Date, what was answered before the client's end of input and whether the server closed the connection by
 * itself must agree. The long run against a live Go is `npm run wire-diff` (see run.ts).
 */

import * as path from 'node:path';
import { generateCase } from './generate';
import { pool, readFixtures, replayLine, startOurs } from './replay';

const fixtures = readFixtures(path.join(__dirname, 'fixtures'));

test('there are recorded fixtures', () => {
  expect(fixtures.length).toBeGreaterThan(0);
  expect(fixtures.reduce((n, f) => n + f.lines.reduce((k, l) => k + l.case.requests, 0), 0)).toBeGreaterThan(3000);
});

describe.each(fixtures)('$file', ({ lines }) => {
  test('nethttp answers every connection as Go 1.23 did', async () => {
    const ours = await startOurs();
    try {
      const res = await pool(lines, 16, (l) => replayLine(ours.port, l));
      const diffs = res.flatMap((d, i) => d.map((x) => `${lines[i].case.id} ${JSON.stringify(lines[i].case.pieces)}: ${x}`));
      expect(diffs.slice(0, 10)).toEqual([]);
    } finally {
      await ours.close();
    }
  }, 60_000);

  test('the generator still makes the recorded cases (re-record after changing it)', () => {
    for (const line of lines.slice(0, 50)) {
      const [seed, i] = line.case.id.split('/').map(Number);
      expect(generateCase(seed, i)).toEqual(line.case);
    }
  });
});
