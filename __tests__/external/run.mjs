#!/usr/bin/env node
// npm run external -- <suite> [--mode off|fallthrough|fallthrough-declined|native|native-express-errors|all] [--fresh]
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
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinModules, createRequire } from 'node:module';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const shim = path.join(root, 'dist', '__tests__', 'external', 'mocha-hooks.js');
const shimModule = path.join(root, 'dist', '__tests__', 'external', 'supertest-shim.js');
const jestHooks = path.join(root, 'dist', '__tests__', 'external', 'jest-hooks.js');
const mochaRoot = path.join(root, 'dist', '__tests__', 'external', 'mocha-root.js');

// Requests Go's server answers itself, before any handler: the same for every app.
const goAnswers = [
  {
    why: 'Go answers 400 before any handler for a target with an invalid percent escape (REQ-10, SRV-63)',
    test: (f) => /URL malformed$/.test(f.title),
  },
  {
    why: 'Go answers 400 before any handler for a malformed Host header (SRV-66); these tests send Host: http://example.com',
    test: (f) => /^res when accepting (html|text) should (escape the url|not render evil javascript|encode the url)/.test(f.title),
  },
];

// The failures of Express's suite that are accounted for, per mode (docs/middleware.md, "A whole Express app"):
// each names why. Any other failure, in any mode, is a divergence to triage.
const expressKnown = {
  native: [
    {
      why: "fromExpress's default error answer: Go's http.Error with the status text, not finalhandler's page with the error's message and stack",
      test: (f) => /^expected body '(Internal Server Error|Bad Request|Not Found|Forbidden)\\n' to match /.test(f.message),
    },
    ...goAnswers,
  ],
  // native, with Express's final handler answering what the app passes on (as an app ending in an
  // error-handling middleware does): what is left is Go's.
  'native-express-errors': goAnswers,
  // fallthrough with a catch-all pattern whose handler declines: the mux answers every cleaned path, so it
  // redirects an unclean one (//x, /a/../b) as Go does (MUX-66) before any handler could decline.
  'fallthrough-declined': [
    {
      why: "a mux whose patterns cover the cleaned path redirects an unclean path (MUX-66; docs/express-migration.md, uncleanPath)",
      test: (f) => /got 301 "Moved Permanently"$/.test(f.message) || /^expected "Location" of "\/users\/", got "\/users"$/.test(f.message),
    },
  ],
};

// Express 4's legacy res.sendfile test destroys req.socket: the stand-in has no socket (docs/middleware.md).
const noSocket = {
  why: 'no socket to destroy: req.socket is a stand-in (a known limit, docs/middleware.md)',
  test: (f) => f.title === 'res .sendfile(path, fn) should invoke the callback on socket error',
};

/** The suites: where they live, the pinned tag, and the mocha command line of their own `npm test`. */
const suites = {
  // Express 5 (our devDependency ^5.1.0 installs 5.3.0, whose tag the repository as fetched here lacks): v5.2.1, its
  // tests run against its own code at that tag.
  express: {
    repo: 'https://github.com/expressjs/express.git',
    tag: 'v5.2.1',
    mocha: ['--require', 'test/support/env', '--check-leaks', 'test/', 'test/acceptance/'],
    known: expressKnown,
  },
  // Express 4 (our devDependency express4 is ^4.21.2, installing 4.22.3, whose tag the repository as fetched here
  // lacks): 4.22.0, its tests against its own code. Known failures as for Express 5.
  express4: {
    repo: 'https://github.com/expressjs/express.git',
    tag: '4.22.0',
    mocha: ['--require', 'test/support/env', '--check-leaks', 'test/', 'test/acceptance/'],
    known: {
      ...expressKnown,
      native: [...expressKnown.native, noSocket],
      'native-express-errors': [...expressKnown['native-express-errors'], noSocket],
    },
  },
  // json-server 0.17 (an Express 4 application: a REST API over a JSON file), its jest suite of the server (the CLI
  // tests start their own processes and are left out).
  'json-server': {
    repo: 'https://github.com/typicode/json-server.git',
    tag: 'v0.17.4',
    modes: ['off', 'fallthrough', 'fallthrough-declined', 'native'],
    jest: ['--runInBand', '__tests__/server'],
    // Its jest (26) defaults to the jsdom environment, where timers are the browser's (no unref): a Node server
    // runs in jest's node environment (jest-environment.ts: that of jest 26, with the globals it predates).
    jestConfig: { testURL: 'http://localhost/' },
    jestEnvironment: 'node',
    env: { NODE_ENV: 'test' },
    known: {},
  },
};

