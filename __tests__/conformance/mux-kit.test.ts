/**
 * The conformance kit's ten mux suites (226 cases, Go 1.23 goldens) against ServeMux on the native server:
 * routing, precedence, methods and 405, hosts, wildcards, cleaning and trailing-slash redirects, escaped paths,
 * CONNECT, registration errors and conflicts. `npm test` compiles the mux-echo server first (pretest).
 */

import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { repoRoot, runKit, serverCmd } from './kit';

test('kit: every mux case matches Go byte for byte', async () => {
  expect(existsSync(path.join(repoRoot, 'dist', '__tests__', 'conformance', 'mux-echo-server.js'))).toBe(true);
  const res = await runKit(['--mux-echo', serverCmd('mux-echo-server')]);
  expect(res.failures).toEqual([]);
  expect(res.passed).toBe(226);
}, 300_000);
