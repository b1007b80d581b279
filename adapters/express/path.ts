/**
 * Express route paths (path-to-regexp 8 syntax, as Express 5 uses) translated into Go 1.22 ServeMux patterns,
 * for moving routes from an Express router to a {@link ServeMux} one at a time.
 * @module
 * Not part of the public API (its declarations are left out of the published types).
 */

import { parse, type Token } from 'path-to-regexp';
import { NetHTTPError, type HandlerLike, type ServeMux } from '../../src/index';

const kExpressPath = Symbol.for('nethttp.ExpressPathError');

/**
 * ExpressPathError is thrown when an Express path cannot become Go patterns: a parameter that is not a whole
 * segment (`/:file.:ext`), a wildcard that is not last, a name Go does not accept, a RegExp path, or a path
 * path-to-regexp 8 itself refuses (Express 4's `/:id?` and bare `*`).
 */
export class ExpressPathError extends NetHTTPError {
  /** The path that could not be translated. */
  readonly path: string | RegExp;
  constructor(path: string | RegExp, reason: string) {
    super('ExpressPathError', `nethttp: cannot translate Express path ${String(path)}: ${reason}`);
    this.name = 'ExpressPathError';
    this.path = path;
    (this as unknown as Record<symbol, boolean>)[kExpressPath] = true;
  }
  static override [Symbol.hasInstance](x: unknown): boolean {
    return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[kExpressPath] === true;
  }
}

type Flat = ({ type: 'text'; value: string } | { type: 'param' | 'wildcard'; name: string })[];

// Optional groups expand into every combination; past this many the route should be written differently.
const MAX_VARIANTS = 64;

function expand(tokens: Token[], path: string): Flat[] {
  let out: Flat[] = [[]];
  for (const t of tokens) {
    if (t.type === 'group') {
      const inner = expand(t.tokens, path);
      const next: Flat[] = [];
      for (const a of out) {
        next.push(a);
        for (const b of inner) next.push([...a, ...b]);
      }
      if (next.length > MAX_VARIANTS) throw new ExpressPathError(path, `more than ${MAX_VARIANTS} variants from optional groups`);
      out = next;
    } else {
      for (const a of out) a.push(t.type === 'text' ? { type: 'text', value: t.value } : { type: t.type, name: t.name });
    }
  }
  return out;
}

// Go accepts wildcard names that are identifiers (letters, digits, underscore; not starting with a digit).
const goIdent = /^[\p{L}_][\p{L}\p{Nd}_]*$/u;

/**
 * What to write instead of a path whose segments mix parameters with text (`:from-:to`, `:file.:ext`, `v:id`):
 * one Go wildcard for each such segment, named after its parameters, whose value the handler takes apart.
 */
function wholeSegmentAdvice(flat: Flat): string {
  const segs: Array<{ text: string; names: string[]; wildcard: boolean }> = [{ text: '', names: [], wildcard: false }];
  for (const t of flat) {
    if (t.type === 'text') {
      t.value.split('/').forEach((part, k) => {
        if (k > 0) segs.push({ text: '', names: [], wildcard: false });
        segs[segs.length - 1].text += part;
      });
    } else {
      segs[segs.length - 1].names.push(t.name);
      segs[segs.length - 1].wildcard ||= t.type === 'wildcard';
    }
  }
  const mixed: string[] = [];
  const pattern = segs
    .map((seg) => {
      if (seg.names.length === 0) return seg.text;
      if (seg.text === '' && seg.names.length === 1) return seg.wildcard ? `{${seg.names[0]}...}` : `{${seg.names[0]}}`;
      mixed.push(seg.names.join('_'));
      return `{${seg.names.join('_')}}`;
    })
    .join('/');
  const what = mixed.map((n) => JSON.stringify(n)).join(' and ');
  return `; a Go wildcard is a whole path segment: write ${JSON.stringify(pattern)} and take ${what} apart in the handler`;
}

function toPattern(flat: Flat, path: string): string {
  let s = '';
  for (let i = 0; i < flat.length; i++) {
    const t = flat[i];
    if (t.type === 'text') {
      if (/[{}]/.test(t.value)) throw new ExpressPathError(path, 'Go patterns cannot match a literal brace');
      s += t.value;
      continue;
    }
    const kind = t.type === 'param' ? 'parameter' : 'wildcard';
    if (!goIdent.test(t.name)) throw new ExpressPathError(path, `the ${kind} name ${JSON.stringify(t.name)} is not a Go identifier`);
    if (!s.endsWith('/')) {
      throw new ExpressPathError(path, `the ${kind} ${t.type === 'param' ? ':' : '*'}${t.name} does not start a path segment` + wholeSegmentAdvice(flat));
    }
    const next = flat[i + 1];
    if (t.type === 'wildcard') {
      if (next !== undefined) throw new ExpressPathError(path, `the wildcard *${t.name} is not at the end (Go's {${t.name}...} must end the pattern)`);
      s += `{${t.name}...}`;
    } else {
      if (next !== undefined && (next.type !== 'text' || !next.value.startsWith('/'))) {
        throw new ExpressPathError(path, `the parameter :${t.name} does not fill a whole path segment` + wholeSegmentAdvice(flat));
      }
      s += `{${t.name}}`;
    }
  }
  if (s === '') s = '/';
  if (!s.startsWith('/')) throw new ExpressPathError(path, 'it does not start with "/"');
  // Express routes match exactly; a Go pattern ending in "/" would match a subtree.
  if (s.endsWith('/')) s += '{$}';
  return s;
}

