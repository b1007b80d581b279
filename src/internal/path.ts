/**
 * Slash-separated path cleaning: Go's `path.Clean` and the mux's variant that keeps a trailing slash.
 * @module
 * Not part of the public API (its declarations are left out of the published types).
 */

/** Whether `p` (starting with '/') has no empty, `.` or `..` segment except a final empty one (a trailing slash). */
function isCleanRooted(p: string): boolean {
  const n = p.length;
  for (let i = 0; i < n; i++) {
    if (p.charCodeAt(i) !== 0x2f) continue;
    // p[i] is '/': look at the segment that follows it.
    const a = i + 1 < n ? p.charCodeAt(i + 1) : -1;
    if (a === 0x2f) return false; // "//"
    if (a !== 0x2e) continue;
    const b = i + 2 < n ? p.charCodeAt(i + 2) : -1;
    if (b === -1 || b === 0x2f) return false; // "/." segment
    if (b === 0x2e) {
      const c = i + 3 < n ? p.charCodeAt(i + 3) : -1;
      if (c === -1 || c === 0x2f) return false; // "/.." segment
    }
  }
  return true;
}

/**
 * pathClean returns the shortest path equivalent to `p` by lexical processing (Go's `path.Clean`): repeated slashes
 * collapse, `.` segments go, `..` removes the segment before it (never above the root of a rooted path), and a
 * trailing slash is dropped. The empty path is ".".
 */
export function pathClean(p: string): string {
  if (p === '') return '.';
  const rooted = p.charCodeAt(0) === 0x2f;
  if (rooted && isCleanRooted(p) && (p.length === 1 || p.charCodeAt(p.length - 1) !== 0x2f)) return p;
  const out: string[] = [];
  let up = 0; // leading ".." kept in a relative path
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length > up) out.pop();
      else if (!rooted) {
        out.push('..');
        up++;
      }
      continue;
    }
    out.push(seg);
  }
  const joined = out.join('/');
  if (rooted) return '/' + joined;
  return joined === '' ? '.' : joined;
}

/**
 * cleanPath is the mux's canonical form of a request path (MUX-41): rooted, cleaned, with a trailing slash kept
 * when there was one. An already clean path is returned as it is, without allocating.
 */
export function cleanPath(p: string): string {
  if (p === '') return '/';
  if (p.charCodeAt(0) !== 0x2f) p = '/' + p;
  if (isCleanRooted(p)) return p;
  const np = pathClean(p);
  return p.charCodeAt(p.length - 1) === 0x2f && np !== '/' ? np + '/' : np;
}
