/**
 * The routing tree: host → method → path segments, with one map look-up per segment and no regular expression
 * on the request path. Matching prefers, at each segment, a literal, then a single wildcard, then a multi
 * wildcard, backtracking when a branch fails; this finds the most specific pattern (MUX-50, MUX-51).
 * @module
 * @internal
 */

import type { Handler } from './handler';
import type { Pattern } from './pattern';
import { unescapeSegment } from './url';

/** A node of the tree. Levels: root → host ("" for none) → method ("" for any) → one level per path segment. */
export class RoutingNode {
  /** Set on the node where a pattern ends. */
  pattern: Pattern | null = null;
  handler: Handler | null = null;
  /** Literal children (a host, a method, a decoded segment, or "/" for `{$}`). */
  children: Map<string, RoutingNode> | null = null;
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
    }
    return c;
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
  match(host: string, method: string, path: string, values: string[]): RoutingNode | null {
    if (host !== '') {
      const h = this.children === null ? undefined : this.children.get(host);
      if (h !== undefined) {
        const n = h.matchMethod(method, path, values);
        if (n !== null) return n;
        values.length = 0;
      }
    }
    return this.emptyChild === null ? null : this.emptyChild.matchMethod(method, path, values);
  }

  /** Within one host: the method's own patterns, then GET's for HEAD (MUX-56), then method-less ones. */
  private matchMethod(method: string, path: string, values: string[]): RoutingNode | null {
    const m = this.children === null ? undefined : this.children.get(method);
    if (m !== undefined) {
      const n = matchPath(m, path, 0, values);
      if (n !== null) return n;
    }
    if (method === 'HEAD' && this.children !== null) {
      const g = this.children.get('GET');
      if (g !== undefined) {
        const n = matchPath(g, path, 0, values);
        if (n !== null) return n;
      }
    }
    return this.emptyChild === null ? null : matchPath(this.emptyChild, path, 0, values);
  }

  /** Adds to `out` every method whose patterns match the path, on the host's patterns and the host-less ones (MUX-57). */
  matchingMethods(host: string, path: string, out: Set<string>): void {
    if (host !== '') this.child(host)?.methodsMatching(path, out);
    this.emptyChild?.methodsMatching(path, out);
    if (out.has('GET')) out.add('HEAD');
  }

  private methodsMatching(path: string, out: Set<string>): void {
    if (this.children === null) return;
    const scratch: string[] = [];
    for (const [method, n] of this.children) {
      scratch.length = 0;
      if (matchPath(n, path, 0, scratch) !== null) out.add(method);
    }
  }
}

/**
 * Matches `path` from offset `i` (a '/' or the end) below node `n`. Values of wildcards are decoded one segment at a
 * time, so `%2F` never splits a segment (MUX-42, MUX-53).
 */
function matchPath(n: RoutingNode, path: string, i: number, values: string[]): RoutingNode | null {
  if (i >= path.length) return n.pattern !== null ? n : null;
  let seg: string;
  let next: number;
  if (i === path.length - 1) {
    // A final "/": the key of `{$}` (MUX-54); single wildcards never take it (MUX-52).
    seg = '/';
    next = path.length;
  } else {
    next = path.indexOf('/', i + 1);
    if (next < 0) next = path.length;
    seg = unescapeSegment(path.slice(i + 1, next));
  }
  const lit = n.child(seg);
  if (lit !== null) {
    const r = matchPath(lit, path, next, values);
    if (r !== null) return r;
  }
  if (seg !== '/' && n.emptyChild !== null) {
    const depth = values.length;
    values.push(seg);
    const r = matchPath(n.emptyChild, path, next, values);
    if (r !== null) return r;
    values.length = depth;
  }
  const m = n.multiChild;
  if (m !== null) {
    // A named multi takes the decoded rest after the slash; the anonymous one of a trailing slash takes nothing.
    if (m.pattern!.last.s !== '') values.push(unescapeSegment(path.slice(i + 1)));
    return m;
  }
  return null;
}
