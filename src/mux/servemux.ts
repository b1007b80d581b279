/**
 * ServeMux: Go 1.22+'s request router. Registration parses and checks patterns (src/mux/pattern.ts) and adds them to
 * the routing tree (src/mux/routing-tree.ts); a request is matched on its host, method and cleaned path, or answered by
 * the mux itself with a 301 redirect, 405 (with `Allow`) or 404, exactly as Go 1.23 does (MUX-*).
 * @module
 */

import { callerFrame } from '../internal/caller';
import { PatternError } from '../errors';
import { toHandler, type Handler, type HandlerFunc, type HandlerLike, type ResponseWriter } from '../handler';
import { error, notFoundHandler } from '../handlers/http-error';
import type { Logger } from '../log';
import { expressSyntaxHint, warnOnce } from './pattern-hint';
import { cleanPath } from '../internal/path';
import { conflicts, describeConflict, goQuote, parsePattern, type Pattern } from './pattern';
import { redirectHandler } from '../handlers/redirect';
import type { Request } from '../request/request';
import { RoutingIndex } from './routing-index';
import { plainRest, RoutingNode, setWalkValues, walk, walkValue, type MuxMatch } from './routing-tree';

export type { MuxMatch };
import { binaryOf, textOf } from '../internal/text';
import { escapePath, isPlainPath, type URL } from '../request/url';

/** Options of a {@link ServeMux}. None changes how a mux answers: by default it answers exactly as Go's does. */
export interface ServeMuxOptions {
  /**
   * Serves requests that match no pattern, instead of Go's `404 page not found` (a frequent wish of Go's users,
   * golang/go#65648).
   */
  notFound?: HandlerLike;
  /**
   * Serves requests whose path matches only patterns for other methods, instead of Go's `405 Method Not Allowed`.
   * The `Allow` header is already set when it runs.
   */
  methodNotAllowed?: HandlerLike;
  /**
   * Whether registering a pattern in Express syntax logs a hint (default true): `GET /users/:id` and
   * `GET /static/*` are valid Go patterns whose `:id` and `*` segments match only themselves, and `get /x` serves
   * only the method `get`, so such routes answer 404 or 405. The mux keeps Go's matching and logs, once per
   * pattern, the Go pattern to write instead (`GET /users/{id}`, `GET /static/{path...}`, `GET /x`).
   */
  warnExpressSyntax?: boolean;
  /** Where those hints go; default stderr with Go's log prefix. */
  errorLog?: Logger | null;
}

/** `host` without a `:port` suffix, as `net.SplitHostPort` splits it; unchanged when it does not split (MUX-40). */
function stripHostPort(h: string): string {
  if (h === '') return h;
  const colon = h.lastIndexOf(':');
  if (colon === -1) return h;
  if (h.charCodeAt(0) === 0x5b) {
    const close = h.indexOf(']');
    if (close === -1 || close + 1 !== colon) return h;
    return h.slice(1, close);
  }
  const host = h.slice(0, colon);
  if (host.includes(':') || host.includes('[') || host.includes(']') || h.includes(']', colon)) return h;
  return host;
}

/**
 * Whether `n` matches `path` exactly: no multi wildcard took a non-empty remainder. A trailing-slash or `{x...}`
 * pattern matching its own root is exact (MUX-61).
 */
function exactMatch(n: RoutingNode | null, path: string): boolean {
  if (n === null) return false;
  const p = n.pattern!;
  if (!p.last.multi) return true;
  if (path !== '' && path.charCodeAt(path.length - 1) !== 0x2f) return false;
  let slashes = 0;
  for (let i = 0; i < path.length; i++) if (path.charCodeAt(i) === 0x2f) slashes++;
  return p.segments.length === slashes;
}

/** Go's `URL{Path: p, RawQuery: q}.String()` for a rooted path. */
function pathAndQuery(path: string, rawQuery: string): string {
  const p = escapePath(path);
  return rawQuery === '' ? p : p + '?' + rawQuery;
}

/**
 * Whether two patterns that do not conflict would still end at the same leaf of the routing tree (see
 * {@link RoutingNode.occupant}): the same host, method and segment keys, without a final multi.
 */