const args = process.argv.slice(2);
const name = args.find((a) => !a.startsWith('--'));
const suite = suites[name];
if (suite === undefined) {
  console.error(`usage: npm run external -- <${Object.keys(suites).join('|')}> [--mode off|fallthrough|fallthrough-declined|native|native-express-errors|all] [--fresh]`);
  process.exit(2);
}
const modeArg = args.includes('--mode') ? args[args.indexOf('--mode') + 1] : 'all';
const modes = modeArg === 'all' ? (suite.modes ?? ['off', 'fallthrough', 'fallthrough-declined', 'native', 'native-express-errors']) : [modeArg];
if (!existsSync(shim)) {
  console.error('dist/ has no supertest-shim: run `npm run build` first');
  process.exit(2);
}

const dir = path.join(tmpdir(), 'nethttp-external', `${name}-${suite.tag}`);
if (!existsSync(path.join(dir, 'node_modules')) || args.includes('--fresh')) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const mirror = process.env[`NETHTTP_EXTERNAL_GIT_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`];
  if (mirror) {
    console.error(`${name}: git archive ${suite.tag} from ${mirror}`);
    const tar = execFileSync('git', ['--git-dir', mirror, 'archive', suite.tag], { maxBuffer: 1 << 30 });
    execFileSync('tar', ['-x', '-C', dir], { input: tar });
  } else {
    console.error(`${name}: git clone ${suite.repo} at ${suite.tag}`);
    execFileSync('git', ['clone', '--quiet', '--depth', '1', '--branch', suite.tag, suite.repo, dir], { stdio: 'inherit' });
  }
  console.error(`${name}: npm install (its dependencies and devDependencies)`);
  // `npm ci` where the suite commits its lock file: the versions its authors ran.
  const how = existsSync(path.join(dir, 'package-lock.json')) ? 'ci' : 'install';
  execFileSync('npm', [how, '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel', 'error'], { cwd: dir, stdio: 'inherit' });
}

function mochaBin() {
  const pkg = JSON.parse(readFileSync(path.join(dir, 'node_modules', 'mocha', 'package.json'), 'utf8'));
  const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin.mocha;
  return path.join(dir, 'node_modules', 'mocha', bin);
}
function mochaMajor() {
  if (!existsSync(path.join(dir, 'node_modules', 'mocha', 'package.json'))) return 0;
  return Number(JSON.parse(readFileSync(path.join(dir, 'node_modules', 'mocha', 'package.json'), 'utf8')).version.split('.')[0]);
}

/** A folder of one file per core module, `module.exports = require('<name>')`, for jest's moduleNameMapper. */
function coreStubs() {
  const d = path.join(dir, '.nethttp-core');
  mkdirSync(d, { recursive: true });
  for (const m of builtinModules) {
    if (m.startsWith('_')) continue;
    const f = path.join(d, `${m}.js`);
    mkdirSync(path.dirname(f), { recursive: true });
    writeFileSync(f, `module.exports = require(${JSON.stringify(m)});\n`);
  }
  return d;
}

/** Mocha's JSON report as it is; jest's made into the same shape. */
function normalise(rep) {
  if (rep.stats !== undefined) return rep;
  const failures = [];
  for (const file of rep.testResults) {
    for (const a of file.assertionResults) {
      if (a.status === 'failed') failures.push({ fullTitle: a.fullName, err: { message: String(a.failureMessages?.[0] ?? '') } });
    }
    // A file that failed as a whole (it did not load) counts once.
    if (file.assertionResults.length === 0 && file.status === 'failed') failures.push({ fullTitle: file.name, err: { message: file.message } });
  }
  return {
    stats: { tests: rep.numTotalTests, passes: rep.numPassedTests, failures: failures.length, pending: rep.numPendingTests + rep.numTodoTests },
    failures,
  };
}

