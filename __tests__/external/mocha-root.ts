/**
 * For a mocha older than 8 (no root-hook plugins), run.mjs loads this with `--file`: as the first test file, its
 * top-level hooks are root hooks for every test.
 */

type Hooks = Record<'beforeAll' | 'beforeEach' | 'afterEach' | 'afterAll', () => unknown>;
declare const before: (f: () => unknown) => void;
declare const beforeEach: (f: () => unknown) => void;
declare const afterEach: (f: () => unknown) => void;
declare const after: (f: () => unknown) => void;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const h = (require('./supertest-shim') as { mochaHooks: Hooks }).mochaHooks;

before(() => h.beforeAll());
beforeEach(() => h.beforeEach());
afterEach(() => h.afterEach());
after(() => h.afterAll());

export {};