function sameLeaf(p: Pattern, q: Pattern): boolean {
  if (p.last.multi || q.last.multi || p.host !== q.host || p.method !== q.method || p.segments.length !== q.segments.length) return false;
  return p.segments.every((x, i) => {
    const y = q.segments[i];
    return (x.wild ? '' : x.s) === (y.wild ? '' : y.s);
  });
}

/** The file:line of the first caller outside nethttp, for conflict messages (MUX-21). */
function callerLocation(): string {
  const line = callerFrame();
  const m = line === null ? null : /\(?((?:[A-Za-z]:)?[^():\s]+):(\d+):\d+\)?\s*$/.exec(line);
  return m === null ? 'unknown location' : `${m[1]}:${m[2]}`;
}

const EMPTY_NAMES: readonly string[] = [];
// Matching pushes wildcard values here; a match copies them out (most matches have none, and share NO_VALUES, which
// is never written: setPathValue writes into matches only for names of the pattern).
const scratch: string[] = [];
// The fast route's values kept aside while it walks again (offsets into the path).
const savedStarts: number[] = [];
const savedEnds: number[] = [];
const NO_VALUES: string[] = [];

/**
 * ServeMux is an HTTP request multiplexer (Go's `http.ServeMux`, Go 1.23 behaviour). It matches each request
 * against its patterns and calls the handler of the most specific one.
 *
 * A pattern is `[METHOD ][HOST]/[PATH]`: `GET /items/{id}`, `example.com/static/`, `POST /files/{path...}`,
 * `/{$}`. Registration order never matters; two patterns that could match the same request with neither more
 * specific than the other are refused at registration with a {@link PatternError} naming both. `GET` patterns
 * also serve `HEAD`. Requests for unclean paths or for a subtree root without its slash are redirected with 301
 * (Go 1.23; Go 1.26 uses 307), a path that matches only other methods gets 405 with `Allow`, and anything else
 * 404.
 *
 * @example
 * ```ts
 * const mux = new ServeMux();
 * mux.handleFunc('GET /items/{id}', (w, r) => {
 *   w.write(`item ${r.pathValue('id')}\n`);
 * });
 * ```
 */
export class ServeMux implements Handler {
  private readonly tree = new RoutingNode();
  private readonly index = new RoutingIndex();
  private readonly notFound: Handler;
  private readonly methodNotAllowed: Handler | null;
  /** Whether registering a pattern in Express syntax logs a hint (see {@link ServeMuxOptions.warnExpressSyntax}). */
  warnExpressSyntax: boolean;
  /** Where the mux logs its hints; null for stderr with Go's log prefix. */
  errorLog: Logger | null;

  /** Creates an empty mux; it answers every request with 404 until patterns are registered (MUX-92). */
  constructor(options: ServeMuxOptions = {}) {
    this.notFound = options.notFound !== undefined ? toHandler(options.notFound) : notFoundHandler();
    this.methodNotAllowed = options.methodNotAllowed !== undefined ? toHandler(options.methodNotAllowed) : null;
    this.warnExpressSyntax = options.warnExpressSyntax ?? true;
    this.errorLog = options.errorLog ?? null;
  }

  /**
   * handle registers `handler` for `pattern` (Go's `ServeMux.Handle`). Throws {@link PatternError} for an invalid
   * pattern or one that conflicts with a registered pattern (Go panics), leaving the mux unchanged (MUX-20, MUX-21).
   */
  handle(pattern: string, handler: HandlerLike): void {
    this.register([pattern], handler);
  }

  /**
   * @internal Registers `handler` for every pattern, or for none: each is checked against the registered patterns
   * and the others before any is added (the Express adapter registers a route's variants so).
   */
  handleAll(patterns: readonly string[], handler: HandlerLike): void {
    this.register(patterns, handler);
  }

