/**
 * The conformance kit's `mux-echo` server (its README, "Protocol mux-echo"): one ServeMux with the route file's
 * patterns, each answered by an echo of what the mux set on the request.
 * Run: `npm run -s conformance:mux-echo -- --routes FILE --port 0`.
 */

import { readFileSync } from 'node:fs';
import * as http from '../../src';
import { jsonBytes } from './json-bytes';

/** The echo handler of one pattern: `names` are its wildcards in order (`{$}` and the anonymous `/` excluded). */
export function echoHandler(names: string[]): http.HandlerFunc {
  return (w, r) => {
    w.header().set('Content-Type', 'application/json');
    const values = names.map((n) => `${jsonBytes(n)}:${jsonBytes(r.pathValue(n))}`).join(',');
    const body =
      `{"pattern":${jsonBytes(r.pattern)},"method":${jsonBytes(r.method)},"path":${jsonBytes(r.url.path)},` +
      `"rawPath":${jsonBytes(r.url.rawPath)},"host":${jsonBytes(r.host)},"values":{${values}}}`;
    w.write(body); // ASCII: jsonBytes escapes every other byte
  };
}

/** The wildcard names of a pattern as the protocol lists them, in order. */
export function wildcardNames(pattern: string): string[] {
  const names: string[] = [];
  for (const m of pattern.matchAll(/\{([^{}]*)\}/g)) {
    const name = m[1].endsWith('...') ? m[1].slice(0, -3) : m[1];
    if (name !== '$') names.push(name);
  }
  return names;
}

/** Registers every pattern on a new mux, returning it and the registration lines. */
export function buildMux(patterns: string[]): { mux: http.ServeMux; lines: string[] } {
  // The route tables hold Express-looking patterns on purpose ("get /lower"): Go's answers, without hints.
  const mux = new http.ServeMux({ warnExpressSyntax: false });
  const lines: string[] = [];
  for (const p of patterns) {
    let ok = true;
    try {
      mux.handle(p, echoHandler(wildcardNames(p)));
    } catch (err) {
      if (!(err instanceof http.PatternError)) throw err;
      ok = false;
    }
    lines.push(`{"pattern":${jsonBytes(p)},"ok":${ok}}`);
  }
  return { mux, lines };
}

async function main(): Promise<void> {
  const arg = (name: string, def: string): string => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? process.argv[i + 1] : def;
  };
  const patterns = JSON.parse(readFileSync(arg('--routes', ''), 'utf8')) as string[];
  const ln = await http.listen('tcp', `127.0.0.1:${arg('--port', '0')}`);
  process.stdout.write(`listening on ${ln.addr().toString()}\n`);
  const { mux, lines } = buildMux(patterns);
  for (const l of lines) process.stdout.write(l + '\n');
  const srv = new http.Server({ handler: mux });
  process.on('SIGTERM', () => {
    void srv.close().then(() => process.exit(0));
  });
  srv.serve(ln).catch((err) => {
    if (!http.errorIs(err, http.ErrServerClosed)) {
      console.error(err);
      process.exit(1);
    }
  });
}

if (require.main === module) void main();
