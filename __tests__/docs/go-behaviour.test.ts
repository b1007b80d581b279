/**
 * docs/go-behaviour.md is the project's index of Go 1.23 behaviours: every ID the project cites (SRV, RSP, MUX,
 * REQ, SNF, FS and PRX numbers) has an entry there naming the Go source it comes from, the file here that implements it
 * and what tests it. This keeps the index true: each failure line says what to fix.
 *
 * - every ID cited under src/, adapters/, __tests__/, docs/, examples/, bench/ and in README.md has an entry;
 * - each entry is well-formed, in its prefix's section, in numeric order, with an anchor named after its ID;
 * - every Go declaration it names exists in that file of Go 1.23 (go-decls.json, recorded from Go's source by
 *   go-decls/main.go; re-checked against a live Go when one is found on PATH or in GO);
 * - every file it names exists; an implementation file (under src/ or adapters/) and a test file (a *.test.ts)
 *   must cite the ID themselves, so that moving or deleting the code or the test breaks the link loudly;
 * - every conformance-kit or file-server golden case it names exists, and so does every path named in its prose.
 */

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';

const root = path.join(__dirname, '..', '..');
const INDEX = 'docs/go-behaviour.md';
const PREFIXES = ['SRV', 'RSP', 'MUX', 'REQ', 'SNF', 'FS', 'PRX'];
// Built from parts so that this file cites no ID itself.
const ID_RE = new RegExp(`\\b(${PREFIXES.join('|')})-(\\d+)\\b`, 'g');
const SCANNED = ['src', 'adapters', '__tests__', 'docs', 'examples', 'bench'];
const SCANNED_EXT = /\.(ts|js|mjs|cjs|md|go|json|txt)$/;

function read(rel: string): string {
  return readFileSync(path.join(root, rel), 'utf8');
}

function walk(rel: string, out: string[]): void {
  const abs = path.join(root, rel);
  if (!existsSync(abs)) return;
  for (const name of readdirSync(abs)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const child = rel + '/' + name;
    if (statSync(path.join(root, child)).isDirectory()) walk(child, out);
    else if (SCANNED_EXT.test(name)) out.push(child);
  }
}

/** Every citation in the project outside the index: `file:line` per ID. */
function citations(): Map<string, string[]> {
  const files: string[] = ['README.md'];
  for (const d of SCANNED) walk(d, files);
  const out = new Map<string, string[]>();
  for (const f of files) {
    if (f === INDEX) continue;
    read(f).split('\n').forEach((line, i) => {
      for (const m of line.matchAll(ID_RE)) {
        const where = `${f}:${i + 1}`;
        const list = out.get(m[0]) ?? [];
        if (list[list.length - 1] !== where) list.push(where);
        out.set(m[0], list);
      }
    });
  }
  return out;
}

function cites(text: string, id: string): boolean {
  return new RegExp(`\\b${id}\\b`).test(text);
}

interface Entry {
  id: string;
  line: number;
  section: string;
  text: string;
}

/** The entries of the index: a list item `- <a id="ID"></a>**ID** · …` and its indented continuation lines. */
function entries(): { list: Entry[]; problems: string[] } {
  const lines = read(INDEX).split('\n');
  const list: Entry[] = [];
  const problems: string[] = [];
  let section = '';
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    const h = /^## (\w+) — /.exec(l);
    if (h) section = h[1];
    if (!l.startsWith('- <a id=')) continue;
    const m = /^- <a id="([A-Z]+-\d+)"><\/a>\*\*([A-Z]+-\d+)\*\* · /.exec(l);
    if (!m || m[1] !== m[2]) {
      problems.push(`${INDEX}:${i + 1}: an entry must start "- <a id="ID"></a>**ID** · ", with the same ID twice`);
      continue;
    }
    let text = l;
    while (i + 1 < lines.length && lines[i + 1].startsWith('  ')) text += '\n' + lines[++i];
    list.push({ id: m[1], line: i + 1, section, text });
  }
  return { list, problems };
}

