/**
 * The nethttp side of the ServeMux differential test: registers a generated route table on a {@link ServeMux} and
 * answers its requests the way the Go oracle (oracle/main.go) answers them with Go 1.23's, in the same shape, so
 * the two can be compared field by field.
 */

import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Header, PatternError, Request, ServeMux, type ResponseWriter } from '../../src/index';
import { parseRequestTarget } from '../../src/request/url';
import { binaryOf, textOf } from '../../src/internal/text';
import { goQuote, parsePattern } from '../../src/mux/pattern';
import { newRecorder } from '../../adapters/httptest';
import { wildcardNames } from '../conformance/mux-echo-server';
import type { MuxTable } from './generate';

/** What the mux did with one request. Strings are byte strings (one character a byte), as the oracle writes them. */
export interface RequestOutcome {
  /** The request line could not be parsed (Go's ReadRequest failed). */
  bad?: true;
  code?: number;
  location?: string;
  allow?: string;
  /** What `ServeMux.handler(r)` reports. */
  handlerPattern?: string;
  /** The body the mux itself wrote (404, 405, 301, 400), when no registered handler ran. */
  body?: string;
  /** The index in the table of the handler that ran, with `r.pattern` and its path values as it saw them. */
  h?: number;
  pattern?: string;
  values?: string[];
  /** Go's handler panicked reading a path value (Go's PathValue indexes past the values it was given). */
  panic?: string;
}

const FIELDS = ['bad', 'code', 'location', 'allow', 'handlerPattern', 'body', 'h', 'pattern', 'values', 'panic'] as const;

/** A request's outcome as a fixture stores it: its fields in a fixed order, null where absent, nulls at the end cut. */
export function packOutcome(o: RequestOutcome): unknown[] {
  const out: unknown[] = FIELDS.map((f) => o[f] ?? null);
  while (out.length > 0 && out[out.length - 1] === null) out.pop();
  return out;
}

/** The inverse of {@link packOutcome}. */
export function unpackOutcome(a: unknown[]): RequestOutcome {
  const o: Record<string, unknown> = {};
  a.forEach((v, i) => {
    if (v !== null) o[FIELDS[i]] = v;
  });
  return o as RequestOutcome;
}

/** One line of a fixture file: a table and Go's outcome for it. */
export interface FixtureLine {
  table: MuxTable;
  reg: Array<string | null>;
  res: unknown[][];
}

/** The outcome of one table: each registration (null when accepted, else the error text) and each request's. */
export interface TableOutcome {
  id: string;
  reg: Array<string | null>;
  res: RequestOutcome[];
}

/**
 * The bytes of a text, one character a byte (how the oracle writes Go strings). nethttp's strings are text whose
 * bytes are exactly Go's (a byte that is not UTF-8 is U+DC80–U+DCFF, src/internal/text.ts), so every field compares
 * as bytes.
 */
export function bytesOf(text: string): string {
  return binaryOf(text);
}

/** A request as the native server hands it to its handler, or null where Go's reader refuses the request line. */
export function serverRequest(method: string, host: string, target: string): Request | null {
  // The request line's bytes as text, as the native reader decodes them.
  const url = parseRequestTarget(method, textOf(target));
  if (url === null) return null;
  const r = new Request(method, url, new Header());
  r.requestURI = textOf(target);
  r.host = url.host !== '' ? url.host : textOf(host);
  return r;
}

/** Registers the table's patterns on `mux`, each with a handler that records what it saw into `seen`. */
export function registerTable(mux: ServeMux, patterns: readonly string[], seen: { last: RequestOutcome | null }): Array<string | null> {
  return patterns.map((p, i) => {
    const names = wildcardNames(p);
    try {
      mux.handleFunc(p, (_w: ResponseWriter, r: Request) => {
        seen.last = { h: i, pattern: bytesOf(r.pattern), values: names.map((n) => bytesOf(r.pathValue(n))) };
      });
      return null;
    } catch (err) {
      if (err instanceof PatternError) return bytesOf(err.message);
      return `nethttp crash: ${bytesOf(String((err as Error).stack ?? err))}`;
    }
  });
}

/** Answers one request on `mux` as the oracle does. */
export async function replayRequest(mux: ServeMux, seen: { last: RequestOutcome | null }, [method, host, target]: [string, string, string]): Promise<RequestOutcome> {
  const r = serverRequest(method, host, target);
  if (r === null) return { bad: true };
  try {
    const handlerPattern = bytesOf(mux.handler(r).pattern);
    seen.last = null;
    const w = newRecorder();
    await mux.serveHTTP(w, r);
    const out: RequestOutcome = {
      code: w.code,
      location: bytesOf(w.header().get('Location')),
      allow: w.header().get('Allow'),
      handlerPattern,
    };
    if (seen.last === null) out.body = w.body.toString('latin1');
    else Object.assign(out, seen.last);
    return out;
  } catch (err) {
    return { body: `nethttp crash: ${String((err as Error).stack ?? err)}` };
  }
}

