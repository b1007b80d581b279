#!/usr/bin/env node
// npm run external -- <suite> [--mode off|fallthrough|native|all] [--fresh]
//
// Runs another project's own test suite against nethttp, outside this tree: the suite's pinned tag is fetched into
// the OS temp dir, its devDependencies installed there, and its tests run unchanged, once per mode, with
// `require('supertest')` redirected to supertest-shim (built into dist/ by `npm run build`). Needs the network (git
// and the npm registry), so it is not part of `npm test`. Results per mode go to <tmp>/nethttp-external/<suite>-<tag>/
// results-<mode>.json (mocha's JSON report) and a summary is printed.
//
// Where the suite comes from: `git clone` of its repository at the tag, or, when NETHTTP_EXTERNAL_GIT_<SUITE> names a
// local git directory (a mirror), `git archive` of the tag from it.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const shim = path.join(root, 'dist', '__tests__', 'external', 'mocha-hooks.js');

/** The suites: where they live, the pinned tag, and the mocha command line of their own `npm test`. */
const suites = {
  // Express 5 (our devDependency is ^5.1.0); v5.2.1 is the newest v5 tag in its repository as fetched here.
  express: {
    repo: 'https://github.com/expressjs/express.git',
    tag: 'v5.2.1',
    mocha: ['--require', 'test/support/env', '--check-leaks', 'test/', 'test/acceptance/'],
  },
  // A RealWorld ("Conduit") API on Express with supertest tests. See docs/reliability.md.
  realworld: {
    repo: process.env.NETHTTP_EXTERNAL_REPO_REALWORLD ?? '',
    tag: process.env.NETHTTP_EXTERNAL_TAG_REALWORLD ?? '',
    mocha: (process.env.NETHTTP_EXTERNAL_MOCHA_REALWORLD ?? '').split(' ').filter(Boolean),
  },
};

const args = process.argv.slice(2);
const name = args.find((a) => !a.startsWith('--'));
const suite = suites[name];
if (suite === undefined) {
  console.error(`usage: npm run external -- <${Object.keys(suites).join('|')}> [--mode off|fallthrough|native|all] [--fresh]`);
  process.exit(2);
}
const modeArg = args.includes('--mode') ? args[args.indexOf('--mode') + 1] : 'all';
const modes = modeArg === 'all' ? ['off', 'fallthrough', 'native'] : [modeArg];
if (!existsSync(shim)) {
  console.error('dist/ has no supertest-shim: run `npm run build` first');
  process.exit(2);
}

const dir = path.join(tmpdir(), 'nethttp-external', `${name}-${suite.tag}`);
if (!existsSync(path.join(dir, 'node_modules')) || args.includes('--fresh')) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const mirror = process.env[`NETHTTP_EXTERNAL_GIT_${name.toUpperCase()}`];
  if (mirror) {
    console.error(`${name}: git archive ${suite.tag} from ${mirror}`);
    const tar = execFileSync('git', ['--git-dir', mirror, 'archive', suite.tag], { maxBuffer: 1 << 30 });
    execFileSync('tar', ['-x', '-C', dir], { input: tar });
  } else {
    console.error(`${name}: git clone ${suite.repo} at ${suite.tag}`);
    execFileSync('git', ['clone', '--quiet', '--depth', '1', '--branch', suite.tag, suite.repo, dir], { stdio: 'inherit' });
  }
  console.error(`${name}: npm install (its dependencies and devDependencies)`);
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel', 'error'], { cwd: dir, stdio: 'inherit' });
}

const summary = [];
for (const mode of modes) {
  const out = path.join(dir, `results-${mode}.json`);
  const statsFile = path.join(dir, `stats-${mode}.json`);
  rmSync(out, { force: true });
  rmSync(statsFile, { force: true });
  const mocha = path.join(dir, 'node_modules', 'mocha', 'bin', 'mocha.js');
  const r = spawnSync(process.execPath, [mocha, '--require', shim, ...suite.mocha, '--reporter', 'json', '--reporter-option', `output=${out}`], {
    cwd: dir,
    env: { ...process.env, NETHTTP_EXTERNAL_MODE: mode, NETHTTP_EXTERNAL_STATS: statsFile },
    stdio: ['ignore', 'inherit', 'inherit'],
    timeout: 20 * 60 * 1000,
  });
  if (!existsSync(out)) {
    console.error(`${name} ${mode}: mocha wrote no report (exit ${r.status ?? r.signal})`);
    summary.push({ mode, error: `no report (exit ${r.status ?? r.signal})` });
    continue;
  }
  const rep = JSON.parse(readFileSync(out, 'utf8'));
  const stats = existsSync(statsFile) ? JSON.parse(readFileSync(statsFile, 'utf8')) : {};
  const s = rep.stats;
  summary.push({ mode, tests: s.tests, passes: s.passes, failures: s.failures, pending: s.pending, ...stats });
  for (const f of rep.failures) {
    const msg = String(f.err?.message ?? '').split('\n')[0].slice(0, 160);
    console.log(`${mode}\tFAIL\t${f.fullTitle}\t${msg}`);
  }
}
console.log('');
console.table(summary);
console.error(`(the suite stays in ${dir} for the next run; --fresh fetches it again)`);
process.exit(summary.every((s) => s.failures === 0 && s.error === undefined) ? 0 : 1);