/** One segment of a Go pattern's path, as far as {@link covers} needs it. */
type GoSegment = { kind: 'literal'; s: string } | { kind: 'wild' | 'multi' | 'end' };

function goSegments(pattern: string): GoSegment[] {
  return pattern
    .slice(1)
    .split('/')
    .map((seg): GoSegment => {
      if (seg === '{$}') return { kind: 'end' };
      if (seg.startsWith('{')) return { kind: seg.endsWith('...}') ? 'multi' : 'wild' };
      return { kind: 'literal', s: seg };
    });
}

/** Whether Go pattern `a` matches every path `b` does (both from one Express path, so the same method). */
function covers(a: string, b: string): boolean {
  const x = goSegments(a);
  const y = goSegments(b);
  for (let i = 0; i < x.length; i++) {
    if (x[i].kind === 'multi') return i < y.length;
    if (i >= y.length) return false;
    const s = x[i];
    const t = y[i];
    if (s.kind === 'wild' && t.kind !== 'wild' && !(t.kind === 'literal' && t.s !== '')) return false;
    if (s.kind === 'literal' && !(t.kind === 'literal' && t.s === s.s)) return false;
    if (s.kind === 'end' && t.kind !== 'end') return false;
  }
  return x.length === y.length;
}

// Express 4's syntax, which path-to-regexp 8 refuses, and what to write instead.
const express4: Array<[RegExp, (m: RegExpExecArray) => string]> = [
  [/:([A-Za-z_$][\w$]*)\?/, (m) => `Express 4's optional parameter ":${m[1]}?" is written "{/:${m[1]}}" in Express 5's syntax, which expressPatterns reads`],
  [/(?:^|\/)\*(?:\/|$)/, () => 'Express 4\'s "*" is written "*name" in Express 5\'s syntax (Go: {name...})'],
  [/:([A-Za-z_$][\w$]*)\(/, (m) => `the parameter :${m[1]} has a regular expression, which Go patterns do not have: match the segment with {${m[1]}} and check it in the handler`],
];

/**
 * expressPatterns translates an Express 5 route path into the Go patterns that match the same requests:
 * `/users/:id` → `/users/{id}`, `/files/*path` → `/files/{path...}`, `/a{/:b}` → `/a` and `/a/{b}`,
 * `/` → `/{$}`. With `method` (`GET`, `post`…; `all` for none) each pattern is prefixed with it.
 * Optional groups expand to every variant Express can match with, in Express's order of preference: a variant
 * whose requests an earlier-preferred one already takes is left out (`/a/b{/:c}{/:d}` gives `/a/b`, `/a/b/{c}`
 * and `/a/b/{c}/{d}`, never a `/a/b/{d}` that Express never reaches).
 * Throws {@link ExpressPathError} for what Go patterns cannot express, saying what to write instead where it can.
 * Differences that remain: Express ignores case and a trailing slash by default, Go does not; Express's `*path`
 * needs at least one character.
 */
export function expressPatterns(path: string | RegExp, method?: string): string[] {
  if (typeof path !== 'string') throw new ExpressPathError(path, 'RegExp paths have no Go pattern');
  let tokens: Token[];
  try {
    tokens = parse(path).tokens;
  } catch (err) {
    let why = (err as Error).message;
    for (const [re, hint] of express4) {
      const m = re.exec(path);
      if (m !== null) {
        why += '; ' + hint(m);
        break;
      }
    }
    throw new ExpressPathError(path, why);
  }
  const m = method === undefined || method.toLowerCase() === 'all' ? '' : method.toUpperCase() + ' ';
  // expand() lists variants from every group absent to every group present: the reverse of Express's preference
  // (its optional groups are greedy), so the last variant is preferred first.
  const variants = expand(tokens, path).map((flat) => {
    // Merge neighbouring text left by group expansion before checking segment boundaries.
    const merged: Flat = [];
    for (const t of flat) {
      const last = merged[merged.length - 1];
      if (t.type === 'text' && last !== undefined && last.type === 'text') merged[merged.length - 1] = { type: 'text', value: last.value + t.value };
      else merged.push(t);
    }
    return toPattern(merged, path);
  });
  const kept: string[] = [];
  for (let i = variants.length - 1; i >= 0; i--) {
    if (!kept.some((k) => covers(k, variants[i]))) kept.push(variants[i]);
  }
  return variants.filter((v, i) => kept.includes(v) && variants.indexOf(v) === i).map((v) => m + v);
}

/**
 * handleExpress registers `handler` on `mux` for every Go pattern of an Express route path (see
 * {@link expressPatterns}): `handleExpress(mux, 'get', '/users/:id', h)`. All of them or none: when one cannot be
 * registered, the mux is left as it was, and the error's stack and its "registered at" name the caller's line.
 */
export function handleExpress(mux: ServeMux, method: string, path: string, handler: HandlerLike): void {
  try {
    mux.handleAll(expressPatterns(path, method), handler);
  } catch (err) {
    if (err instanceof Error) Error.captureStackTrace(err, handleExpress);
    throw err;
  }
}
