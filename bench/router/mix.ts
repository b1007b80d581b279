/** The GitHub API route mix shared by the router benchmarks: Go patterns and concrete requests. */

import { githubRoutes } from './github-routes';

/** A concrete request path for a route: each parameter gets a value, a catch-all three segments. */
export function samplePath(route: string, i: number): string {
  return route.replace(/:(\w+)/g, (_m, name: string) => `${name}${i}`).replace(/\*\w+/, 'a/b/c.txt');
}

/** Express syntax → Go pattern (the subset this route set uses). */
export function goPattern(method: string, route: string): string {
  return `${method} ${route.replace(/:(\w+)/g, '{$1}').replace(/\*(\w+)/, '{$1...}')}`;
}

// A seeded shuffle, so every run plays the same mix.
function shuffled<T>(xs: readonly T[], seed: number): T[] {
  const out = xs.slice();
  let s = seed >>> 0;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** Every route once, as a concrete request, in a seeded shuffled order. */
export function routeMix(): { method: string; path: string }[] {
  return shuffled(githubRoutes.map(([m, p], i) => ({ method: m, path: samplePath(p, i) })), 42);
}