  private register(patterns: readonly string[], handler: HandlerLike): void {
    const loc = callerLocation();
    const ps: Pattern[] = [];
    let h: Handler | null = null;
    for (const pattern of patterns) {
      // Go's order: the pattern's presence, the handler's, then the parse.
      if (pattern === '') throw new PatternError(pattern, 'http: invalid pattern');
      if (handler === null || handler === undefined) throw new PatternError(pattern, 'http: nil handler');
      h ??= toHandler(handler);
      const p = parsePattern(pattern);
      p.loc = loc;
      this.check(p, ps);
      ps.push(p);
    }
    // Nothing is inserted before every pattern passed (Go checks every conflict first, too).
    for (const p of ps) {
      this.tree.add(p, h!);
      this.index.add(p);
    }
    if (this.warnExpressSyntax) {
      for (const p of ps) {
        const hint = expressSyntaxHint(p.str);
        if (hint !== null) warnOnce(this.errorLog, p.str, hint);
      }
    }
  }

  /** Throws if `p` conflicts with a registered pattern or one of `pending`, or would take another's tree leaf. */
  private check(p: Pattern, pending: readonly Pattern[]): void {
    let clash: Pattern | null = null;
    const clashes = (q: Pattern): boolean => {
      if (!conflicts(p, q)) return false;
      clash = q;
      return true;
    };
    if (this.index.someCandidate(p, clashes) || pending.some(clashes)) {
      const q: Pattern = clash!;
      throw new PatternError(
        p.str,
        `pattern ${goQuote(binaryOf(p.str))} (registered at ${p.loc}) conflicts with pattern ${goQuote(binaryOf(q.str))} (registered at ${q.loc}):\n` +
          describeConflict(p, q),
        q.str,
      );
    }
    const occupant = this.tree.occupant(p) ?? pending.find((q) => sameLeaf(p, q)) ?? null;
    if (occupant !== null) {
      throw new PatternError(
        p.str,
        `pattern ${goQuote(binaryOf(p.str))} (registered at ${p.loc}) would share its place in the routing tree with pattern ` +
          `${goQuote(binaryOf(occupant.str))} (registered at ${occupant.loc}): an empty path segment is routed as a wildcard ` +
          `(Go panics here with "non-nil leaf fields")`,
        occupant.str,
      );
    }
  }

  /** handleFunc registers a function for `pattern` (Go's `ServeMux.HandleFunc`). */
  handleFunc(pattern: string, fn: HandlerFunc): void {
    if (typeof fn !== 'function') throw new PatternError(pattern, 'http: nil handler');
    this.handle(pattern, fn);
  }

  /**
   * handler returns the handler that would serve `r` and its pattern, without serving and without changing `r`
   * (Go's `ServeMux.Handler`, MUX-84): for a redirect, a redirecting handler and the path it leads to; for 405, a
   * handler answering 405 and ""; for nothing, the not-found handler and "".
   */
  handler(r: Request): { handler: Handler; pattern: string } {
    const m = this.match(r);
    return { handler: m.handler, pattern: m.pattern };
  }

  /** @internal Looks `r` up without serving it. */
  match(r: Request): MuxMatch {
    const n = this.route(r);
    if (!(n instanceof RoutingNode)) return n;
    const p = n.pattern!;
    if (p.names.length === 0) return (n.found ??= { kind: 'found', handler: n.handler!, pattern: p.str, names: EMPTY_NAMES, values: NO_VALUES });
    return { kind: 'found', handler: n.handler!, pattern: p.str, names: p.names, values: this.values(p) };
  }

  /** Whether the values of the last {@link ServeMux.route} are bytes still to be made text. */
  private text = true;

