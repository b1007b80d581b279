/**
 * The routing tree: host → method → path segments, with one map look-up per segment and no regular expression
 * on the request path. Matching prefers, at each segment, a literal, then a single wildcard, then a multi
 * wildcard, backtracking when a branch fails; this finds the most specific pattern (MUX-50, MUX-51).
 * @module
 * Not part of the public API (its declarations are left out of the published types).
 */

import type { Handler } from '../handler';
import type { Pattern } from './pattern';
import { unescapeSegment } from '../request/url';

/**
 * The outcome of a mux lookup, for carriers that must tell "nothing matched" from a response (the Express adapter
 * falls through to `next()` on `notFound`, and optionally on `methodNotAllowed`). Not meant for applications.
 */
export interface MuxMatch {
  kind: 'found' | 'redirect' | 'notFound' | 'methodNotAllowed';
  handler: Handler;
  /** The matched pattern's text; for a redirect, what Go's `Handler` reports (MUX-84); "" for 404 / 405. */
  pattern: string;
  /** Wildcard names and their decoded values, in pattern order (null when none). */
  names: readonly string[] | null;
  values: string[] | null;
  /** For `methodNotAllowed`: the methods that would match, sorted (the `Allow` header). */
  allow?: string[];
  /** For `redirect`: the escaped path and query the redirect leads to (a mounted carrier prefixes its mount path). */
  redirectTo?: string;
}

/** A node of the tree. Levels: root → host ("" for none) → method ("" for any) → one level per path segment. */
export class RoutingNode {
  /** Set on the node where a pattern ends. */
  pattern: Pattern | null = null;
  handler: Handler | null = null;
  /** The mux's match result for a pattern without wildcards, made once: such a match is the same every time. */
  found: MuxMatch | null = null;
  /** Literal children (a host, a method, a decoded segment, or "/" for `{$}`). */
  children: Map<string, RoutingNode> | null = null;
  /**
   * The children a request segment without escapes can reach (keys without "/", other than "." and ".."), as
   * parallel arrays, and indexes into them by the key's first byte: compared in place in the request path, they
   * are found without finding the segment's end or slicing it first.
   */
  keys: string[] = [];
  nodes: RoutingNode[] = [];
  byFirst: Array<number[] | undefined> | null = null;
  /** The child keyed "": a single wildcard at the segment level, the empty host or the empty method above it. */
  emptyChild: RoutingNode | null = null;
  /** The child ending in a multi wildcard (`{x...}` or a trailing slash). */
  multiChild: RoutingNode | null = null;
  child(key: string): RoutingNode | null {
    if (key === '') return this.emptyChild;
    return this.children === null ? null : (this.children.get(key) ?? null);
  }

  private addChild(key: string): RoutingNode {
    if (key === '') return (this.emptyChild ??= new RoutingNode());
    this.children ??= new Map();
    let c = this.children.get(key);
    if (c === undefined) {
      c = new RoutingNode();
      this.children.set(key, c);
      if (!key.includes('/') && key !== '.' && key !== '..') {
        this.keys.push(key);
        this.nodes.push(c);
        this.byFirst ??= [];
        (this.byFirst[key.charCodeAt(0) & 0xff] ??= []).push(this.keys.length - 1);
      }
    }
    return c;
  }

  /**
   * The pattern already at the leaf where `p` would go, or null. Patterns that do not conflict can still share
   * a leaf: an empty literal segment is filed under the wildcard key, so `/a//b` and `/a/{x}/b` (the first more
   * specific, by its literal) would both end at the same node. Go panics there ("non-nil leaf fields"). Patterns
   * ending in a multi wildcard never have an occupant: Go gives the new one a fresh multi child, which replaces
   * the old in the tree (the old stays in the conflict index), and so does {@link RoutingNode.add}.
   */
  occupant(p: Pattern): Pattern | null {
    if (p.last.multi) return null;
    let n = this.child(p.host);
    n = n === null ? null : n.child(p.method);
    for (const seg of p.segments) {
      if (n === null) return null;
      n = n.child(seg.wild ? '' : seg.s);
    }
    return n === null ? null : n.pattern;
  }

