/**
 * The response core's log lines name the handler's own line (RSP-17): nethttp's frames are skipped by where the
 * package lives, not by a folder name, so an application whose code sits in its own `src/` is still named.
 */

import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { newRecorder } from '../adapters/httptest';
import type { ResponseWriter } from '../src';

test('a superfluous writeHeader names the handler line, also from an app folder called src/', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'caller-'));
  try {
    mkdirSync(path.join(dir, 'src'));
    const file = path.join(dir, 'src', 'app-handler.js');
    writeFileSync(file, 'exports.handle = function appHandler(w) {\n  w.writeHeader(200);\n  w.writeHeader(500);\n};\n');
    const { handle } = require(file) as { handle: (w: ResponseWriter) => void };
    const rec = newRecorder();
    handle(rec);
    expect(rec.logs).toEqual(['http: superfluous response.WriteHeader call from appHandler (app-handler.js:3)']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the caller is the test itself when it calls writeHeader twice', () => {
  const rec = newRecorder();
  rec.writeHeader(201);
  rec.writeHeader(202);
  expect(rec.logs[0]).toMatch(/^http: superfluous response\.WriteHeader call from .*\(response\.test\.ts:\d+\)$/);
});
