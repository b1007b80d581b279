/**
 * The vendored kit must be the upstream kit: same runner, cases and goldens. Upstream sits beside the project in
 * development; where it is absent (a clean CI clone) there is nothing to compare and the vendored copy stands.
 */

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { kitDir, upstreamKitDir } from './kit';

const files = ['run.mjs', 'harness.mjs', ...['cases', 'golden'].flatMap((d) => readdirSync(path.join(kitDir, d)).map((f) => `${d}/${f}`))];

test('vendored kit holds every suite (12 case files, 12 goldens)', () => {
  expect(files.filter((f) => f.startsWith('cases/')).length).toBe(12);
  expect(files.filter((f) => f.startsWith('golden/')).length).toBe(12);
});

const upstream = existsSync(path.join(upstreamKitDir, 'run.mjs'));
(upstream ? test : test.skip)('vendored kit equals the upstream kit byte for byte', () => {
  const up = ['cases', 'golden'].flatMap((d) => readdirSync(path.join(upstreamKitDir, d)).map((f) => `${d}/${f}`));
  expect(files.filter((f) => f.includes('/')).sort()).toEqual(up.sort());
  for (const f of files) {
    expect({ f, same: readFileSync(path.join(kitDir, f)).equals(readFileSync(path.join(upstreamKitDir, f))) }).toEqual({ f, same: true });
  }
});
