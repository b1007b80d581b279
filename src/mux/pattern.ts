/**
 * Patterns of the Go 1.22+ ServeMux: parsing `[METHOD ][HOST]/[PATH]`, and the "more specific" relation that
 * decides precedence and conflicts (MUX-1…MUX-36).
 *
 * Pattern text is encoded as UTF-8 (src/internal/text.ts) and worked on as a binary string (one character per
 * byte), the form in which the mux matches request paths and hosts, so literals compare byte for byte with decoded
 * request segments (`/café` matches `/caf%C3%A9`) and error offsets are byte offsets as Go reports them.
 * @module
 * Not part of the public API (its declarations are left out of the published types).
 */

import { PatternError } from '../errors';
import { isToken } from '../header';
import { cleanPath } from '../internal/path';
import { binaryOf, textOf } from '../internal/text';
import { unescapeSegment } from '../request/url';

/**
 * One path segment of a pattern. `s` is the decoded literal, the wildcard's name ("" for the anonymous `{...}`
 * of a trailing slash), or "/" for `{$}`.
 */
export interface Segment {
  readonly s: string;
  readonly wild: boolean;
  readonly multi: boolean;
}

/** A parsed pattern. */
export class Pattern {
  constructor(
    /** The pattern as registered (a JavaScript string). */
    readonly str: string,
    /** The method, or "" for any. */
    readonly method: string,
    /** The host (binary string), or "" for any. */
    readonly host: string,
    readonly segments: readonly Segment[],
    /** Names of the named wildcards, in order: index i of a match's values is names[i]. */
    readonly names: readonly string[],
    /** Where the pattern was registered, for conflict messages. */
    public loc = '',
  ) {}

  get last(): Segment {
    return this.segments[this.segments.length - 1];
  }

  toString(): string {
    return this.str;
  }
}

const nameStart = /^[\p{L}_]$/u;
const namePart = /^[\p{L}\p{Nd}_]$/u;

function validWildcardName(name: string): boolean {
  if (name === '') return false;
  let first = true;
  for (const ch of name) {
    if (!(first ? nameStart : namePart).test(ch)) return false;
    first = false;
  }
  return true;
}

// Go's strconv.IsPrint, near enough: letters, marks, numbers, punctuation, symbols and the ASCII space.
const printable = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');

/**
 * Quotes a byte string (one character per byte) the way Go's `%q` does, for the texts of errors: printable UTF-8
 * as it is, other runes as `\u` and four hex digits, and bytes that are not UTF-8 as `\x` and two hex digits.
 */
export function goQuote(b: string): string {
  let out = '"';
  // Decoded as a handler would get it (src/internal/text.ts): a byte that is not UTF-8 is U+DC80–U+DCFF.
  for (const ch of textOf(b)) {
    const r = ch.codePointAt(0)!;
    if (r < 0x80) {
      if (r === 0x22 || r === 0x5c) out += '\\' + ch;
      else if (r >= 0x20 && r < 0x7f) out += ch;
      else if (r >= 0x07 && r <= 0x0d) out += '\\' + 'abtnvfr'[r - 7];
      else out += '\\x' + hex(r, 2);
    } else if (r >= 0xdc80 && r <= 0xdcff) out += '\\x' + hex(r & 0xff, 2);
    else if (printable.test(ch)) out += ch;
    else out += r < 0x10000 ? '\\u' + hex(r, 4) : '\\U' + hex(r, 8);
  }
  return out + '"';
}

/**
 * parsePattern parses a ServeMux pattern, throwing {@link PatternError} with Go's message (MUX-20):
 * `parsing "<pattern>": at offset <n>: <why>`.
 */
