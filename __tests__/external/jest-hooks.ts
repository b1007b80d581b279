/**
 * What run.mjs gives a jest suite's `setupFilesAfterEnv`: the supertest shim's hooks as jest hooks (the runner maps
 * the suite's `require('supertest')` to the shim).
 */

type Hooks = Record<'beforeAll' | 'beforeEach' | 'afterEach' | 'afterAll', () => unknown>;
declare const beforeAll: (f: () => unknown) => void;
declare const beforeEach: (f: () => unknown) => void;
declare const afterEach: (f: () => unknown) => void;
declare const afterAll: (f: () => unknown) => void;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const h = (require('./supertest-shim') as { mochaHooks: Hooks }).mochaHooks;

beforeAll(() => h.beforeAll());
beforeEach(() => h.beforeEach());
afterEach(() => h.afterEach());
afterAll(() => h.afterAll());

export {};