/** Registers a table on a new mux and answers all of its requests. */
export async function replayTable(t: MuxTable): Promise<TableOutcome> {
  const mux = new ServeMux({ warnExpressSyntax: false });
  const seen: { last: RequestOutcome | null } = { last: null };
  const reg = registerTable(mux, t.patterns, seen);
  const res: RequestOutcome[] = [];
  for (const q of t.requests) res.push(await replayRequest(mux, seen, q));
  return { id: t.id, reg, res };
}

// Where a pattern was registered differs between the two programs by nature.
const location = /\(registered at .*?:\d+\)/g;

/** A registration error's text with the registration places blanked out. */
export function normalizeRegistration(s: string | null): string | null {
  return s === null ? null : s.replace(location, '(registered at _)');
}

/** The registered pattern a conflict message names second, or null for another message. */
export function conflictPartner(pattern: string, msg: string | null): string | null {
  if (msg === null) return null;
  const head = bytesOf(`pattern ${goQuote(bytesOf(pattern))} (registered at _) conflicts with pattern `);
  const norm = normalizeRegistration(msg)!;
  if (!norm.startsWith(head)) return null;
  const rest = norm.slice(head.length);
  const end = rest.indexOf(' (registered at _):\n');
  return end < 0 ? null : rest.slice(0, end);
}

/**
 * Whether Go picks the pattern a conflict message names by chance: for a pattern with no literal segment (and no
 * final `{$}`) Go's candidates come from ranging over a map, whose order Go randomizes.
 */
export function goNamesAnyConflict(pattern: string): boolean {
  let p;
  try {
    p = parsePattern(pattern);
  } catch {
    return false;
  }
  if (!p.last.wild && p.last.s === '/') return false;
  return p.segments.every((seg) => seg.wild);
}

/**
 * A registration that both refuse for a conflict, where Go named one conflicting pattern by chance and nethttp
 * another: [nethttp's partner, the pattern]. The live run checks that Go, given the pair alone, says what nethttp
 * said.
 */
export type ChancePair = [partner: string, pattern: string, ours: string];

/**
 * The differences between Go's outcome and nethttp's for one table, one line each (empty when they agree). Pairs
 * that only differ in which conflicting pattern Go picked by chance are accepted and pushed onto `chance`.
 */
export function compareTables(t: MuxTable, go: TableOutcome, ours: TableOutcome, chance: ChancePair[] = []): string[] {
  const out: string[] = [];
  const q = (s: string): string => JSON.stringify(s);
  t.patterns.forEach((p, i) => {
    const a = normalizeRegistration(go.reg[i]);
    const b = normalizeRegistration(ours.reg[i]);
    if (a === b) return;
    // Go's internal assertion for two patterns that would share a tree leaf; nethttp says what happened
    // (docs/differences.md).
    if (a === 'non-nil leaf fields' && b !== null && b.endsWith('(Go panics here with "non-nil leaf fields")')) return;
    const ourPartner = conflictPartner(p, b);
    if (ourPartner !== null && conflictPartner(p, a) !== null && goNamesAnyConflict(p)) {
      chance.push([ourPartner, p, b!]);
      return;
    }
    out.push(`register ${q(p)}: Go ${a === null ? 'accepts' : q(a)}, nethttp ${b === null ? 'accepts' : q(b)}`);
  });
  t.requests.forEach((req, i) => {
    const a = go.res[i];
    const b = ours.res[i];
    const fields = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof RequestOutcome>;
    // Where Go's PathValue panics, nethttp's gives "" (docs/differences.md); the values before it must agree.
    fields.delete('panic');
    const diffs: string[] = [];
    for (const f of fields) {
      const x = JSON.stringify(a[f]);
      const y = JSON.stringify(b[f]);
      if (x !== y) diffs.push(`${f}: Go ${x ?? '-'}, nethttp ${y ?? '-'}`);
    }
    if (diffs.length > 0) out.push(`${req[0]} ${q(req[2])} (Host ${q(req[1])}): ${diffs.join('; ')}`);
  });
  return out;
}

/** The fixture files in `dir` (fixtures/seed-N.jsonl, one JSON value a line), parsed; the wire test's too. */
export function readFixtures<L = FixtureLine>(dir: string): Array<{ file: string; lines: L[] }> {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .map((file) => ({
      file,
      lines: readFileSync(path.join(dir, file), 'utf8')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as L),
    }));
}

/** Replays one recorded table on nethttp: the differences from Go's recorded outcome (empty when none). */
export async function replayFixture(line: FixtureLine): Promise<string[]> {
  const go: TableOutcome = { id: line.table.id, reg: line.reg, res: line.res.map(unpackOutcome) };
  return compareTables(line.table, go, await replayTable(line.table));
}
