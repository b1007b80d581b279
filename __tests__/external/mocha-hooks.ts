/**
 * What run.mjs gives mocha's `--require`: the supertest shim (loading it redirects `require('supertest')`) and its
 * root hooks, exported as an object because mocha takes root hooks only from one.
 */

// eslint-disable-next-line @typescript-eslint/no-require-imports
const shim = require('./supertest-shim') as { mochaHooks: Record<string, () => unknown> };

export const mochaHooks = shim.mochaHooks;