  /**
   * The leaf that serves `r`, its wildcard values left in `walk` (read them with {@link ServeMux.values} before
   * the next walk); or what the mux answers itself (a redirect, 404, 405).
   */
  private route(r: Request): RoutingNode | MuxMatch {
    const u = r.url;
    const method = r.method;
    const p = u.path;
    if (method !== 'CONNECT' && p === u.escapedFor && u.rawPath === '' && p.charCodeAt(0) === 0x2f) {
      // The common case: the path is its own escaped form without escapes (so ASCII). Walk it before knowing it
      // is clean; the walk reports unclean segments on its way, and a match without a multi wildcard visited every
      // segment. Without host patterns the host cannot change the outcome: skip splitting it.
      const host = this.tree.children === null ? '' : binaryOf(stripHostPort(r.host));
      const end = p.length;
      const n = this.tree.find(host, method, p, end, false);
      if (n !== null && !walk.unclean) {
        if (!n.pattern!.last.multi) {
          this.text = false; // ASCII without escapes: the values are their own text
          return n;
        }
        if (plainRest(p, walk.restAt)) {
          // A multi wildcard took the rest, clean too. When it took a non-empty rest of a path without a final
          // slash, Go redirects if the path with a slash appended matches exactly (MUX-61): that takes another
          // walk, the values kept aside meanwhile.
          if (walk.rest !== 0 && p.charCodeAt(end - 1) !== 0x2f) {
            const k = walk.n;
            const starts = savedStarts;
            const ends = savedEnds;
            for (let i = 0; i < k; i++) {
              starts[i] = walk.starts[i];
              ends[i] = walk.ends[i];
            }
            const withSlash = p + '/';
            const m = this.tree.find(host, method, withSlash, end + 1, false);
            if (m !== null && (!m.pattern!.last.multi || walk.rest === 0)) return this.redirectWithSlash(u);
            for (let i = 0; i < k; i++) {
              walk.starts[i] = starts[i];
              walk.ends[i] = ends[i];
            }
            walk.n = k;
            walk.src = p;
          }
          this.text = false;
          return n;
        }
      }
    }
    this.text = true;
    return this.routeSlow(r);
  }

  /** The wildcard values of the last match of `p`, as a handler reads them. */
  private values(p: Pattern): string[] {
    const k = walk.n;
    const v: string[] = new Array<string>(k);
    // The tree matched bytes; a handler gets text (an ASCII value is its own text).
    if (this.text) for (let i = 0; i < k; i++) v[i] = textOf(walkValue(i));
    else for (let i = 0; i < k; i++) v[i] = walkValue(i);
    // An empty segment of an unclean CONNECT path, or a pattern's empty literal segment, reaches a wildcard
    // without giving it a value, as in Go, whose values are positional too; where Go's PathValue would then index
    // past its values and panic, the missing ones are "" (docs/differences.md).
    while (v.length < p.names.length) v.push('');
    return v;
  }

  private routeSlow(r: Request): RoutingNode | MuxMatch {
    const u = r.url;
    const method = r.method;
    let escaped: string;
    const values = scratch;
    if (values.length !== 0) values.length = 0;
    let host: string;
    let path: string;
    let n: RoutingNode | null = null;
    // The tree holds bytes (binary strings, as Go matches): hosts are encoded, the escaped path is ASCII.
    if (method === 'CONNECT') {
      // MUX-69: no cleaning, the port kept; the slash redirect looks at the target's host, matching at r.host.
      host = binaryOf(u.host);
      path = escaped = u.escapedPath();
      const to = this.slashRedirect(host, method, path, this.tree.match(host, method, path, []), u);
      if (to !== null) return to;
      n = this.tree.match(binaryOf(r.host), method, path, values);
    } else {
      host = this.tree.children === null ? '' : binaryOf(stripHostPort(r.host));
      const p = u.path;
      let plain = false;
      if (u.rawPath === '' && p === u.escapedFor && p.charCodeAt(0) === 0x2f) {
        // The path is its own escaped form without escapes. Walk it before knowing it is clean; the walk reports
        // unclean segments on its way, and a multi wildcard's remainder is checked after.
        n = this.tree.match(host, method, p, values, false);
        // A failed walk may have stopped early, so a miss or a multi's remainder needs the full check.
        plain = !walk.unclean && ((n !== null && !n.pattern!.last.multi) || isPlainPath(p, true));
        if (!plain && values.length !== 0) values.length = 0;
      }
      if (plain) {
        path = escaped = p;
      } else {
        escaped = u.escapedPath();
        path = cleanPath(escaped);
        n = this.tree.match(host, method, path, values);
      }
      const to = this.slashRedirect(host, method, path, n, u);
      if (to !== null) return to;
      if (path !== escaped) {
        // MUX-66, MUX-67: the cleaned escaped path goes out escaped once more, as Go does.
        const pattern = n === null ? '' : n.pattern!.str;
        const to = pathAndQuery(path, u.rawQuery);
        return { kind: 'redirect', handler: redirectHandler(to, 301), pattern, names: null, values: null, redirectTo: to };
      }
    }
    if (n === null) return this.miss(host, path);
    // The values of the walk that found n, back where values are read from (later walks overwrote them).
    setWalkValues(values);
    return n;
  }