export function parsePattern(str: string): Pattern {
  // ServeMux refuses "" before parsing, with its own message (MUX-20).
  if (str === '') throw new PatternError(str, 'empty pattern');
  const s = binaryOf(str);
  let off = 0;
  const fail = (why: string): never => {
    throw new PatternError(str, `parsing ${goQuote(s)}: at offset ${off}: ${why}`);
  };

  // MUX-1: a space or tab separates the method; any run of them is skipped.
  let method = '';
  let rest = s;
  let sep = -1;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x20 || c === 0x09) {
      sep = i;
      break;
    }
  }
  if (sep >= 0) {
    method = s.slice(0, sep);
    let j = sep + 1;
    while (j < s.length && (s.charCodeAt(j) === 0x20 || s.charCodeAt(j) === 0x09)) j++;
    rest = s.slice(j);
    // An empty method (the pattern starts with a space) is no method, as in Go.
    if (method !== '' && !isToken(method)) fail(`invalid method ${goQuote(method)}`);
    off = method.length + 1;
  }

  const slash = rest.indexOf('/');
  if (slash < 0) fail('host/path missing /');
  const host = rest.slice(0, slash);
  const brace = host.indexOf('{');
  if (brace >= 0) {
    off += brace;
    fail("host contains '{' (missing initial '/'?)");
  }
  off += slash;
  let path = rest.slice(slash);

  // MUX-10: a method-bearing pattern (but CONNECT) could never match an unclean path.
  if (method !== '' && method !== 'CONNECT' && path !== cleanPath(path)) {
    fail('non-CONNECT pattern with unclean path can never match');
  }

  const segments: Segment[] = [];
  const names: string[] = [];
  while (path.length > 0) {
    path = path.slice(1); // the '/' that starts this segment
    off = s.length - path.length;
    if (path === '') {
      // MUX-7: a trailing slash is an anonymous multi wildcard.
      segments.push({ s: '', wild: true, multi: true });
      break;
    }
    let end = path.indexOf('/');
    if (end < 0) end = path.length;
    const seg = path.slice(0, end);
    path = path.slice(end);
    const open = seg.indexOf('{');
    if (open < 0) {
      segments.push({ s: unescapeSegment(seg), wild: false, multi: false });
      continue;
    }
    if (open !== 0) fail("bad wildcard segment (must start with '{')");
    if (seg.charCodeAt(seg.length - 1) !== 0x7d) fail("bad wildcard segment (must end with '}')");
    let name = seg.slice(1, -1);
    if (name === '$') {
      if (path !== '') fail('{$} not at end');
      segments.push({ s: '/', wild: false, multi: false });
      break;
    }
    const multi = name.endsWith('...');
    if (multi) {
      name = name.slice(0, -3);
      if (path !== '') fail('{...} wildcard not at end');
    }
    if (name === '') fail('empty wildcard');
    const text = textOf(name);
    if (!validWildcardName(text)) fail(`bad wildcard name ${goQuote(name)}`);
    if (names.includes(text)) fail(`duplicate wildcard name ${goQuote(name)}`);
    names.push(text);
    segments.push({ s: name, wild: true, multi });
  }
  return new Pattern(str, method, host, segments, names);
}

// Relationships between the request sets of two patterns (MUX-32…MUX-35).
export const enum Rel {
  Equivalent,
  /** The first matches everything the second does, and more. */
  MoreGeneral,
  MoreSpecific,
  Disjoint,
  /** Some requests match both, but neither contains the other. */
  Overlaps,
}

function inverse(r: Rel): Rel {
  return r === Rel.MoreGeneral ? Rel.MoreSpecific : r === Rel.MoreSpecific ? Rel.MoreGeneral : r;
}

/** Combines the relation of two parts of the patterns into the relation of the wholes (MUX-35). */
function combine(a: Rel, b: Rel): Rel {
  switch (a) {
    case Rel.Equivalent:
      return b;
    case Rel.Disjoint:
      return Rel.Disjoint;
    case Rel.Overlaps:
      return b === Rel.Disjoint ? Rel.Disjoint : Rel.Overlaps;
    default:
      if (b === Rel.Equivalent) return a;
      return b === inverse(a) ? Rel.Overlaps : b;
  }
}

/** MUX-32: methods. GET also serves HEAD, so it is the more general of the two. */
export function compareMethods(a: Pattern, b: Pattern): Rel {
  if (a.method === b.method) return Rel.Equivalent;
  if (a.method === '') return Rel.MoreGeneral;
  if (b.method === '') return Rel.MoreSpecific;
  if (a.method === 'GET' && b.method === 'HEAD') return Rel.MoreGeneral;
  if (a.method === 'HEAD' && b.method === 'GET') return Rel.MoreSpecific;
  return Rel.Disjoint;
}