  /** Adds a pattern that the caller has checked for conflicts. */
  add(p: Pattern, h: Handler): void {
    let n = this.addChild(p.host).addChild(p.method);
    for (const seg of p.segments) {
      if (seg.multi) {
        n = n.multiChild = new RoutingNode();
        break;
      }
      n = n.addChild(seg.wild ? '' : seg.s);
    }
    n.pattern = p;
    n.handler = h;
  }

  /**
   * Finds the node for (host, method, path) — `path` escaped, starting with "/" — pushing wildcard values onto
   * `values`. Host-specific patterns first (MUX-31), then host-less ones.
   */
  match(host: string, method: string, path: string, values: string[], pct = path.indexOf('%') !== -1): RoutingNode | null {
    const n = this.find(host, method, path, path.length, pct);
    for (let i = 0; i < walk.n; i++) values.push(walk.values[i]);
    return n;
  }

  /**
   * {@link RoutingNode.match} on the path `s[0, end)`, leaving the wildcard values in `walk.values[0, walk.n)`;
   * `walk.unclean` tells whether the walk met an empty, `.` or `..` segment. `s` may go on past `end` (the mux
   * walks a request's path inside its target, whose characters V8 reads faster than a slice's).
   */
  find(host: string, method: string, s: string, end: number, pct: boolean): RoutingNode | null {
    walk.n = 0;
    walk.unclean = false;
    if (host !== '') {
      const h = this.children === null ? undefined : this.children.get(host);
      if (h !== undefined) {
        const n = h.matchMethod(method, s, end, pct);
        if (n !== null) return n;
        walk.n = 0;
      }
    }
    return this.emptyChild === null ? null : this.emptyChild.matchMethod(method, s, end, pct);
  }

  /** The child for a method: compared in place, as a method is most often one of the few strings the parser shares. */
  private methodChild(method: string): RoutingNode | null {
    const keys = this.keys;
    for (let k = 0; k < keys.length; k++) if (keys[k] === method) return this.nodes[k];
    return null;
  }

  /** Within one host: the method's own patterns, then GET's for HEAD (MUX-56), then method-less ones. */
  private matchMethod(method: string, s: string, end: number, pct: boolean): RoutingNode | null {
    const m = this.methodChild(method);
    if (m !== null) {
      const n = matchPath(m, s, 0, end, pct);
      if (n !== null) return n;
    }
    if (method === 'HEAD') {
      const g = this.methodChild('GET');
      if (g !== null) {
        const n = matchPath(g, s, 0, end, pct);
        if (n !== null) return n;
      }
    }
    const any = this.emptyChild;
    if (any === null) return null;
    return matchPath(any, s, 0, end, pct);
  }

  /** Adds to `out` every method whose patterns match the path, on the host's patterns and the host-less ones (MUX-57). */
  matchingMethods(host: string, path: string, out: Set<string>): void {
    if (host !== '') this.child(host)?.methodsMatching(path, out);
    this.emptyChild?.methodsMatching(path, out);
    if (out.has('GET')) out.add('HEAD');
  }

  private methodsMatching(path: string, out: Set<string>): void {
    if (this.children === null) return;
    const pct = path.indexOf('%') !== -1;
    for (const [method, n] of this.children) {
      walk.n = 0;
      if (matchPath(n, path, 0, path.length, pct) !== null) out.add(method);
    }
  }
}

/**
 * The state of the last walk, in one object with a fixed shape (cheaper to write than module bindings). `values`
 * holds the wildcard values of the match in `[0, n)`. `unclean` is set by a walk that met an empty, `.` or `..`
 * segment: the mux's fast path walks a path it has not cleaned and relies on it, since every segment before a
 * final multi wildcard is visited on the way to a match, so a walk that matched without setting it saw a clean
 * path up to there. `rest`: the length of what a multi wildcard took, when the match ends in one (0: the match is
 * exact, MUX-61).
 */
