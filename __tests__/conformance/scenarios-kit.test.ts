/**
 * The conformance kit's `scenarios` and `server` suites (Go 1.23 goldens) against the native server.
 * `npm test` compiles the scenarios server first (pretest).
 */

import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { kitPresent, repoRoot, runKit, serverCmd } from './kit';

const compiled = existsSync(path.join(repoRoot, 'dist', '__tests__', 'conformance', 'scenarios-server.js'));

test('kit: every scenarios and server case matches Go byte for byte', async () => {
  expect(kitPresent).toBe(true);
  expect(compiled).toBe(true);
  const res = await runKit(['--scenarios', serverCmd('scenarios-server')]);
  expect(res.failures).toEqual([]);
  expect(res.passed).toBe(279);
}, 300_000);