const summary = [];
for (const mode of modes) {
  const out = path.join(dir, `results-${mode}.json`);
  const statsFile = path.join(dir, `stats-${mode}.json`);
  rmSync(out, { force: true });
  rmSync(statsFile, { force: true });
  const env = {
    ...process.env,
    ...suite.env,
    NETHTTP_EXTERNAL_MODE: mode === 'native-express-errors' ? 'native' : mode === 'fallthrough-declined' ? 'fallthrough' : mode,
    NETHTTP_EXTERNAL_DECLINE: mode === 'fallthrough-declined' ? '1' : '',
    NETHTTP_EXTERNAL_ERRORS: mode === 'native-express-errors' ? 'express' : '',
    NETHTTP_EXTERNAL_STATS: statsFile,
    NETHTTP_EXTERNAL_SUPERTEST: createRequire(path.join(dir, 'package.json')).resolve('supertest'),
  };
  let argv;
  if (suite.jest !== undefined) {
    // The suite's jest config, with 'supertest' mapped to the shim, its hooks, and nethttp's files left as built.
    const config = {
      ...suite.jestConfig,
      rootDir: dir,
      // Jest before 27 cannot load `node:` modules, which nethttp's files name: each maps to a file that
      // requires the unprefixed name.
      moduleNameMapper: { '^supertest$': shimModule, '^node:(.*)$': path.join(coreStubs(), '$1.js') },
      setupFilesAfterEnv: [jestHooks],
      ...(suite.jestEnvironment === 'node' ? { testEnvironment: path.join(root, 'dist', '__tests__', 'external', 'jest-environment.js') } : {}),
      transformIgnorePatterns: ['/node_modules/', '^' + root.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + '/'],
    };
    argv = [path.join(dir, 'node_modules', 'jest', 'bin', 'jest.js'), ...suite.jest, '--config', JSON.stringify(config), '--json', '--outputFile', out];
  } else if (mochaMajor() >= 9) {
    argv = [mochaBin(), '--require', shim, ...suite.mocha, '--reporter', 'json', '--reporter-option', `output=${out}`];
  } else {
    // An older mocha: no root-hook plugins (the hooks come as a first test file) and the JSON report on stdout.
    argv = [mochaBin(), '--require', shimModule, '--file', mochaRoot, ...suite.mocha, '--reporter', 'json'];
  }
  const toStdout = suite.jest === undefined && mochaMajor() < 9;
  const r = spawnSync(process.execPath, argv, { cwd: dir, env, stdio: ['ignore', toStdout ? 'pipe' : 'inherit', 'inherit'], timeout: 20 * 60 * 1000, maxBuffer: 1 << 28 });
  if (toStdout) {
    // What the tests print comes before the report: the report is the last JSON object.
    const text = String(r.stdout ?? '');
    const at = text.lastIndexOf('{\n  "stats"');
    if (at !== -1) writeFileSync(out, text.slice(at));
  }
  if (!existsSync(out)) {
    console.error(`${name} ${mode}: the test runner wrote no report (exit ${r.status ?? r.signal})`);
    summary.push({ mode, error: `no report (exit ${r.status ?? r.signal})` });
    continue;
  }
  const rep = normalise(JSON.parse(readFileSync(out, 'utf8')));
  const stats = existsSync(statsFile) ? JSON.parse(readFileSync(statsFile, 'utf8')) : {};
  const s = rep.stats;
  const { kept, ...counts } = stats;
  if (kept?.length) console.log(`${mode}\tthe mux did not pass on: ${kept.join(', ')}`);
  const known = suite.known?.[mode] ?? [];
  const why = new Map();
  let unexplained = 0;
  for (const f of rep.failures) {
    const msg = String(f.err?.message ?? '').split('\n')[0];
    const k = known.find((k) => k.test({ title: f.fullTitle, message: msg }));
    if (k === undefined) unexplained++;
    else why.set(k.why, (why.get(k.why) ?? 0) + 1);
    console.log(`${mode}\t${k === undefined ? 'UNEXPLAINED' : 'known'}\t${f.fullTitle}\t${msg.slice(0, 160)}`);
  }
  for (const [w, n] of why) console.log(`${mode}\t${n} known: ${w}`);
  summary.push({ mode, tests: s.tests, passes: s.passes, failures: s.failures, unexplained, pending: s.pending, ...counts });
}
console.log('');
console.table(summary);
console.error(`(the suite stays in ${dir} for the next run; --fresh fetches it again)`);
process.exit(summary.every((s) => s.unexplained === 0 && s.error === undefined) ? 0 : 1);
