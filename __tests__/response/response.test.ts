/**
 * The response core's log lines name the handler's own line (RSP-17): nethttp's frames are skipped by where the
 * package lives, not by a folder name, so an application whose code sits in its own `src/` is still named.
 */

import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { inject } from '../../adapters/httptest';
import type { ResponseWriter } from '../../src';

// Go's recorder logs nothing (it is not a server): the lines are read from the core, run by inject.
async function logsOf(h: (w: ResponseWriter) => void): Promise<string[]> {
  const lines: string[] = [];
  await inject(h, '/', { errorLog: { error: (m) => void lines.push(m) } });
  return lines;
}

test('a superfluous writeHeader names the handler line, also from an app folder called src/', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'caller-'));
  try {
    mkdirSync(path.join(dir, 'src'));
    const file = path.join(dir, 'src', 'app-handler.js');
    writeFileSync(file, 'exports.handle = function appHandler(w) {\n  w.writeHeader(200);\n  w.writeHeader(500);\n};\n');
    const { handle } = require(file) as { handle: (w: ResponseWriter) => void };
    // Called through a HandlerFunc, V8 names the function as a method of it (`FuncHandler.appHandler [as fn]`).
    const logs = await logsOf(handle);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(/^http: superfluous response\.WriteHeader call from \S*appHandler.* \(app-handler\.js:3\)$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the caller is the test itself when it calls writeHeader twice', async () => {
  const logs = await logsOf((w) => {
    w.writeHeader(201);
    w.writeHeader(202);
  });
  expect(logs[0]).toMatch(/^http: superfluous response\.WriteHeader call from .*\(response\.test\.ts:\d+\)$/);
});

test('header values are trimmed and cleaned every time, also when the same value comes again (RSP-13)', async () => {
  // headerLines remembers the last value that needs no cleaning: a value with surrounding tabs or a CR must not
  // pass as one, the first time or the second.
  for (let round = 0; round < 2; round++) {
    for (const [given, sent] of [['plain', 'plain'], ['\tpadded\t', 'padded'], [' sp ', 'sp'], ['a\rb', 'a b'], ['plain', 'plain']]) {
      const res = await inject((w) => {
        w.header().set('X-V', given);
        w.write('x');
      }, '/');
      expect(res.headers['x-v']).toBe(sent);
    }
  }
});
