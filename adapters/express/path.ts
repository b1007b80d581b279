/**
 * Express route paths (path-to-regexp 8 syntax, as Express 5 uses) translated into Go 1.22 ServeMux patterns,
 * for moving routes from an Express router to a {@link ServeMux} one at a time.
 * @module
 * @internal
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
    if (!s.endsWith('/')) throw new ExpressPathError(path, `the ${kind} :${t.name} does not start a path segment`);
    const next = flat[i + 1];
    if (t.type === 'wildcard') {
      if (next !== undefined) throw new ExpressPathError(path, `the wildcard *${t.name} is not at the end`);
      s += `{${t.name}...}`;
    } else {
      if (next !== undefined && (next.type !== 'text' || !next.value.startsWith('/'))) {
        throw new ExpressPathError(path, `the parameter :${t.name} does not fill a whole path segment`);
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

/**
 * expressPatterns translates an Express 5 route path into the Go patterns that match the same requests:
 * `/users/:id` → `/users/{id}`, `/files/*path` → `/files/{path...}`, `/a{/:b}` → `/a` and `/a/{b}`,
 * `/` → `/{$}`. With `method` (`GET`, `post`…; `all` for none) each pattern is prefixed with it.
 * Throws {@link ExpressPathError} for what Go patterns cannot express. Differences that remain: Express
 * ignores case and a trailing slash by default, Go does not; Express's `*path` needs at least one character.
 */
export function expressPatterns(path: string | RegExp, method?: string): string[] {
  if (typeof path !== 'string') throw new ExpressPathError(path, 'RegExp paths have no Go pattern');
  let tokens: Token[];
  try {
    tokens = parse(path).tokens;
  } catch (err) {
    throw new ExpressPathError(path, (err as Error).message);
  }
  const m = method === undefined || method.toLowerCase() === 'all' ? '' : method.toUpperCase() + ' ';
  const seen = new Set<string>();
  for (const flat of expand(tokens, path)) {
    // Merge neighbouring text left by group expansion before checking segment boundaries.
    const merged: Flat = [];
    for (const t of flat) {
      const last = merged[merged.length - 1];
      if (t.type === 'text' && last !== undefined && last.type === 'text') merged[merged.length - 1] = { type: 'text', value: last.value + t.value };
      else merged.push(t);
    }
    seen.add(m + toPattern(merged, path));
  }
  return [...seen];
}

/**
 * handleExpress registers `handler` on `mux` for every Go pattern of an Express route path (see
 * {@link expressPatterns}): `handleExpress(mux, 'get', '/users/:id', h)`.
 */
export function handleExpress(mux: ServeMux, method: string, path: string, handler: HandlerLike): void {
  for (const p of expressPatterns(path, method)) mux.handle(p, handler);
}
