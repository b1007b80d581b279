/**
 * Seeded generator of ServeMux cases for the differential test against Go 1.23: a route table (valid and invalid
 * patterns with odd methods, hosts, wildcards, `{$}`, `{x...}`, escaped and non-ASCII segments, dots and double
 * slashes) and requests aimed at it (methods, hosts, unclean paths, escapes, queries, absolute and authority
 * forms). The same seed always gives the same table, so a divergence is reproduced from its seed alone.
 */

/** One route table and its requests. Patterns are text; request fields are byte strings (one character a byte). */
export interface MuxTable {
  id: string;
  patterns: string[];
  /** [method, Host header, request-target]. */
  requests: Array<[string, string, string]>;
}

/** A small fast PRNG (mulberry32): a 32-bit seed gives a reproducible sequence in [0, 1). */
export class Rand {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
}

/** The seed of table `i` of a run seeded `seed`: tables are independent, so any one can be replayed alone. */
export function tableSeed(seed: number, i: number): number {
  let h = (seed ^ Math.imul(i + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

const METHODS = ['GET', 'GET', 'POST', 'HEAD', 'PUT', 'PATCH', 'DELETE', 'CONNECT', 'OPTIONS', 'BREW', 'get', 'M-SEARCH', 'TRACE'];
const BAD_METHODS = ['GE@T', 'G(T', 'GÉT', 'GET/'];
const SEPARATORS = [' ', ' ', ' ', '\t', '  ', ' \t'];
const PATTERN_HOSTS = ['example.com', 'b.org', 'other.org', 'Example.com', 'a.com:8080', '[::1]', 'café.org', '127.0.0.1', 'xn--caf-dma.org'];
const BAD_HOSTS = ['{h}.com', 'a{b'];
// Literal segments as written in a pattern (escaped or not).
const LITERALS = [
  'a', 'b', 'c', 'x', 'users', 'api', 'v1', 'static', 'a.b', 'A',
  '%2F', '%2f', '%2A', '*', '%41', '%61%62', 'caf%C3%A9', 'café', '日本', '😀', '%C3', '%FF',
  'a%2Fb', '%2E', '%2E%2E', '~', '$', '%25', '+', ';', ':id', '*rest', 'a%20b', '%7B', '%7Bx%7D',
  '%7F', '%09', '%C2%A0', '%F0%9F%98%80', 'b1', 'b2', 'ab', 'ba', 'bb', 'c.d',
];
// Literals that make a pattern unclean (refused with a method) or invalidly escaped (kept as written).
const RARE_LITERALS = ['.', '..', '', '%', '%zz'];
const GOOD_NAMES = ['id', 'y', 'a_1', 'x', 'é', 'rest', 'p', 'Ab', '_'];
const BAD_WILDCARDS = ['{}', '{1a}', '{a-b}', '{...}', '{$...}', '{x}y', 'x{y}', '{a', 'a}', '{a b}', '{%61}', '{/}'];

/** Pieces of a generated pattern, kept so that requests can be aimed at it. */
interface Shape {
  method: string;
  host: string;
  segs: Array<{ kind: 'lit'; s: string } | { kind: 'wild' | 'multi'; name: string } | { kind: 'dollar' }>;
  trailingSlash: boolean;
}

function genShape(rnd: Rand, big: boolean): Shape {
  // Large tables mostly share one host and method, so that their nodes get many children.
  const method = rnd.chance(big ? 0.7 : 0.45) ? '' : rnd.chance(0.04) ? rnd.pick(BAD_METHODS) : rnd.pick(METHODS);
  const host = rnd.chance(big ? 0.9 : 0.7) ? '' : rnd.pick(PATTERN_HOSTS);
  const n = big ? 1 + rnd.int(7) : rnd.int(5);
  const segs: Shape['segs'] = [];
  for (let i = 0; i < n; i++) {
    const last = i === n - 1;
    const r = rnd.next();
    if (r < 0.55) segs.push({ kind: 'lit', s: rnd.chance(0.08) ? rnd.pick(RARE_LITERALS) : rnd.pick(LITERALS) });
    else if (r < 0.85) segs.push({ kind: 'wild', name: rnd.pick(GOOD_NAMES) });
    else if (last || rnd.chance(0.1)) segs.push(rnd.chance(0.6) ? { kind: 'multi', name: rnd.pick(GOOD_NAMES) } : { kind: 'dollar' });
    else segs.push({ kind: 'wild', name: rnd.pick(GOOD_NAMES) });
  }
  const end = segs[segs.length - 1];
  const trailingSlash = (end === undefined || end.kind === 'lit' || end.kind === 'wild') && rnd.chance(0.3);
  // Mostly distinct names, as a person writes them; sometimes a duplicate.
  if (!rnd.chance(0.05)) {
    const used = new Set<string>();
    for (const s of segs) {
      if (s.kind !== 'wild' && s.kind !== 'multi') continue;
      let name = s.name;
      for (let k = 2; used.has(name); k++) name = s.name + k;
      used.add(name);
      s.name = name;
    }
  }
  return { method, host, segs, trailingSlash };
}

function patternText(rnd: Rand, sh: Shape): string {
  let path = '';
  for (const s of sh.segs) {
    if (s.kind === 'lit') path += '/' + s.s;
    else if (s.kind === 'wild') path += `/{${s.name}}`;
    else if (s.kind === 'multi') path += `/{${s.name}...}`;
    else path += '/{$}';
  }
  if (sh.trailingSlash || path === '') path += '/';
  // Now and then, a malformed piece.
  if (rnd.chance(0.06)) {
    const parts = path.split('/');
    parts[1 + rnd.int(Math.max(1, parts.length - 1))] = rnd.pick(BAD_WILDCARDS);
    path = parts.join('/');
  }
  let host = sh.host;
  if (rnd.chance(0.02)) host = rnd.pick(BAD_HOSTS);
  if (rnd.chance(0.02)) path = path.slice(1); // "host/path missing /" or a host that swallowed a segment
  const method = sh.method === '' ? (rnd.chance(0.03) ? ' ' : '') : sh.method + rnd.pick(SEPARATORS);
  return method + host + path;
}

/** A byte string: the UTF-8 bytes of a text, one character a byte. */
function bytes(s: string): string {
  return Buffer.from(s, 'utf8').toString('latin1');
}

function pctEncodeAll(b: string, upper: boolean): string {
  let out = '';
  for (let i = 0; i < b.length; i++) {
    const h = b.charCodeAt(i).toString(16).padStart(2, '0');
    out += '%' + (upper ? h.toUpperCase() : h);
  }
  return out;
}

// Values for a single wildcard, as they appear in a request path (escaped or raw bytes).
const VALUES = ['v', '1', 'abc', '%2F', 'a%2Fb', '%20', bytes('é'), '%C3%A9', '%c3%a9', '%2E', '%2E%2E', 'a.b', '%FF', bytes('日本'), '*', '%2A', 'x%00y', '$', '{x}', '%7B', ';a=1', 'a+b', ':id'];
// Values a server refuses (invalid escapes) or that make the path unclean.
const RARE_VALUES = ['.', '..', '%', '%zz', ''];
const value = (rnd: Rand): string => (rnd.chance(0.06) ? rnd.pick(RARE_VALUES) : rnd.pick(VALUES));

/** One segment of a request path aimed at a pattern literal: as written, decoded, or re-escaped. */
function aimLiteral(rnd: Rand, lit: string): string {
  const r = rnd.next();
  if (r < 0.55) return bytes(lit);
  let decoded: string;
  try {
    decoded = bytes(decodeURIComponent(lit));
  } catch {
    return bytes(lit);
  }
  if (r < 0.75) return decoded; // a decoded %2F becomes a real slash: the segmentation changes
  if (r < 0.9) return pctEncodeAll(decoded, rnd.chance(0.5));
  return bytes(lit).toLowerCase();
}

function aimPath(rnd: Rand, sh: Shape): string {
  let p = '';
  for (const s of sh.segs) {
    if (s.kind === 'lit') p += '/' + aimLiteral(rnd, s.s);
    else if (s.kind === 'wild') p += '/' + value(rnd);
    else if (s.kind === 'multi') {
      const k = rnd.int(4);
      if (k === 0) p += rnd.chance(0.5) ? '/' : '';
      for (let i = 0; i < k; i++) p += '/' + value(rnd);
    } else p += '/';
  }
  if (sh.trailingSlash) p += '/';
  if (p === '') p = '/';
  return p;
}

function randomPath(rnd: Rand): string {
  let p = '';
  const n = rnd.int(5);
  for (let i = 0; i < n; i++) p += '/' + (rnd.chance(0.5) ? aimLiteral(rnd, rnd.pick(LITERALS)) : value(rnd));
  if (p === '' || rnd.chance(0.2)) p += '/';
  return p;
}

/** Unclean variants: dot segments, double slashes, a slash added or dropped. */
function perturb(rnd: Rand, p: string): string {
  const r = rnd.next();
  if (r < 0.6) return p;
  if (r < 0.55) return p.endsWith('/') && p.length > 1 ? p.slice(0, -1) : p + '/';
  const parts = p.split('/');
  const at = 1 + rnd.int(parts.length);
  const insert = rnd.pick(['.', '..', '', 'x/..', '..', '%2E', '.%2E', '%2E%2E']);
  parts.splice(at, 0, insert);
  let out = parts.join('/');
  if (rnd.chance(0.15)) out += rnd.pick(['/.', '/..', '/./', '/../', '//']);
  if (rnd.chance(0.05)) out = '/' + out;
  return out;
}

const QUERIES = ['?q=1', '?', '?a=%zz&b', '?%2F', '?x=é', '?q=1&q=2', '#frag', '?a#b'];
const REQUEST_HOSTS = ['example.com', 'b.org', 'other.org', 'Example.com', 'EXAMPLE.COM', 'example.com:80', 'b.org:8443', 'a.com:8080', 'a.com', '[::1]', '[::1]:80', '127.0.0.1', 'unknown.net', '', 'xn--caf-dma.org', 'b.org.', 'a.com:'];

/** Generates table `i` of the run seeded `seed`. */
export function generateTable(seed: number, i: number): MuxTable {
  const rnd = new Rand(tableSeed(seed, i));
  const shapes: Shape[] = [];
  const patterns: string[] = [];
  // One table in eight is large, so that nodes get many children and the conflict index many candidates.
  const big = rnd.chance(0.125);
  const count = big ? 20 + rnd.int(60) : 2 + rnd.int(14);
  for (let k = 0; k < count; k++) {
    const r = rnd.next();
    if (shapes.length > 0 && r < 0.12) {
      // The same route again, or with another method: conflicts and 405s.
      const base = rnd.pick(shapes);
      const sh = { ...base, method: rnd.chance(0.5) ? base.method : rnd.pick(['', ...METHODS]) };
      shapes.push(sh);
      patterns.push(patternText(rnd, sh));
    } else if (shapes.length > 0 && r < 0.22) {
      // A sibling: one segment swapped between literal and wildcard, or the end changed.
      const base = rnd.pick(shapes);
      const segs = base.segs.slice();
      if (segs.length > 0) {
        const j = rnd.int(segs.length);
        const s = segs[j];
        segs[j] = s.kind === 'lit' ? { kind: 'wild', name: 'w' } : { kind: 'lit', s: rnd.pick(LITERALS) };
      }
      const sh = { ...base, segs, trailingSlash: !base.trailingSlash && (segs.length === 0 || segs[segs.length - 1].kind === 'lit' || segs[segs.length - 1].kind === 'wild') };
      shapes.push(sh);
      patterns.push(patternText(rnd, sh));
    } else if (rnd.chance(0.01)) {
      patterns.push('');
    } else {
      const sh = genShape(rnd, big);
      shapes.push(sh);
      patterns.push(patternText(rnd, sh));
    }
  }
  const requests: MuxTable['requests'] = [];
  const nreq = 10 + rnd.int(31);
  for (let k = 0; k < nreq; k++) {
    const sh = shapes.length > 0 && rnd.chance(0.75) ? rnd.pick(shapes) : null;
    let path = perturb(rnd, sh !== null ? aimPath(rnd, sh) : randomPath(rnd));
    // A space would end the request-target on the wire.
    path = path.replace(/ /g, '%20');
    if (rnd.chance(0.25)) path += rnd.pick(QUERIES);
    let method = sh !== null && sh.method !== '' && rnd.chance(0.5) ? sh.method : rnd.pick(METHODS);
    if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(method)) method = 'GET';
    let host = sh !== null && sh.host !== '' && rnd.chance(0.6) ? bytes(sh.host) : rnd.pick(REQUEST_HOSTS);
    if (sh !== null && sh.host !== '' && rnd.chance(0.1)) host += ':' + rnd.pick(['80', '443', '']);
    let target = path;
    const form = rnd.next();
    if (form < 0.05) {
      // Absolute form: the target's host wins over the Host header (and may hold what a header may not).
      const h = sh !== null && sh.host !== '' ? bytes(sh.host) : rnd.pick(REQUEST_HOSTS);
      const scheme = rnd.pick(['http://', 'http://', 'https://', 'HTTP://', 'http://user@']);
      target = `${scheme}${rnd.chance(0.2) ? h.toUpperCase() : h}${rnd.chance(0.1) ? '' : path}`;
    } else if (form < 0.07 || (method === 'CONNECT' && form < 0.5)) {
      target = rnd.pick(['b.org:443', 'example.com:80', 'a.com:8080', '[::1]:443', 'b.org']);
      if (method !== 'CONNECT' && rnd.chance(0.7)) method = 'CONNECT';
    } else if (form < 0.075) {
      target = '*';
    }
    // The Host header must be one a server accepts; the target may carry what the header cannot.
    if (!/^[A-Za-z0-9!$%&'()*+,\-.:;=[\]_~]*$/.test(host)) host = 'example.com';
    requests.push([method, host, target]);
  }
  return { id: `${seed}/${i}`, patterns, requests };
}
