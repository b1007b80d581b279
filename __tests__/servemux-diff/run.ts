/**
 * The ServeMux differential run against Go 1.23 (live mode: Go must be installed; see go-oracle.ts).
 *
 *   npm run mux-diff -- [--seed N] [--tables N] [--record] [--show N]
 *
 * Generates `--tables` seeded route tables with their requests, has Go's ServeMux and nethttp's answer each, and
 * reports every divergence, grouped by kind, each kind with a minimized case (fewest patterns, one request).
 * `--record` writes the Go outcomes as the committed fixture for that seed (fixtures/seed-N.jsonl), which
 * `npm test` replays without Go. Exit status 1 when anything diverged.
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { generateTable, type MuxTable } from './generate';
import { startOracle, type Oracle } from './go-oracle';
import { goQuote } from '../../src/mux/pattern';
import { bytesOf, compareTables, normalizeRegistration, packOutcome, readFixtures, replayFixture, replayTable, type ChancePair, type FixtureLine } from './replay';

// The committed fixtures live beside the sources (this file also runs compiled, from dist/).
const fixturesDir = path.join(__dirname.replace(`${path.sep}dist${path.sep}`, path.sep), 'fixtures');

function arg(name: string): string | undefined {
  const i = process.argv.indexOf('--' + name);
  return i < 0 ? undefined : (process.argv[i + 1] ?? '');
}

/** The kind of a difference line: which fields differ, without the values (registration texts are kept short). */
function kindOf(line: string): string {
  if (line.startsWith('register ')) {
    const goAccepts = line.includes(': Go accepts,');
    const ourAccepts = line.endsWith('nethttp accepts');
    return goAccepts ? 'register: only Go accepts' : ourAccepts ? 'register: only nethttp accepts' : 'register: different error';
  }
  const fields = [...line.matchAll(/(?:: |; )(\w+): Go /g)].map((m) => m[1]);
  return 'request: ' + fields.join(', ');
}

async function differs(oracle: Oracle, t: MuxTable): Promise<string[]> {
  const [go, ours] = await Promise.all([oracle.ask(t), replayTable(t)]);
  return compareTables(t, go, ours);
}

/**
 * Shrinks a diverging table while a difference of the same kind remains: first to one request (or none, for a
 * registration difference), then pattern by pattern.
 */
async function minimize(oracle: Oracle, t: MuxTable, kind: string): Promise<MuxTable> {
  const keeps = async (c: MuxTable): Promise<boolean> => (await differs(oracle, c)).some((l) => kindOf(l) === kind);
  let best = t;
  if (kind.startsWith('register')) {
    if (await keeps({ ...best, requests: [] })) best = { ...best, requests: [] };
  } else {
    for (const q of t.requests) {
      const c = { ...best, requests: [q] };
      if (await keeps(c)) {
        best = c;
        break;
      }
    }
  }
  for (let i = best.patterns.length - 1; i >= 0; i--) {
    const c = { ...best, patterns: best.patterns.filter((_, k) => k !== i) };
    if (await keeps(c)) best = c;
  }
  return best;
}

/** Without Go: every committed fixture replayed on nethttp. Returns the exit status. */
async function replayCommitted(): Promise<number> {
  let bad = 0;
  for (const { file, lines } of readFixtures(fixturesDir)) {
    let requests = 0;
    for (const line of lines) {
      requests += line.table.requests.length;
      for (const d of await replayFixture(line)) {
        if (bad++ < 20) console.log(`${line.table.id}: ${d}`);
      }
    }
    console.log(`${file}: ${lines.length} tables, ${requests} requests replayed`);
  }
  console.log(`${bad} divergences from the recorded Go outcomes`);
  return bad === 0 ? 0 : 1;
}

async function main(): Promise<void> {
  const seed = arg('seed') !== undefined ? Number(arg('seed')) : (Date.now() % 1_000_000_007) >>> 0;
  const tables = Number(arg('tables') ?? 3000);
  const show = Number(arg('show') ?? 3);
  const record = process.argv.includes('--record');
  const oracle = startOracle();
  if (oracle === null) {
    console.error('Go is not installed (put `go` on PATH or name it in GO=…): replaying the committed fixtures instead.');
    process.exit(await replayCommitted());
  }
  let requests = 0;
  let registrations = 0;
  let diverging = 0;
  let chanceChecked = 0;
  const byKind = new Map<string, { count: number; example: MuxTable; line: string }>();
  const fixture: string[] = [];
  for (let i = 0; i < tables; i++) {
    const t = generateTable(seed, i);
    const [go, ours] = await Promise.all([oracle.ask(t), replayTable(t)]);
    requests += t.requests.length;
    registrations += t.patterns.length;
    if (record) fixture.push(JSON.stringify({ table: t, reg: go.reg, res: go.res.map(packOutcome) } satisfies FixtureLine));
    const chance: ChancePair[] = [];
    const lines = compareTables(t, go, ours, chance);
    for (const [partner, p, said] of chance) {
      // Go named another conflicting pattern by chance: given nethttp's alone, it must say what nethttp said.
      const other = t.patterns.find((x) => bytesOf(goQuote(bytesOf(x))) === partner);
      const pair = await oracle.ask({ id: t.id + '/pair', patterns: [other ?? '', p], requests: [] });
      chanceChecked++;
      if (other === undefined || normalizeRegistration(pair.reg[1]) !== said) {
        lines.push(`register ${JSON.stringify(p)}: nethttp names ${partner}, which Go, given the pair alone, reports as ${JSON.stringify(pair.reg[1])}`);
      }
    }
    if (lines.length > 0) diverging++;
    for (const line of lines) {
      const kind = kindOf(line);
      const k = byKind.get(kind);
      if (k === undefined) byKind.set(kind, { count: 1, example: t, line });
      else k.count++;
    }
  }
  const total = [...byKind.values()].reduce((n, k) => n + k.count, 0);
  console.log(
    `seed ${seed}: ${tables} tables, ${registrations} registrations, ${requests} requests; ` +
      `${total} divergences in ${diverging} tables, ${byKind.size} kinds ` +
      `(${chanceChecked} conflicts where Go named a pattern by chance, checked pairwise)`,
  );
  let shown = 0;
  for (const [kind, k] of [...byKind].sort((a, b) => b[1].count - a[1].count)) {
    console.log(`\n${kind}: ${k.count}`);
    console.log(`  first seen: ${k.line}`);
    if (shown++ >= show) continue;
    const small = await minimize(oracle, k.example, kind);
    console.log(`  table ${k.example.id}, minimized:\n  ${JSON.stringify({ patterns: small.patterns, requests: small.requests })}`);
    for (const l of await differs(oracle, small)) console.log('  ' + l);
  }
  oracle.close();
  if (record) {
    mkdirSync(fixturesDir, { recursive: true });
    const file = path.join(fixturesDir, `seed-${seed}.jsonl`);
    writeFileSync(file, fixture.join('\n') + '\n');
    console.log(`\nrecorded ${file}`);
  }
  process.exit(total === 0 ? 0 : 1);
}

void main();
