/**
 * The jest environment run.mjs gives an older jest suite: the suite's own jest-environment-node, plus the globals of
 * the Node running it that the environment predates (jest 26 has no AbortController, which nethttp's contexts use).
 */

// eslint-disable-next-line @typescript-eslint/no-require-imports
const base = require(require.resolve('jest-environment-node', { paths: [process.cwd()] })) as { default?: unknown };
type Env = new (...args: unknown[]) => { global: Record<string, unknown> };
const NodeEnvironment = (base.default ?? base) as Env;

const LATER_GLOBALS = ['AbortController', 'AbortSignal', 'EventTarget', 'Event', 'TextEncoder', 'TextDecoder', 'structuredClone', 'queueMicrotask'];

class Environment extends NodeEnvironment {
  constructor(...args: unknown[]) {
    super(...args);
    const outer = globalThis as unknown as Record<string, unknown>;
    for (const k of LATER_GLOBALS) if (this.global[k] === undefined && outer[k] !== undefined) this.global[k] = outer[k];
  }
}

module.exports = Environment;