export const walk = { values: [''] as string[], n: 0, unclean: false, rest: 0 };

// Where the segment of the last literalAt match ends.
let litEnd = 0;

/**
 * The child whose key is the request segment starting at `start` (no escapes in it): a key found in place and
 * followed by "/" or the path's end. Sets `litEnd`. Keys "." and ".." are not looked for here (such a segment is
 * unclean, which the caller must see), nor keys with "/" (only an escaped segment decodes to one).
 */
function literalAt(n: RoutingNode, path: string, start: number, end: number): RoutingNode | null {
  const group = n.byFirst![path.charCodeAt(start) & 0xff];
  if (group === undefined) return null;
  const keys = n.keys;
  for (let g = 0; g < group.length; g++) {
    const key = keys[group[g]];
    const e = start + key.length;
    if (e <= end && path.startsWith(key, start) && (e === end || path.charCodeAt(e) === 0x2f)) {
      litEnd = e;
      return n.nodes[group[g]];
    }
  }
  return null;
}

/**
 * Matches the path `path[0, end)` from offset `i` (a '/' or the end) below node `n`; `pct` tells whether the path
 * has escapes at all. Segments are decoded one at a time, so `%2F` never splits a segment (MUX-42, MUX-53).
 */
function matchPath(n: RoutingNode, path: string, i: number, end: number, pct: boolean): RoutingNode | null {
  if (i >= end) return n.pattern !== null ? n : null;
  let next: number;
  let seg: string | null = null;
  let lit: RoutingNode | null = null;
  if (!pct && n.byFirst !== null && i < end - 1) {
    // A literal first, found in place (the most specific child, MUX-50).
    const l = literalAt(n, path, i + 1, end);
    if (l !== null) {
      const r = matchPath(l, path, litEnd, end, pct);
      if (r !== null) return r;
    }
  }
  if (i === end - 1) {
    // A final "/": the key of `{$}` (MUX-54); single wildcards never take it (MUX-52).
    next = end;
    lit = n.children === null ? null : (n.children.get('/') ?? null);
  } else {
    next = path.indexOf('/', i + 1);
    if (next < 0 || next > end) next = end;
    const dots = path.charCodeAt(i + 1) === 0x2e && (next === i + 2 || (next === i + 3 && path.charCodeAt(i + 2) === 0x2e));
    if (dots) walk.unclean = true;
    if (next === i + 1) {
      walk.unclean = true;
      lit = n.emptyChild; // an empty segment finds the wildcard child by its key "" (unclean CONNECT paths)
      seg = '';
    } else if (pct) {
      seg = unescapeSegment(path.slice(i + 1, next));
      lit = n.child(seg);
    } else if (dots && n.children !== null) {
      // "." or ".." (the literals literalAt leaves out; the walk is unclean, the mux redirects).
      lit = n.children.get(path.slice(i + 1, next)) ?? null;
    }
  }
  if (lit !== null) {
    const r = matchPath(lit, path, next, end, pct);
    if (r !== null) return r;
  }
  // The final "/" never goes to a single wildcard, nor does a segment that decodes to "/" (Go compares the decoded
  // segment with "/", so `%2F` alone reaches `{$}` but no `{x}`).
  if (i !== end - 1 && seg !== '/') {
    const w = n.emptyChild;
    if (w !== null) {
      const k = walk.n;
      walk.values[k] = seg ?? path.slice(i + 1, next);
      walk.n = k + 1;
      const r = matchPath(w, path, next, end, pct);
      if (r !== null) return r;
      walk.n = k; // the branch failed: drop its value and any it left
    }
  }
  const m = n.multiChild;
  if (m !== null) {
    walk.rest = end - i - 1;
    // A named multi takes the decoded rest after the slash; the anonymous one of a trailing slash takes nothing.
    if (m.pattern!.last.s !== '') walk.values[walk.n++] = unescapeSegment(path.slice(i + 1, end));
    return m;
  }
  return null;
}
