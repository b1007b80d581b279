/**
 * Hints for patterns written in Express syntax. `GET /users/:id` is a valid Go pattern whose second segment is the
 * literal `:id`, `GET /static/*` ends in a literal `*`, and `get /x` serves only the method `get`: each registers
 * and then answers 404 or 405. The mux keeps Go's matching and logs one line at registration naming the Go pattern
 * to write instead.
 * @module
 * Not part of the public API (its declarations are left out of the published types).
 */

import { logf, stderrLogger, type Logger } from '../log';
import { binaryOf } from '../internal/text';
import { goQuote } from './pattern';

// Methods whose lower- or mixed-case spelling is a slip: ServeMux compares methods byte for byte.
const standardMethods = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE']);
const ident = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** The hint for a pattern (one that parsed) that looks like Express syntax, or null. */
export function expressSyntaxHint(pattern: string): string | null {
  // Split as the parser does: a method before the first space or tab, then the host and path.
  const sep = pattern.search(/[ \t]/);
  const method = sep < 0 ? '' : pattern.slice(0, sep);
  const rest = sep < 0 ? pattern : pattern.slice(sep + 1).replace(/^[ \t]+/, '');
  const why: string[] = [];
  let goMethod = method;
  if (method !== '' && method !== method.toUpperCase() && standardMethods.has(method.toUpperCase())) {
    goMethod = method.toUpperCase();
    why.push(`methods are case-sensitive, so it serves only requests whose method is ${goQuote(binaryOf(method))}`);
  }
  const slash = rest.indexOf('/');
  const host = rest.slice(0, slash);
  const segments = rest.slice(slash + 1).split('/');
  let translatable = true;
  let optional = false;
  const literal: string[] = [];
  const out = segments.map((seg, i) => {
    const last = i === segments.length - 1;
    if (seg.startsWith(':') && seg.length > 1) {
      literal.push(seg);
      if (ident.test(seg.slice(1))) return `{${seg.slice(1)}}`;
      if (last && seg.endsWith('?') && ident.test(seg.slice(1, -1))) {
        optional = true; // Express 4's optional last parameter: the path without it, and with it
        return `{${seg.slice(1, -1)}}`;
      }
      translatable = false; // `:id?`, `:from-:to`, `:id(\\d+)`: not one Go segment
      return seg;
    }
    if (seg === '*' || (seg.startsWith('*') && ident.test(seg.slice(1)))) {
      literal.push(seg);
      if (last) return `{${seg === '*' ? 'path' : seg.slice(1)}...}`;
      translatable = false;
      return seg;
    }
    return seg;
  });
  if (literal.length > 0) {
    const list = literal.map((x) => goQuote(binaryOf(x))).join(', ');
    why.push(`${list} ${literal.length === 1 ? 'matches' : 'match'} only ${literal.length === 1 ? 'itself' : 'themselves'} (Go writes wildcards {name} and {name...})`);
  }
  if (why.length === 0) return null;
  const space = goMethod === '' ? '' : ' ';
  const goPattern = (segs: string[]): string => goQuote(binaryOf(goMethod + space + host + '/' + segs.join('/')));
  let advice = 'translate the Express path with expressPatterns from nethttp/adapters/express';
  if (translatable && optional) {
    const without = out.slice(0, -1);
    advice = `write ${goPattern(without.length === 0 ? ['{$}'] : without)} and ${goPattern(out)} instead`;
  } else if (translatable) {
    advice = `write ${goPattern(out)} instead`;
  }
  return `http: pattern ${goQuote(binaryOf(pattern))} looks like Express syntax: ${why.join('; ')}; ${advice} (ServeMuxOptions.warnExpressSyntax: false silences this)`;
}

// Patterns already warned about, per logger: once per pattern for the process's default logger.
const warned = new WeakMap<Logger, Set<string>>();

/** Logs `hint` once per pattern and logger. */
export function warnOnce(logger: Logger | null, pattern: string, hint: string): void {
  const key = logger ?? stderrLogger;
  let seen = warned.get(key);
  if (seen === undefined) warned.set(key, (seen = new Set()));
  if (seen.has(pattern)) return;
  seen.add(pattern);
  logf(key, hint);
}
