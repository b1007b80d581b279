/**
 * The response core's log lines name the handler's own line (RSP-17): nethttp's frames are skipped by where the
 * package lives, not by a folder name, so an application whose code sits in its own `src/` is still named.
 */

import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { inject } from '../../adapters/httptest';
import { writeJSON, type ResponseWriter } from '../../src';

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

test('the map held across writeHeader does not reach the head, whatever is changed through it (RSP-15, RSP-16)', async () => {
  // The snapshot of a header with only ordinary fields is taken as its lines: a value added to an existing key
  // (which pushes onto the same array), a value replaced, a key added or deleted after writeHeader must all stay out.
  const res = await inject((w) => {
    const h = w.header();
    h.set('Content-Type', 'text/x-early');
    h.set('X-Kept', 'one');
    w.writeHeader(202);
    h.add('X-Kept', 'two');
    h.set('Content-Type', 'text/x-late');
    h.set('X-Late', 'too late');
    h.del('X-Kept');
    w.header().set('X-Later', 'too late');
    w.write('accepted');
  }, '/');
  expect([res.statusCode, res.headers['content-type'], res.headers['x-kept'], res.headers['x-late'], res.headers['x-later']]).toEqual([202, 'text/x-early', 'one', undefined, undefined]);
  // One key alone (the lines made at their size), changed through the held map.
  const one = await inject((w) => {
    const h = w.header();
    h.set('X-Only', 'first');
    w.writeHeader(200);
    h.add('X-Only', 'second');
    w.write('x');
  }, '/');
  expect(one.headers['x-only']).toBe('first');
  // First asked for after the status was fixed: nothing set through it is sent, also on a 304.
  const late = await inject((w) => {
    w.writeHeader(304);
    w.header().set('X-After', 'late');
  }, '/');
  expect([late.statusCode, late.headers['x-after']]).toEqual([304, undefined]);
  // writeJSON on an untouched response notes its type without a map: a map asked for afterwards still holds it,
  // and nothing set through it is sent.
  const json = await inject((w) => {
    writeJSON(w, 201, { a: 1 });
    w.header().set('X-After', 'late');
    w.header().set('Content-Type', 'text/x-late');
  }, '/');
  expect([json.statusCode, json.headers['content-type'], json.headers['x-after'], json.body]).toEqual([201, 'application/json', undefined, '{"a":1}\n']);
});