/** MUX-33: one segment against another. `{$}` (s "/") never meets a single wildcard: that needs a non-empty segment. */
function compareSegments(x: Segment, y: Segment): Rel {
  if (x.multi || y.multi) return x.multi && y.multi ? Rel.Equivalent : x.multi ? Rel.MoreGeneral : Rel.MoreSpecific;
  if (x.wild && y.wild) return Rel.Equivalent;
  if (x.wild) return y.s === '/' ? Rel.Disjoint : Rel.MoreGeneral;
  if (y.wild) return x.s === '/' ? Rel.Disjoint : Rel.MoreSpecific;
  return x.s === y.s ? Rel.Equivalent : Rel.Disjoint;
}

/** MUX-34: paths, segment by segment; a longer tail is covered only by a multi at the end of the shorter. */
export function comparePaths(a: Pattern, b: Pattern): Rel {
  const sa = a.segments;
  const sb = b.segments;
  if (sa.length !== sb.length && !a.last.multi && !b.last.multi) return Rel.Disjoint;
  const n = Math.min(sa.length, sb.length);
  let rel = Rel.Equivalent;
  for (let i = 0; i < n; i++) {
    rel = combine(rel, compareSegments(sa[i], sb[i]));
    if (rel === Rel.Disjoint) return rel;
  }
  if (sa.length === sb.length) return rel;
  if (sa.length < sb.length && a.last.multi) return combine(rel, Rel.MoreGeneral);
  if (sb.length < sa.length && b.last.multi) return combine(rel, Rel.MoreSpecific);
  return Rel.Disjoint;
}

/** The relation of the whole request sets (method and path) of `a` and `b`. */
export function compare(a: Pattern, b: Pattern): Rel {
  const m = compareMethods(a, b);
  return m === Rel.Disjoint ? Rel.Disjoint : combine(m, comparePaths(a, b));
}

/** MUX-30: two patterns conflict when they share a host and neither is more specific than the other. */
export function conflicts(a: Pattern, b: Pattern): boolean {
  if (a.host !== b.host) return false;
  const r = compare(a, b);
  return r === Rel.Equivalent || r === Rel.Overlaps;
}

// A path matched by segment x (with the literal of the other side when x is a wildcard over a literal).
function segText(x: Segment): string {
  return !x.multi && x.s !== '/' ? '/' + x.s : '/';
}

/** A path both patterns match (they overlap). */
function commonPath(a: Pattern, b: Pattern): string {
  const sa = a.segments;
  const sb = b.segments;
  const n = Math.min(sa.length, sb.length);
  let out = '';
  for (let i = 0; i < n; i++) out += sa[i].wild ? segText(sb[i]) : segText(sa[i]);
  for (const x of (sa.length > n ? sa : sb).slice(n)) out += segText(x);
  return out;
}

/** A path `a` matches and `b` does not (they overlap, neither contains the other). */
function differencePath(a: Pattern, b: Pattern): string {
  const sa = a.segments;
  const sb = b.segments;
  const n = Math.min(sa.length, sb.length);
  let out = '';
  for (let i = 0; i < n; i++) {
    const x = sa[i];
    const y = sb[i];
    if (x.multi) {
      // Any continuation works; after `{$}` on the other side it must be non-empty.
      if (y.multi) return out + '/';
      return out + '/' + (y.s === '/' ? (x.s !== '' ? x.s : 'x') : '');
    }
    if (x.wild && !y.wild && !y.multi) {
      // The wildcard must take a value other than the literal: the wildcard's name itself, or the literal + "x".
      out += x.s !== y.s ? segText(x) : '/' + y.s + 'x';
      continue;
    }
    out += segText(x);
  }
  for (const x of (sa.length > n ? sa : sb).slice(n)) out += segText(x);
  return out;
}

/** The explanation part of a conflict message (MUX-21). */
export function describeConflict(a: Pattern, b: Pattern): string {
  const m = compareMethods(a, b);
  const p = comparePaths(a, b);
  const r = combine(m, p);
  if (r === Rel.Equivalent) return `${a} matches the same requests as ${b}`;
  if (p === Rel.Overlaps) {
    return (
      `${a} and ${b} both match some paths, like ${goQuote(commonPath(a, b))}.\n` +
      `But neither is more specific than the other.\n` +
      `${a} matches ${goQuote(differencePath(a, b))}, but ${b} doesn't.\n` +
      `${b} matches ${goQuote(differencePath(b, a))}, but ${a} doesn't.`
    );
  }
  if (m === Rel.MoreGeneral && p === Rel.MoreSpecific) return `${a} matches more methods than ${b}, but has a more specific path pattern`;
  return `${a} matches fewer methods than ${b}, but has a more general path pattern`;
}
