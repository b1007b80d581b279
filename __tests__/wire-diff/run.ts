/**
 * The wire differential run against Go 1.23 (live mode: Go must be installed; see go-oracle.ts).
 *
 *   npm run wire-diff -- [--seed N] [--cases N] [--from N] [--record] [--show N] [--jobs N]
 *
 * Generates `--cases` seeded connections (one to four pipelined requests each, cut at random byte positions),
 * plays each to Go's server and to nethttp's with the same handler, and reports every divergence in the number
 * of responses, the status sequence, the responses, what was answered before the end of input and whether the
 * server closed the connection — grouped by kind, each kind with a minimized case. `--record` writes Go's
 * outcomes as the fixture for that seed (fixtures/seed-N.jsonl), which `npm test` replays without Go. Without Go,
 * the committed fixtures are replayed. Exit status 1 when anything diverged.
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { exchange, normalize, type Outcome } from './exchange';
import { generateCase, type WireCase } from './generate';
import { startGoServer } from './go-oracle';
import { compareOutcomes, kindOf, pool, readFixtures, replayLine, startOurs, type FixtureLine } from './replay';

const fixturesDir = path.join(__dirname.replace(`${path.sep}dist${path.sep}`, path.sep), 'fixtures');
const QUIET = 150;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf('--' + name);
  return i < 0 ? undefined : (process.argv[i + 1] ?? '');
}

// Go first; then nethttp, given as long as a replay gives it to send what Go sent before the end of input and to
// close where Go closed (a loaded machine makes a fixed quiet time flaky, for the side in this process most).
async function both(goPort: number, ourPort: number, pieces: string[]): Promise<[Outcome, Outcome]> {
  const go = await exchange(goPort, pieces, { quietMs: QUIET });
  const ours = await exchange(ourPort, pieces, { quietMs: 60, expectEarly: go.early.length, expectClose: go.closedEarly, patienceMs: 3000 });
  return [go, ours];
}

/** Shrinks a case while a difference of the same kind remains: one piece, then fewer bytes. */
async function minimize(goPort: number, ourPort: number, c: WireCase, kind: string): Promise<string[]> {
  const keeps = async (p: string[]): Promise<boolean> => {
    const [g, o] = await both(goPort, ourPort, p);
    return compareOutcomes(g, o).some((l) => kindOf(l) === kind);
  };
  let pieces = c.pieces;
  if (pieces.length > 1 && (await keeps([pieces.join('')]))) pieces = [pieces.join('')];
  if (pieces.length > 1) return pieces;
  let s = pieces[0];
  let trials = 0;
  for (let span = Math.max(1, s.length >> 1); span >= 1 && trials < 150; span >>= 1) {
    for (let at = 0; at + span <= s.length && trials < 150; ) {
      const t = s.slice(0, at) + s.slice(at + span);
      trials++;
      if (t.length > 0 && (await keeps([t]))) s = t;
      else at += span;
    }
  }
  return [s];
}

async function replayCommitted(): Promise<number> {
  const ours = await startOurs();
  let bad = 0;
  for (const { file, lines } of readFixtures(fixturesDir)) {
    const res = await pool(lines, 16, (l) => replayLine(ours.port, l));
    res.forEach((d, i) => {
      for (const x of d) if (bad++ < 20) console.log(`${lines[i].case.id}: ${x}`);
    });
    console.log(`${file}: ${lines.length} cases replayed`);
  }
  await ours.close();
  console.log(`${bad} divergences from the recorded Go outcomes`);
  return bad === 0 ? 0 : 1;
}

async function main(): Promise<void> {
  const seed = arg('seed') !== undefined ? Number(arg('seed')) : (Date.now() % 1_000_000_007) >>> 0;
  const cases = Number(arg('cases') ?? 2000);
  const from = Number(arg('from') ?? 0);
  const show = Number(arg('show') ?? 5);
  const jobs = Number(arg('jobs') ?? 24);
  const record = process.argv.includes('--record');
  const go = await startGoServer();
  if (go === null) {
    console.error('Go is not installed (put `go` on PATH or name it in GO=…): replaying the committed fixtures instead.');
    process.exit(await replayCommitted());
  }
  const ours = await startOurs();
  const list = Array.from({ length: cases }, (_, i) => generateCase(seed, from + i));
  const byKind = new Map<string, { count: number; example: WireCase; line: string }>();
  const fixture: string[] = [];
  let requests = 0;
  let diverging = 0;
  const t0 = Date.now();
  const results = await pool(list, jobs, async (c) => {
    const [g, o] = await both(go.port, ours.port, c.pieces);
    return { c, g, o, diffs: compareOutcomes(g, o) };
  });
  for (const { c, g, diffs } of results) {
    requests += c.requests;
    if (record) fixture.push(JSON.stringify({ case: c, go: { early: normalize(g.early), all: normalize(g.all), closedEarly: g.closedEarly } } satisfies FixtureLine));
    if (diffs.length > 0) diverging++;
    for (const line of diffs) {
      const kind = kindOf(line);
      const k = byKind.get(kind);
      if (k === undefined) byKind.set(kind, { count: 1, example: c, line });
      else k.count++;
    }
  }
  console.log(`seed ${seed}: ${cases} connections, ${requests} requests generated; ${diverging} connections diverge, ${byKind.size} kinds (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  let shown = 0;
  for (const [kind, k] of [...byKind].sort((a, b) => b[1].count - a[1].count)) {
    console.log(`\n${kind}: ${k.count}\n  first seen (${k.example.id}): ${k.line.slice(0, 600)}`);
    if (shown++ >= show) continue;
    const small = await minimize(go.port, ours.port, k.example, kind);
    console.log(`  minimized: ${JSON.stringify(small)}`);
    const [g, o] = await both(go.port, ours.port, small);
    for (const l of compareOutcomes(g, o)) console.log('  ' + l.slice(0, 600));
  }
  go.close();
  await ours.close();
  if (record) {
    mkdirSync(fixturesDir, { recursive: true });
    const file = path.join(fixturesDir, `seed-${seed}.jsonl`);
    writeFileSync(file, fixture.join('\n') + '\n');
    console.log(`\nrecorded ${file}`);
  }
  process.exit(diverging === 0 ? 0 : 1);
}

void main();
