/**
 * Comparing outcomes of the wire differential test, and replaying recorded Go outcomes on nethttp. A difference is
 * named by its kind: the number of responses, the status sequence, a response's head or body, what was answered
 * before the client's end of input, and whether the server closed the connection by itself.
 */

import { Server, listen, type ServerOptions } from '../../src';
import { echoHandler } from './echo';
import { exchange, normalize, type Outcome } from './exchange';
import type { WireCase } from './generate';
import { readFixtures as readMuxFixtures } from '../servemux-diff/replay';

/** One recorded line of a fixture: the case and Go 1.23's outcome (Date values blanked). */
export interface FixtureLine {
  case: WireCase;
  go: Outcome;
}

/** Splits a byte stream of responses into responses (head and body as sent); a cut tail is kept as it is. */
export function splitResponses(s: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < s.length) {
    const e = s.indexOf('\r\n\r\n', i);
    if (e === -1) {
      out.push(s.slice(i));
      break;
    }
    const head = s.slice(i, e + 4);
    const status = Number(/^HTTP\/1\.\d (\d{3})/.exec(head)?.[1] ?? 0);
    const isHead = false;
    const cl = /\r\nContent-Length: (\d+)\r\n/i.exec(head);
    let end: number;
    if (status === 100 || status === 204 || status === 304 || isHead) end = e + 4;
    else if (cl !== null) end = Math.min(s.length, e + 4 + Number(cl[1]));
    else if (/\r\nTransfer-Encoding: chunked\r\n/i.test(head)) {
      const z = s.indexOf('\r\n0\r\n\r\n', e + 2);
      end = z === -1 ? s.length : z + 7;
    } else end = s.length;
    out.push(s.slice(i, end));
    i = end;
  }
  return out;
}

const status = (r: string): string => r.slice(0, 12);

/** The differences between Go's outcome and nethttp's, each line starting with its kind. */
export function compareOutcomes(go: Outcome, ours: Outcome): string[] {
  const diffs: string[] = [];
  const g = splitResponses(normalize(go.all));
  const o = splitResponses(normalize(ours.all));
  if (g.length !== o.length) diffs.push(`count: Go ${g.length} responses, nethttp ${o.length}`);
  const gs = g.map(status).join(' | ');
  const os = o.map(status).join(' | ');
  if (gs !== os) diffs.push(`status: Go [${gs}], nethttp [${os}]`);
  else {
    for (let k = 0; k < g.length; k++) {
      if (g[k] !== o[k]) {
        diffs.push(`response: #${k + 1}: Go ${JSON.stringify(g[k])}, nethttp ${JSON.stringify(o[k])}`);
        break;
      }
    }
  }
  if (diffs.length === 0 && normalize(go.early) !== normalize(ours.early)) {
    const ge = splitResponses(normalize(go.early)).length;
    const oe = splitResponses(normalize(ours.early)).length;
    diffs.push(`early: before the end of input Go sent ${ge} responses (${go.early.length} bytes), nethttp ${oe} (${ours.early.length} bytes)`);
  }
  if (go.closedEarly !== ours.closedEarly) diffs.push(`closed: Go ${go.closedEarly ? 'closed' : 'kept'} the connection, nethttp ${ours.closedEarly ? 'closed' : 'kept'} it`);
  return diffs;
}

/** The kind of a difference line. */
export function kindOf(line: string): string {
  return line.slice(0, line.indexOf(':'));
}

/** A native nethttp server with the echo handler, Go's default settings (unless `opts`) and its log kept quiet. */
export async function startOurs(opts: ServerOptions = {}): Promise<{ port: number; close(): Promise<void> }> {
  const srv = new Server({ handler: echoHandler, errorLog: { error: () => undefined }, ...opts });
  const ln = await listen('tcp', '127.0.0.1:0');
  srv.serve(ln).catch(() => undefined);
  return { port: ln.addr().port, close: () => srv.close() };
}

/** Every fixture file in `dir` (JSON lines). */
export function readFixtures(dir: string): Array<{ file: string; lines: FixtureLine[] }> {
  return readMuxFixtures<FixtureLine>(dir);
}

/** Runs `fn` over `items` with at most `n` in flight, in order of the results. */
export async function pool<T, R>(items: T[], n: number, fn: (x: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i], i);
      }
    }),
  );
  return out;
}

/** Replays one recorded case on nethttp at `port`; its differences from Go's recorded outcome. */
export async function replayLine(port: number, line: FixtureLine, quietMs = 60): Promise<string[]> {
  const ours = await exchange(port, line.case.pieces, { quietMs, expectEarly: line.go.early.length, expectClose: line.go.closedEarly, patienceMs: 3000 });
  return compareOutcomes(line.go, ours);
}