const num = (id: string): number => Number(id.slice(id.indexOf('-') + 1));

function backticked(s: string): string[] {
  return [...s.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
}

const goDecls = JSON.parse(read('__tests__/docs/go-decls.json')) as { go: string; files: Record<string, string[]> };

function kitCases(): Set<string> {
  const dir = '__tests__/conformance/kit/cases';
  const ids = new Set<string>();
  for (const f of readdirSync(path.join(root, dir))) {
    for (const c of (JSON.parse(read(`${dir}/${f}`)) as { cases: { id: string }[] }).cases) ids.add(c.id);
  }
  return ids;
}

function goldenCases(): Set<string> {
  return new Set((JSON.parse(read('__tests__/file-server.golden.json')) as { cases: { id: string }[] }).cases.map((c) => c.id));
}

const { list, problems: shapeProblems } = entries();
const byId = new Map(list.map((e) => [e.id, e]));

test('every ID cited in the project has an entry in docs/go-behaviour.md', () => {
  const missing: string[] = [];
  for (const [id, where] of citations()) {
    if (!byId.has(id)) {
      missing.push(`${id} is cited at ${where.join(', ')} but ${INDEX} has no entry for it: add one (what Go 1.23 does, Go:, Here:, Test:) or correct the citation`);
    }
  }
  expect(missing).toEqual([]);
});

test('entries are well-formed, unique, in their section and in numeric order', () => {
  const problems = [...shapeProblems];
  const seen = new Set<string>();
  let prev: Entry | null = null;
  for (const e of list) {
    const prefix = e.id.slice(0, e.id.indexOf('-'));
    if (seen.has(e.id)) problems.push(`${INDEX}:${e.line}: ${e.id} has a second entry`);
    seen.add(e.id);
    if (prefix !== e.section) problems.push(`${INDEX}:${e.line}: ${e.id} sits in the "${e.section}" section; move it to "## ${prefix} — …"`);
    if (prev !== null && prev.section === e.section && num(prev.id) >= num(e.id)) {
      problems.push(`${INDEX}:${e.line}: ${e.id} comes after ${prev.id}; keep each section in numeric order`);
    }
    if (!/\n {2}Go: .+ · Here: .+ · Test: .+$/.test(e.text)) {
      problems.push(`${INDEX}:${e.line}: ${e.id} needs a second line "  Go: … · Here: … · Test: …"`);
    }
    prev = e;
  }
  for (const p of PREFIXES) {
    if (!list.some((e) => e.id.startsWith(p + '-'))) problems.push(`${INDEX}: no entry in the ${p} section`);
  }
  expect(problems).toEqual([]);
});

function fields(e: Entry): { go: string; here: string; tests: string } | null {
  const m = /\n {2}Go: (.+) · Here: (.+) · Test: (.+)$/.exec(e.text);
  return m ? { go: m[1], here: m[2], tests: m[3] } : null;
}

test('every Go declaration named exists in that file of Go 1.23', () => {
  const problems: string[] = [];
  for (const e of list) {
    const f = fields(e);
    if (f === null) continue;
    let file: string | null = null;
    let named = 0;
    for (const tok of backticked(f.go)) {
      if (tok.endsWith('.go')) {
        file = tok;
        if (goDecls.files[file] === undefined) {
          problems.push(`${e.id}: Go names ${file}, which is not a file of the recorded packages (__tests__/docs/go-decls/main.go lists them)`);
        }
        continue;
      }
      named++;
      if (file === null) problems.push(`${e.id}: Go names \`${tok}\` before any file; write \`net/http/server.go\` \`${tok}\``);
      else if (goDecls.files[file] !== undefined && !goDecls.files[file].includes(tok)) {
        problems.push(`${e.id}: Go names ${file} \`${tok}\`, which Go 1.23's ${file} does not declare (see __tests__/docs/go-decls.json)`);
      }
    }
    if (named === 0) problems.push(`${e.id}: Go names no function or declaration`);
  }
  expect(problems).toEqual([]);
});

test('every implementation file named exists and cites the ID', () => {
  const problems: string[] = [];
  for (const e of list) {
    const f = fields(e);
    if (f === null) continue;
    const files = backticked(f.here);
    if (files.length === 0) problems.push(`${e.id}: Here names no file`);
    for (const file of files) {
      if (!/^(src|adapters)\//.test(file)) problems.push(`${e.id}: Here names ${file}; an implementation lives under src/ or adapters/`);
      else if (!existsSync(path.join(root, file))) problems.push(`${e.id}: Here names ${file}, which does not exist (moved? update the path)`);
      else if (!cites(read(file), e.id)) {
        problems.push(`${e.id}: Here names ${file}, which does not cite ${e.id}: cite it where the behaviour is implemented, or name the file that does`);
      }
    }
  }
  expect(problems).toEqual([]);
});

test('every test named exists and pins the ID', () => {
  const kit = kitCases();
  const golden = goldenCases();
  const problems: string[] = [];
  for (const e of list) {
    const f = fields(e);
    if (f === null) continue;
    let kind: 'file' | 'kit' | 'golden' = 'file';
    let n = 0;
    for (const m of f.tests.matchAll(/\b(kit|golden)\b|`([^`]+)`/g)) {
      if (m[1] !== undefined) {
        kind = m[1] as 'kit' | 'golden';
        continue;
      }
      const tok = m[2];
      n++;
      if (tok.includes('/')) {
        kind = 'file';
        if (!tok.endsWith('.test.ts')) problems.push(`${e.id}: Test names ${tok}, which is not a test file (*.test.ts)`);
        else if (!existsSync(path.join(root, tok))) problems.push(`${e.id}: Test names ${tok}, which does not exist (moved? update the path)`);
        else if (!cites(read(tok), e.id)) problems.push(`${e.id}: Test names ${tok}, which does not cite ${e.id}: cite it in the test that pins it`);
      } else if (kind === 'kit') {
        if (!kit.has(tok)) problems.push(`${e.id}: Test names kit case ${tok}, which no file of __tests__/conformance/kit/cases has`);
      } else if (kind === 'golden') {
        if (!golden.has(tok)) problems.push(`${e.id}: Test names golden case ${tok}, which __tests__/file-server.golden.json does not have`);
      } else {
        problems.push(`${e.id}: Test names \`${tok}\`: write a test file path, or kit \`case\` or golden \`case\``);
      }
    }
    if (n === 0) problems.push(`${e.id}: Test names nothing`);
  }
  expect(problems).toEqual([]);
});

