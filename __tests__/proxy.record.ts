/**
 * Re-records __tests__/proxy.golden.json from Go 1.23 (the oracle in __tests__/proxy-oracle/): Go's
 * httputil.ReverseProxy in front of Go's backend, each request of the table sent to the proxy, the response the
 * client read and the request the backend saw kept with Date values and ports masked.
 *
 *   npx jest --testMatch '<rootDir>/__tests__/proxy.record.ts'
 *
 * needs Go 1.23: the `go` on PATH, or the binary named by the GO environment variable. Not part of `npm test`.
 */

import * as fsn from 'node:fs';
import * as path from 'node:path';
import { buildOracle, startOracle } from './go-oracle';
import { deadAddr, play } from './httputil/proxy-cases';

test('record the proxy goldens from Go', async () => {
  const bin = buildOracle('proxy-oracle');
  const back = await startOracle(bin, ['-role', 'backend']);
  const dead = await deadAddr();
  const proxy = await startOracle(bin, ['-role', 'proxy', '-backend', `127.0.0.1:${back.port}`, '-dead', dead], 'ignore');
  try {
    const goldens = await play(proxy.port, `127.0.0.1:${back.port}`);
    fsn.writeFileSync(path.join(__dirname, 'proxy.golden.json'), JSON.stringify(goldens, null, 1) + '\n');
  } finally {
    back.child.kill();
    proxy.child.kill();
  }
}, 120_000);
