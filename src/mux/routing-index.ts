/**
 * An index of registered patterns that narrows the conflict check of a new pattern to the few that could
 * conflict with it, so that registering n routes costs far less than n² comparisons.
 *
 * Two patterns without multi wildcards can only both match a path if they have the same number of segments and,
 * at every position, equal literals or a wildcard on one side. So for a new pattern it is enough to look at the
 * patterns that share its literal (or have a wildcard) at one chosen position — the rarest — plus every pattern
 * ending in a multi, which can match paths of any length.
 * @module
 * Not part of the public API (its declarations are left out of the published types).
 */

import type { Pattern } from './pattern';

export class RoutingIndex {
  /** "pos\u0000literal" (or "pos\u0000" with a wildcard there) → patterns without a final multi. */
  private readonly byPosition = new Map<string, Pattern[]>();
  private readonly multis: Pattern[] = [];

  add(p: Pattern): void {
    if (p.last.multi) {
      this.multis.push(p);
      return;
    }
    p.segments.forEach((seg, pos) => {
      const key = pos + '\u0000' + (seg.wild ? '' : seg.s);
      const list = this.byPosition.get(key);
      if (list === undefined) this.byPosition.set(key, [p]);
      else list.push(p);
    });
  }

  /** Calls `f` on every registered pattern that might conflict with `p`, stopping when `f` returns true. */
  someCandidate(p: Pattern, f: (q: Pattern) => boolean): boolean {
    if (this.multis.some(f)) return true;
    const at = (pos: number, lit: string): Pattern[] => this.byPosition.get(pos + '\u0000' + lit) ?? [];
    if (p.last.s === '/' && !p.last.wild) {
      // `{$}` at the end: only patterns with `{$}` at the same position can match the same paths.
      return at(p.segments.length - 1, '/').some(f);
    }
    let best: [Pattern[], Pattern[]] | null = null;
    // A final multi is skipped (wild): patterns it could meet have a literal or a wildcard at the earlier positions.
    p.segments.forEach((seg, pos) => {
      if (seg.wild) return;
      const lit = at(pos, seg.s);
      const wild = at(pos, '');
      if (best === null || lit.length + wild.length < best[0].length + best[1].length) best = [lit, wild];
    });
    if (best !== null) {
      const [lit, wild] = best as [Pattern[], Pattern[]];
      return lit.some(f) || wild.some(f);
    }
    // Only wildcards: any pattern of the same length may conflict.
    for (const list of this.byPosition.values()) if (list.some(f)) return true;
    return false;
  }
}