test('every repository path the page names, in entries or prose, exists', () => {
  const missing: string[] = [];
  read(INDEX).split('\n').forEach((line, i) => {
    for (const tok of backticked(line)) {
      const p = tok.replace(/\/$/, '');
      if (/^(src|adapters|__tests__|docs|examples|bench)\/[\w./-]+$/.test(p) && !existsSync(path.join(root, p))) {
        missing.push(`${INDEX}:${i + 1} names ${tok}, which does not exist (moved? update the path)`);
      }
    }
  });
  expect(missing).toEqual([]);
});

test('README.md and docs/architecture.md link the index', () => {
  expect(read('README.md')).toContain('(docs/go-behaviour.md)');
  expect(read('docs/architecture.md')).toContain('(go-behaviour.md)');
});

// Go is needed only to re-record go-decls.json; when it is at hand, the recording must be current.
const GO = process.env.GO ?? 'go';
const haveGo = spawnSync(GO, ['version'], { encoding: 'utf8' }).status === 0;
(haveGo ? test : test.skip)('go-decls.json is what go-decls/main.go records from the Go found (Go 1.23)', () => {
  const out = execFileSync(GO, ['run', '.'], { cwd: path.join(__dirname, 'go-decls'), encoding: 'utf8', maxBuffer: 1 << 24 });
  const live = JSON.parse(out) as typeof goDecls;
  expect(live.go).toMatch(/^go1\.23(\.|$)/);
  expect(live.files).toEqual(goDecls.files);
}, 120_000);
