/**
 * The routing tree: host → method → path segments, with no regular expression on the request path. Matching
 * prefers, at each segment, a literal, then a single wildcard, then a multi wildcard, backtracking when a branch
 * fails; this finds the most specific pattern (MUX-50, MUX-51).
 *
 * A walk reads the path in place: a literal key is picked by the segment's first character and its end checked
 * before the key is compared (one `indexOf` from the segment's start), a wildcard segment's end is one `indexOf`;
 * characters are read one by one as little as possible, as V8 reads a character of the sliced strings a request's
 * target is made of through a representation check each (30-60 instructions, callgrind). The walk loops down the
 * tree and recurses only where a node offers a second way on; wildcard values are kept as offsets into the path
 * and made strings only when the mux hands them out.
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

// Literal children are found by a bucket of their first character, then compared in place.
const BUCKETS = 32;
const bucketOf = (first: number): number => first & (BUCKETS - 1);

// The same string as `s`, internalized by V8 (a property key), so that `===` against the parser's method
// constants is a pointer comparison.
function internalized(s: string): string {
  const o: Record<string, number> = { [s]: 0 };
  return Object.keys(o)[0];
}

/** A node of the tree. Levels: root → host ("" for none) → method ("" for any) → one level per path segment. */
export class RoutingNode {
  /** Set on the node where a pattern ends. */
  pattern: Pattern | null = null;
  handler: Handler | null = null;
  /** The mux's match result for a pattern without wildcards, made once: such a match is the same every time. */
  found: MuxMatch | null = null;
  /** Whether the pattern ending here ends in a named multi wildcard (it takes a value; a trailing slash does not). */
  namedMulti = false;
  /** Literal children (a host, a method, a decoded segment, or "/" for `{$}`). */
  children: Map<string, RoutingNode> | null = null;
  /**
   * The children a request segment without escapes can reach (keys without "/"), as parallel arrays of their keys
   * (internalized: a method is compared with the parser's constants by `===`), first characters and nodes, and the
   * indexes into them by {@link bucketOf} their first character.
   */
  keys: string[] = [];
  firsts: number[] = [];
  nodes: RoutingNode[] = [];
  buckets: Array<number[] | null> | null = null;
  /** The child keyed "/": `{$}`. */
  dollar: RoutingNode | null = null;
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
      if (key === '/') this.dollar = c;
      else if (!key.includes('/')) {
        // A key with "/" comes from `%2F` in a pattern: only an escaped request segment decodes to it.
        this.keys.push(internalized(key));
        this.firsts.push(key.charCodeAt(0));
        this.nodes.push(c);
        this.buckets ??= new Array<number[] | null>(BUCKETS).fill(null);
        (this.buckets[bucketOf(key.charCodeAt(0))] ??= []).push(this.nodes.length - 1);
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
        n.namedMulti = seg.s !== '';
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
    for (let i = 0; i < walk.n; i++) values.push(walkValue(i));
    return n;
  }

  /**
   * {@link RoutingNode.match} on the path `s[0, end)`, leaving the wildcard values in `walk` (read them with
   * {@link walkValue}); `walk.unclean` tells whether the walk met an empty, `.` or `..` segment.
   */
  find(host: string, method: string, s: string, end: number, pct: boolean): RoutingNode | null {
    walk.n = 0;
    walk.unclean = false;
    walk.src = s;
    if (host !== '') {
      const h = this.children === null ? undefined : this.children.get(host);
      if (h !== undefined) {
        const n = h.matchMethod(method, s, end, pct);
        if (n !== null) return n;
        walk.n = 0;
      }
    }
    if (this.emptyChild !== null) {
      const n = this.emptyChild.matchMethod(method, s, end, pct);
      if (n !== null) return n;
    }
    walk.n = 0;
    return null;
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
      const n = walkFrom(m, s, 0, end, pct);
      if (n !== null) return n;
      walk.n = 0;
    }
    if (method === 'HEAD') {
      const g = this.methodChild('GET');
      if (g !== null) {
        const n = walkFrom(g, s, 0, end, pct);
        if (n !== null) return n;
        walk.n = 0;
      }
    }
    const any = this.emptyChild;
    if (any === null) return null;
    return walkFrom(any, s, 0, end, pct);
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
      if (walkFrom(n, path, 0, path.length, pct) !== null) out.add(method);
    }
  }
}

/**
 * The state of the last walk, in one object with a fixed shape (cheaper to write than module bindings). The
 * wildcard values of the match are `[0, n)`: value i is `src[starts[i], ends[i])`, or `decoded[i]` where
 * `starts[i]` is -1 (a segment with escapes, decoded). `unclean` is set by a walk that met an empty, `.` or `..`
 * segment: the mux's fast path walks a path it has not cleaned and relies on it, since every segment before a final
 * multi wildcard is visited on the way to a match, so a walk that matched without setting it saw a clean path up to
 * there. `rest`: the length of what a multi wildcard took, when the match ends in one (0: the match is exact,
 * MUX-61), and `restAt` where it starts (at the "/" before it).
 */
export const walk = {
  src: '',
  starts: [0] as number[],
  ends: [0] as number[],
  decoded: [''] as string[],
  n: 0,
  unclean: false,
  rest: 0,
  restAt: 0,
};

/** Value `i` of the last walk, as a string. */
export function walkValue(i: number): string {
  const a = walk.starts[i];
  return a < 0 ? walk.decoded[i] : walk.src.slice(a, walk.ends[i]);
}

/** Makes `values` the values of the last walk (a caller that walked again meanwhile puts them back so). */
export function setWalkValues(values: readonly string[]): void {
  for (let i = 0; i < values.length; i++) {
    walk.starts[i] = -1;
    walk.decoded[i] = values[i];
  }
  walk.n = values.length;
}