  /** MUX-61…MUX-63: a path that is not matched exactly, but is with a slash appended, is redirected there. */
  private slashRedirect(host: string, method: string, path: string, n: RoutingNode | null, u: URL): MuxMatch | null {
    if (exactMatch(n, path) || path.endsWith('/')) return null;
    const withSlash = path + '/';
    if (!exactMatch(this.tree.match(host, method, withSlash, []), withSlash)) return null;
    return this.redirectWithSlash(u);
  }

  private redirectWithSlash(u: URL): MuxMatch {
    const target = cleanPath(u.path) + '/';
    const to = pathAndQuery(target, u.rawQuery);
    return { kind: 'redirect', handler: redirectHandler(to, 301), pattern: target, names: null, values: null, redirectTo: to };
  }

  /** MUX-57, MUX-75: 405 with the methods that would match (also with a slash appended), else 404. */
  private miss(host: string, path: string): MuxMatch {
    const methods = new Set<string>();
    this.tree.matchingMethods(host, path, methods);
    if (!path.endsWith('/')) this.tree.matchingMethods(host, path + '/', methods);
    if (methods.size === 0) return { kind: 'notFound', handler: this.notFound, pattern: '', names: null, values: null };
    const allow = [...methods].sort();
    const custom = this.methodNotAllowed;
    const handler: Handler = {
      serveHTTP(w: ResponseWriter, r: Request) {
        w.header().set('Allow', allow.join(', '));
        if (custom !== null) return custom.serveHTTP(w, r);
        error(w, 'Method Not Allowed', 405);
      },
    };
    return { kind: 'methodNotAllowed', handler, pattern: '', names: null, values: null, allow };
  }

  /** @internal Serves `r` with the outcome of {@link ServeMux.match}: sets `r.pattern` and the path values (MUX-80). */
  serveMatch(w: ResponseWriter, r: Request, m: MuxMatch): unknown {
    r.pattern = m.pattern;
    r.patNames = m.names;
    r.matches = m.values;
    return m.handler.serveHTTP(w, r);
  }

  /**
   * serveHTTP dispatches the request to the handler of the most specific matching pattern (Go's
   * `ServeMux.ServeHTTP`). The target `*` gets 400 and a closed connection (MUX-90).
   */
  serveHTTP(w: ResponseWriter, r: Request): unknown {
    if (r.requestURI === '*') {
      if (r.protoAtLeast(1, 1)) w.header().set('Connection', 'close');
      w.writeHeader(400);
      return;
    }
    const n = this.route(r);
    if (!(n instanceof RoutingNode)) return this.serveMatch(w, r, n);
    // Found: the pattern and its values straight onto the request (MUX-80), without a match object.
    const p = n.pattern!;
    r.pattern = p.str;
    if (p.names.length === 0) {
      r.patNames = EMPTY_NAMES;
      r.matches = NO_VALUES;
    } else {
      r.patNames = p.names;
      r.matches = this.values(p);
    }
    return n.handler!.serveHTTP(w, r);
  }
}

/** DefaultServeMux is the ServeMux used by {@link handle}, {@link handleFunc} and servers without a handler. */
export const DefaultServeMux = new ServeMux();

/** handle registers `handler` for `pattern` on {@link DefaultServeMux} (Go's `http.Handle`). */
export function handle(pattern: string, handler: HandlerLike): void {
  DefaultServeMux.handle(pattern, handler);
}

/** handleFunc registers a function for `pattern` on {@link DefaultServeMux} (Go's `http.HandleFunc`). */
export function handleFunc(pattern: string, fn: HandlerFunc): void {
  DefaultServeMux.handleFunc(pattern, fn);
}