/** Whether `path` has no "//" and no "/." from `from` on (where a multi wildcard's rest may be unclean). */
export function plainRest(path: string, from: number): boolean {
  const s = path.indexOf('//', from);
  const d = path.indexOf('/.', from);
  return s === -1 && d === -1;
}

// Where the segment of the last literalAt match ends.
let litEnd = 0;

/**
 * The literal child of `n` whose key is the segment of `path[0, end)` starting at `a` with the character `c` (no
 * escapes in it): a key with that first character, followed in the path by "/" or the end, and found there. Sets
 * `litEnd`.
 */
function literalAt(n: RoutingNode, path: string, c: number, a: number, end: number): RoutingNode | null {
  const group = n.buckets![bucketOf(c)];
  if (group === null) return null;
  const keys = n.keys;
  const firsts = n.firsts;
  for (let g = 0; g < group.length; g++) {
    const x = group[g];
    if (firsts[x] !== c) continue;
    const key = keys[x];
    const e = a + key.length;
    if (e > end || (e !== end && path.charCodeAt(e) !== 0x2f)) continue;
    if (key.length > 1 && path.indexOf(key, a) !== a) continue;
    litEnd = e;
    return n.nodes[x];
  }
  return null;
}

/** Where the segment of `path[0, end)` starting at `a` ends: at the next "/" or the end. */
function segmentEnd(path: string, a: number, end: number): number {
  const j = path.indexOf('/', a);
  return j === -1 || j > end ? end : j;
}

/** Whether `path[a, j)` holds an escape. */
function hasPercent(path: string, a: number, j: number): boolean {
  const q = path.indexOf('%', a);
  return q !== -1 && q < j;
}

/**
 * Matches the path `path[0, end)` from offset `i` (a "/" or the end) below node `n`; `pct` tells
 * whether the path has escapes at all. A segment with escapes is decoded alone, so `%2F` never splits a segment
 * (MUX-42, MUX-53). A node with one way on is followed in a loop; a branch point recurses into its literal (or
 * wildcard) and falls back to the next way when it fails. A failed walk may leave values behind: whoever made the
 * branch drops them.
 */
function walkFrom(n: RoutingNode, path: string, i: number, end: number, pct: boolean): RoutingNode | null {
  for (;;) {
    if (i >= end) return n.pattern !== null ? n : null;
    const m = n.multiChild;
    if (i === end - 1) {
      // A final "/": the key of `{$}` (MUX-54); single wildcards never take it (MUX-52).
      const d = n.dollar;
      if (d !== null && d.pattern !== null) return d;
      return m === null ? null : takeRest(m, path, i, end, pct);
    }
    const a = i + 1;
    const c = path.charCodeAt(a);
    const k = walk.n;
    const w = n.emptyChild;
    let lit: RoutingNode | null = null;
    let litTo = 0;
    let dec: string | null = null;
    let j = -1; // the segment's end, once needed
    if (c === 0x2f) {
      // An empty segment finds the wildcard child by its key "" and gives it no value, as in Go (unclean CONNECT
      // paths; a pattern's empty literal segment). Trying the wildcard again with "" would walk the same node.
      walk.unclean = true;
      lit = w;
      litTo = a;
    } else {
      if (c === 0x2e) {
        j = segmentEnd(path, a, end);
        if (j === a + 1 || (j === a + 2 && path.charCodeAt(a + 1) === 0x2e)) walk.unclean = true; // "." or "..": the mux redirects
      }
      if (pct) {
        if (j < 0) j = segmentEnd(path, a, end);
        if (hasPercent(path, a, j)) {
          dec = unescapeSegment(path.slice(a, j));
          lit = n.child(dec);
          litTo = j;
        }
      }
      if (dec === null && n.buckets !== null) {
        lit = literalAt(n, path, c, a, end); // the most specific child first (MUX-50)
        litTo = litEnd;
      }
    }
    // A segment that decodes to "/" never goes to a single wildcard (Go compares the decoded segment with "/", so
    // `%2F` alone reaches `{$}` but no `{x}`).
    const wild = w !== null && c !== 0x2f && dec !== '/';
    if (lit !== null) {
      if (!wild && m === null) {
        n = lit;
        i = litTo;
        continue;
      }
      const r = walkFrom(lit, path, litTo, end, pct);
      if (r !== null) return r;
      walk.n = k;
    }
    if (wild) {
      if (j < 0) j = segmentEnd(path, a, end);
      if (dec === null) {
        walk.starts[k] = a;
        walk.ends[k] = j;
      } else {
        walk.starts[k] = -1;
        walk.decoded[k] = dec;
      }
      walk.n = k + 1;
      if (m === null) {
        n = w;
        i = j;
        continue;
      }
      const r = walkFrom(w, path, j, end, pct);
      if (r !== null) return r;
      walk.n = k;
    }
    return m === null ? null : takeRest(m, path, i, end, pct);
  }
}

/** The multi wildcard `m` takes the rest of the path after the "/" at `i`. */
function takeRest(m: RoutingNode, path: string, i: number, end: number, pct: boolean): RoutingNode {
  walk.rest = end - i - 1;
  walk.restAt = i;
  // A named multi takes the decoded rest after the slash; the anonymous one of a trailing slash takes nothing.
  if (m.namedMulti) {
    const k = walk.n;
    if (pct) {
      walk.starts[k] = -1;
      walk.decoded[k] = unescapeSegment(path.slice(i + 1, end));
    } else {
      walk.starts[k] = i + 1;
      walk.ends[k] = end;
    }
    walk.n = k + 1;
  }
  return m;
}

