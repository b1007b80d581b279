/**
 * URL and Values: the parts of Go's `net/url` that a server needs — the parsed request-target of a request
 * and its query. Unlike the WHATWG `URL`, it keeps Go's split between the decoded `path` and the `rawPath`
 * as sent (REQ-10…REQ-17).
 *
 * Every string here is text (src/internal/text.ts): what `%XX` escapes and raw bytes stand for is decoded from
 * UTF-8, a byte that is not UTF-8 is kept as U+DC80–U+DCFF, and escaping encodes text back to those same bytes.
 * Escapes are decoded and made on bytes, as Go does, so a UTF-8 sequence may be split across escapes and raw bytes.
 * @module
 */

import { binaryOf, textOf } from '../internal/text';

const enum Mode {
  Path = 1,
  Host = 2,
  QueryComponent = 3,
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}
function unhex(c: number): number {
  if (c <= 0x39) return c - 0x30;
  if (c <= 0x46) return c - 0x41 + 10;
  return c - 0x61 + 10;
}

function shouldEscape(c: number, mode: Mode): boolean {
  if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39)) return false;
  if (mode === Mode.Host) {
    // Host names may carry sub-delims and brackets unescaped (RFC 3986 §3.2.2).
    switch (c) {
      case 0x21: case 0x24: case 0x26: case 0x27: case 0x28: case 0x29: case 0x2a: case 0x2b: case 0x2c:
      case 0x3b: case 0x3d: case 0x3a: case 0x5b: case 0x5d: case 0x3c: case 0x3e: case 0x22:
        return false;
    }
  }
  switch (c) {
    case 0x2d: case 0x5f: case 0x2e: case 0x7e: // - _ . ~
      return false;
    case 0x24: case 0x26: case 0x2b: case 0x2c: case 0x2f: case 0x3a: case 0x3b: case 0x3d: case 0x3f: case 0x40:
      // $ & + , / : ; = ? @
      if (mode === Mode.Path) return c === 0x3f;
      return true;
  }
  return true;
}

/** URLError is thrown by {@link parseRequestURI} and {@link pathUnescape} for malformed input. */
export class URLError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'URLError';
  }
}

// Decodes %XX escapes of text: on its bytes, and the result decoded again; returns null on an invalid escape.
// Text without escapes is its own result (no conversion either way).
function unescape(s: string, mode: Mode): string | null {
  if (s.indexOf('%') === -1 && (mode !== Mode.QueryComponent || s.indexOf('+') === -1)) return unescapeBinary(s, mode);
  const r = unescapeBinary(binaryOf(s), mode);
  return r === null ? null : textOf(r);
}

// Decodes %XX escapes of a binary string (one character per byte); returns null on an invalid escape.
function unescapeBinary(s: string, mode: Mode): string | null {
  const pct = s.indexOf('%');
  const plus = mode === Mode.QueryComponent && s.indexOf('+') !== -1;
  if (pct === -1 && !plus) {
    if (mode === Mode.Host) {
      for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c < 0x80 && shouldEscape(c, Mode.Host)) return null;
      }
    }
    return s;
  }
  let out = '';
  let last = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x25) {
      if (i + 2 >= s.length || !isHex(s.charCodeAt(i + 1)) || !isHex(s.charCodeAt(i + 2))) return null;
      out += s.slice(last, i) + String.fromCharCode((unhex(s.charCodeAt(i + 1)) << 4) | unhex(s.charCodeAt(i + 2)));
      i += 2;
      last = i + 1;
    } else if (c === 0x2b && mode === Mode.QueryComponent) {
      out += s.slice(last, i) + ' ';
      last = i + 1;
    } else if (mode === Mode.Host && c < 0x80 && shouldEscape(c, Mode.Host)) {
      return null;
    }
  }
  return out + s.slice(last);
}

const HEX = '0123456789ABCDEF';
// shouldEscape for paths as a table: escapedPath runs on every request the mux routes.
const PATH_ESCAPE = new Uint8Array(256);
for (let c = 0; c < 256; c++) PATH_ESCAPE[c] = shouldEscape(c, Mode.Path) ? 1 : 0;

/**
 * @internal Whether `p` is a rooted path that is its own escaped form and its own clean form, with no escapes:
 * no byte to escape, no `%`, no `//` and no segment starting with a dot (a conservative test for `.`/`..`). The
 * mux routes such paths without building either form.
 */
export function isPlainPath(p: string, knownEscaped = false): boolean {
  if (p.length === 0 || p.charCodeAt(0) !== 0x2f) return false;
  if (knownEscaped) return p.indexOf('//') === -1 && p.indexOf('/.') === -1;
  for (let i = 0; i < p.length; i++) {
    const c = p.charCodeAt(i);
    if (c > 0xff || PATH_ESCAPE[c] === 1 || c === 0x25) return false;
    if (c === 0x2f && i + 1 < p.length) {
      const d = p.charCodeAt(i + 1);
      if (d === 0x2f || d === 0x2e) return false;
    }
  }
  return true;
}

// Escapes text: the characters up to the first one that needs escaping are ASCII and kept; the rest is escaped
// byte by byte (its UTF-8 bytes, src/internal/text.ts; `bytes`: `t` is a binary string already). The result is ASCII.
function escapeText(t: string, mode: Mode, bytes = false): string {
  let i = 0;
  if (mode === Mode.Path) {
    for (; i < t.length; i++) {
      const c = t.charCodeAt(i);
      if (c > 0xff || PATH_ESCAPE[c] === 1) break;
    }
  } else {
    for (; i < t.length; i++) if (shouldEscape(t.charCodeAt(i), mode)) break;
  }
  if (i === t.length) return t;
  let out = t.slice(0, i);
  const s = bytes ? t.slice(i) : binaryOf(t.slice(i));
  for (i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x20 && mode === Mode.QueryComponent) out += '+';
    else if (shouldEscape(c, mode)) out += '%' + HEX[c >> 4] + HEX[c & 15];
    else out += s[i];
  }
  return out;
}

function validEncoded(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    switch (c) {
      case 0x21: case 0x24: case 0x26: case 0x27: case 0x28: case 0x29: case 0x2a: case 0x2b: case 0x2c:
      case 0x3b: case 0x3d: case 0x3a: case 0x40: case 0x5b: case 0x5d: case 0x25:
        continue;
      default:
        if (shouldEscape(c, Mode.Path)) return false;
    }
  }
  return true;
}

/** pathUnescape decodes `%XX` escapes (Go's `url.PathUnescape`); `+` stays `+`. Throws {@link URLError}. */
export function pathUnescape(s: string): string {
  const r = unescape(s, Mode.Path);
  if (r === null) throw new URLError(`invalid URL escape in ${JSON.stringify(s)}`);
  return r;
}
/**
 * @internal Decodes one path segment of a binary string to bytes; an invalid escape leaves it as it is (how the
 * mux reads segments, MUX-5: the mux matches bytes).
 */
export function unescapeSegment(s: string): string {
  if (s.indexOf('%') === -1) return s;
  const r = unescapeBinary(s, Mode.Path);
  return r === null ? s : r;
}
/** pathEscape escapes `s` for use as one path segment (Go's `url.PathEscape`: `/` is escaped too). */
export function pathEscape(s: string): string {
  return escapeText(s, Mode.Path).replace(/\//g, '%2F');
}
/** @internal Escapes a whole path the way Go's URL.EscapedPath does for a path without RawPath. */
export function escapePath(s: string): string {
  return escapeText(s, Mode.Path);
}
/** queryUnescape decodes a query component (`+` is a space). Throws {@link URLError}. */
export function queryUnescape(s: string): string {
  const r = unescape(s, Mode.QueryComponent);
  if (r === null) throw new URLError(`invalid URL escape in ${JSON.stringify(s)}`);
  return r;
}
/** queryEscape escapes `s` for a query component (space becomes `+`). */
export function queryEscape(s: string): string {
  return escapeText(s, Mode.QueryComponent);
}

// Whether `key` can be found in place in a query (a key never holds `=` or `&`), for the last key asked: a handler
// asks for the same few keys again and again, most often the same string.
let lastKey = '';
let lastPlain = true;
function plainKey(key: string): boolean {
  if (key !== lastKey) {
    lastPlain = key.indexOf('=') === -1 && key.indexOf('&') === -1;
    lastKey = key;
  }
  return lastPlain;
}

/**
 * Values maps a query or form key to its values (Go's `url.Values`). Keys and values are text, decoded from the
 * UTF-8 the client sent (bytes that are not UTF-8 are kept as U+DC80–U+DCFF; `bytesOf` gives them back).
 */
export class Values implements Iterable<[string, string[]]> {
  private map: Map<string, string[]> | null;
  /**
   * A request's query not parsed yet: `src[start, src.length)`, with no `%`, `+` or `;` (so its pairs are slices,
   * nothing to unescape or refuse). `get` and `has` find their key in place; anything else parses it into the map.
   * A handler reading a value or two of the query pays for neither the map nor the strings it does not read.
   */
  private src = '';
  private start = -1;
  /** Makes empty Values. */
  constructor() {
    this.map = null; // made on first need
  }
  /** @internal Values of the plain query `src[start:]` (see the field), parsed when more than get/has is asked. */
  static inPlace(src: string, start: number): Values {
    const v = new Values();
    v.src = src;
    v.start = start;
    return v;
  }
  /** @internal The map of keys to values. */
  get m(): Map<string, string[]> {
    if (this.map === null) {
      this.map = new Map();
      if (this.start !== -1) {
        const q = this.src.slice(this.start);
        this.start = -1;
        this.src = '';
        parseQuery(q, this);
      }
    }
    return this.map;
  }
  // Where the value of the first pair keyed `key` starts in src (after its `=`, or at the pair's end when it has
  // none), and sets `pairEnd`; -1 when no pair has that key. Only for a query not parsed yet.
  private find(key: string): number {
    const s = this.src;
    const n = s.length;
    for (let k = this.start; k < n; ) {
      let amp = s.indexOf('&', k);
      if (amp === -1) amp = n;
      // The pair s[k, amp): its key ends at its first '=' (a key never holds one: the caller checked).
      const e = k + key.length;
      // (An empty pair is no pair.)
      if (amp > k && e <= amp && s.startsWith(key, k) && (e === amp || s.charCodeAt(e) === 0x3d)) {
        this.pairEnd = amp;
        return e === amp ? amp : e + 1;
      }
      k = amp + 1;
    }
    return -1;
  }
  private pairEnd = 0;
  /** get returns the first value of `key`, or "". */
  get(key: string): string {
    if (this.start !== -1 && plainKey(key)) {
      const i = this.find(key);
      return i === -1 || i === this.pairEnd ? '' : this.src.slice(i, this.pairEnd);
    }
    const v = this.m.get(key);
    return v && v.length > 0 ? v[0] : '';
  }
  /** set replaces the values of `key`. */
  set(key: string, value: string): void {
    this.m.set(key, [value]);
  }
  /** add appends a value to `key`. */
  add(key: string, value: string): void {
    const m = this.m;
    const v = m.get(key);
    if (v) v.push(value);
    else m.set(key, [value]);
  }
  /** del removes `key`. */
  del(key: string): void {
    this.m.delete(key);
  }
  /** has reports whether `key` is present. */
  has(key: string): boolean {
    if (this.start !== -1 && plainKey(key)) return this.find(key) !== -1;
    return this.m.has(key);
  }
  /** values returns every value of `key` (empty when absent). */
  values(key: string): readonly string[] {
    return this.m.get(key) ?? [];
  }
  /** The keys in insertion order. */
  keys(): IterableIterator<string> {
    return this.m.keys();
  }
  [Symbol.iterator](): IterableIterator<[string, string[]]> {
    return this.m.entries();
  }
  /** The number of keys. */
  get size(): number {
    return this.m.size;
  }
  /** encode gives the `a=1&b=2` form, keys sorted (Go's `Values.Encode`). */
  encode(): string {
    const keys = [...this.m.keys()].sort();
    const parts: string[] = [];
    for (const k of keys) {
      const ek = queryEscape(k);
      for (const v of this.m.get(k)!) parts.push(ek + '=' + queryEscape(v));
    }
    return parts.join('&');
  }
}

/**
 * parseQuery parses a URL query into `into` (Go's `url.ParseQuery`). Pairs are `&`-separated; a pair containing
 * `;` or an invalid escape is dropped, and the first such problem is returned (Go returns it as the error).
 */
export function parseQuery(query: string, into: Values = new Values()): { values: Values; err: URLError | null } {
  // The common query (no `;`, `%` or `+` anywhere): keys and values are slices, nothing to check or unescape.
  if (query.indexOf(';') === -1 && query.indexOf('%') === -1 && query.indexOf('+') === -1) {
    for (let start = 0; start < query.length; ) {
      let end = query.indexOf('&', start);
      if (end === -1) end = query.length;
      if (end > start) {
        const eq = query.indexOf('=', start);
        if (eq === -1 || eq >= end) into.add(query.slice(start, end), '');
        else into.add(query.slice(start, eq), query.slice(eq + 1, end));
      }
      start = end + 1;
    }
    return { values: into, err: null };
  }
  let err: URLError | null = null;
  let start = 0;
  while (start <= query.length) {
    let end = query.indexOf('&', start);
    if (end === -1) end = query.length;
    const pair = query.slice(start, end);
    start = end + 1;
    if (pair.length > 0) {
      if (pair.indexOf(';') !== -1) {
        err ??= new URLError('invalid semicolon separator in query');
      } else {
        const eq = pair.indexOf('=');
        const k = unescape(eq === -1 ? pair : pair.slice(0, eq), Mode.QueryComponent);
        const v = eq === -1 ? '' : unescape(pair.slice(eq + 1), Mode.QueryComponent);
        if (k === null || v === null) err ??= new URLError(`invalid URL escape ${goQuoteBytes(badEscape(binaryOf(pair)))}`);
        else into.add(k, v);
      }
    }
    if (end === query.length) break;
  }
  return { values: into, err };
}

// The first malformed %-escape of s, as Go's EscapeError reports it (at most 3 bytes).
function badEscape(s: string): string {
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '%' && !/^[0-9A-Fa-f]{2}$/.test(s.slice(i + 1, i + 3))) return s.slice(i, i + 3);
  }
  return s;
}
// Go's %q of bytes: valid UTF-8 shown as text, other bytes as \xNN.
function goQuoteBytes(b: string): string {
  return JSON.stringify(textOf(b)).replace(/\\udc([89a-f][0-9a-f])/g, '\\x$1');
}

/**
 * URL is a parsed request-target (Go's `url.URL`). Its strings are text: `path` is decoded from its `%XX` escapes
 * and UTF-8 (`/caf%C3%A9` is `/café`; bytes that are not UTF-8, such as `%FF`, are kept as U+DC80–U+DCFF, so
 * `bytesOf(url.path)` gives Go's bytes); `rawPath` is the path as sent when it differs from the default encoding
 * of `path`. Escaping (`escapedPath`, `string`) encodes text back to the same bytes.
 */
export class URL {
  declare scheme: string;
  declare opaque: string;
  /** The `user:password` part of an absolute-form target, as sent (empty when none). */
  declare user: string;
  declare host: string;
  path = '';
  declare rawPath: string;
  declare forceQuery: boolean;
  rawQuery = '';
  declare fragment: string;
  declare rawFragment: string;
  /**
   * @internal The value of `path` when setPath found it to be its own escaped form with no `%` in it; the mux then
   * skips scanning it again. A path changed later no longer equals it, so the shortcut cannot go stale.
   */
  escapedFor: string | null = null;
  /** @internal The escaped form setPath was given, while `path` is still the one it made from it (`pathOf`). */
  escaped = '';
  /** @internal */
  pathOf: string | null = null;
  /**
   * @internal The request-target the fast parse of the common target cut this URL from, and where its parts are:
   * `escapedFor` is `src[0, pathEnd)` (`pathEnd` is -1 otherwise), `rawQuery` is `src[pathEnd + 1, src.length)`
   * while it is still `queryOf`. Reading the target itself spares the mux and `query()` a slice per part.
   */
  src = '';
  pathEnd = -1;
  queryOf: string | null = null;

  /** escapedPath returns `rawPath` when it is a valid encoding of `path`, else the default encoding (REQ-12). */
  escapedPath(): string {
    // What setPath found to be the default encoding of this very path needs no second encoding.
    if (this.rawPath === '' && this.path === this.pathOf) return this.escaped;
    if (this.rawPath !== '' && validEncoded(this.rawPath)) {
      const p = unescape(this.rawPath, Mode.Path);
      if (p !== null && p === this.path) return this.rawPath;
    }
    if (this.path === '*') return '*';
    return escapeText(this.path, Mode.Path);
  }
  /** setPath sets `path` from an escaped form and `rawPath` when it is not the default encoding. */
  setPath(escaped: string): void {
    // Decoded and re-encoded on its bytes, converted to text once.
    const b = unescapeBinary(binaryOf(escaped), Mode.Path);
    if (b === null) throw new URLError(`invalid URL escape in ${JSON.stringify(escaped)}`);
    const isDefault = escapeText(b, Mode.Path, true) === escaped;
    // A path that is its own default encoding has no byte ≥ 0x80 (those are escaped): it is its own text.
    const p = isDefault && b === escaped ? b : textOf(b);
    this.path = p;
    this.rawPath = isDefault ? '' : escaped;
    this.escapedFor = isDefault && p === escaped ? p : null;
    this.pathOf = isDefault ? p : null;
    this.escaped = escaped;
    this.pathEnd = -1;
  }
  /** query parses `rawQuery`, dropping malformed pairs (Go's `URL.Query`). */
  query(): Values {
    const q = this.rawQuery;
    // Still the query the fast parse cut from the target, with nothing to unescape or refuse: get and has read it
    // in place.
    if (q === this.queryOf && this.pathEnd >= 0 && q !== '') {
      const s = this.src;
      const i = this.pathEnd + 1;
      if (s.indexOf('%', i) === -1 && s.indexOf('+', i) === -1 && s.indexOf(';', i) === -1) return Values.inPlace(s, i);
    }
    return parseQuery(q).values;
  }
  /** requestURI returns the encoded path?query (Go's `URL.RequestURI`). */
  requestURI(): string {
    let r = this.opaque;
    if (r === '') {
      r = this.escapedPath();
      if (r === '') r = '/';
    } else if (r.startsWith('//')) {
      r = this.scheme + ':' + r;
    }
    if (this.forceQuery || this.rawQuery !== '') r += '?' + this.rawQuery;
    return r;
  }
  /** hostname returns `host` without a port and without IPv6 brackets. */
  hostname(): string {
    const h = this.host;
    if (h.startsWith('[')) {
      const i = h.indexOf(']');
      return i === -1 ? h.slice(1) : h.slice(1, i);
    }
    const i = h.lastIndexOf(':');
    return i === -1 ? h : h.slice(0, i);
  }
  /** port returns the port of `host`, or "". */
  port(): string {
    const h = this.host;
    const i = h.lastIndexOf(':');
    if (i === -1 || (h.startsWith('[') && h.indexOf(']') > i)) return '';
    return h.slice(i + 1);
  }
  /** clone returns a copy. */
  clone(): URL {
    return Object.assign(new URL(), this);
  }
  /** string reassembles the URL (Go's `URL.String`). */
  string(): string {
    let s = '';
    if (this.scheme !== '') s += this.scheme + ':';
    if (this.opaque !== '') {
      s += this.opaque;
    } else {
      if (this.scheme !== '' || this.host !== '' || this.user !== '') {
        if (this.host !== '' || this.path !== '' || this.user !== '') s += '//';
        if (this.user !== '') s += this.user + '@';
        s += this.host;
      }
      const p = this.escapedPath();
      if (p !== '' && p[0] !== '/' && this.host !== '') s += '/';
      s += p;
    }
    if (this.forceQuery || this.rawQuery !== '') s += '?' + this.rawQuery;
    if (this.fragment !== '') s += '#' + (this.rawFragment || this.fragment);
    return s;
  }
  toString(): string {
    return this.string();
  }
}

// The parts a request-target in origin form (nearly every request's) leaves empty start on the prototype: each URL
// is eight fields smaller, and gets its own value where one is set.
Object.assign(URL.prototype, { scheme: '', opaque: '', user: '', host: '', rawPath: '', forceQuery: false, fragment: '', rawFragment: '' });

function getScheme(raw: string): [string, string] {
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a)) continue;
    if ((c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e) {
      if (i === 0) return ['', raw];
      continue;
    }
    if (c === 0x3a) {
      if (i === 0) throw new URLError('missing protocol scheme');
      return [raw.slice(0, i), raw.slice(i + 1)];
    }
    return ['', raw];
  }
  return ['', raw];
}

function validOptionalPort(port: string): boolean {
  if (port === '') return true;
  if (port[0] !== ':') return false;
  for (let i = 1; i < port.length; i++) {
    const c = port.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

function parseHost(host: string): string {
  if (host.startsWith('[')) {
    const i = host.lastIndexOf(']');
    if (i < 0) throw new URLError('missing \']\' in host');
    const colonPort = host.slice(i + 1);
    if (!validOptionalPort(colonPort)) throw new URLError(`invalid port ${JSON.stringify(colonPort)} after host`);
  } else {
    const i = host.lastIndexOf(':');
    if (i !== -1) {
      const colonPort = host.slice(i);
      if (!validOptionalPort(colonPort)) throw new URLError(`invalid port ${JSON.stringify(colonPort)} after host`);
    }
  }
  const h = unescape(host, Mode.Host);
  if (h === null) throw new URLError(`invalid character in host name ${JSON.stringify(host)}`);
  return h;
}

function hasCTL(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

/**
 * parse parses a URL or a URL reference (`/a/b?q`, `../c`, `//host/p`, `c#frag`), Go's `url.Parse`. Throws
 * {@link URLError} for control characters, a missing scheme before `:`, a bad port or an invalid escape.
 */
export function parse(raw: string): URL {
  const hash = raw.indexOf('#');
  const u = parseReference(hash === -1 ? raw : raw.slice(0, hash));
  if (hash !== -1) {
    const frag = raw.slice(hash + 1);
    const f = unescape(frag, Mode.Path);
    if (f === null) throw new URLError(`invalid URL escape in ${JSON.stringify(frag)}`);
    u.fragment = f;
    u.rawFragment = escapeText(f, Mode.Path) === frag ? '' : frag;
  }
  return u;
}

// Sets u.scheme (in lower case) from a target that has one and returns the rest; origin-form (every request but a
// proxy's) has none, as '/' cannot start a scheme.
function takeScheme(u: URL, raw: string): string {
  if (raw.charCodeAt(0) === 0x2f) return raw;
  const [scheme, rest] = getScheme(raw);
  u.scheme = scheme.toLowerCase();
  return rest;
}

function parseReference(raw: string): URL {
  if (hasCTL(raw)) throw new URLError('net/url: invalid control character in URL');
  const u = new URL();
  if (raw === '') return u;
  if (raw === '*') {
    u.path = '*';
    return u;
  }
  let rest = takeScheme(u, raw);
  if (rest.endsWith('?') && rest.indexOf('?') === rest.length - 1) {
    u.forceQuery = true;
    rest = rest.slice(0, -1);
  } else {
    const q = rest.indexOf('?');
    if (q !== -1) {
      u.rawQuery = rest.slice(q + 1);
      rest = rest.slice(0, q);
    }
  }
  if (!rest.startsWith('/')) {
    if (u.scheme !== '') {
      u.opaque = rest;
      return u;
    }
    // "a:b/c" without a scheme would be read as one; Go refuses it rather than guess.
    const slash = rest.indexOf('/');
    if ((slash === -1 ? rest : rest.slice(0, slash)).includes(':')) {
      throw new URLError('first path segment in URL cannot contain colon');
    }
  }
  if ((u.scheme !== '' || !rest.startsWith('///')) && rest.startsWith('//')) {
    rest = takeAuthority(u, rest.slice(2));
  }
  u.setPath(rest);
  return u;
}

/** Sets `u.user` and `u.host` from `//authority/path…` (given without its `//`) and returns the path that follows. */
function takeAuthority(u: URL, afterSlashes: string): string {
  const slash = afterSlashes.indexOf('/');
  let authority = slash === -1 ? afterSlashes : afterSlashes.slice(0, slash);
  const at = authority.lastIndexOf('@');
  if (at !== -1) {
    u.user = authority.slice(0, at);
    authority = authority.slice(at + 1);
  }
  u.host = parseHost(authority);
  return slash === -1 ? '' : afterSlashes.slice(slash);
}

// The common request-target: origin-form whose path is its own default encoding (bytes a path keeps unescaped,
// REQ-12: no `%`, nothing to escape), then an optional query without control bytes (REQ-5). A regular expression
// reads the target where a loop would not: the reader's target is a slice of the head, and V8 reads a slice's
// characters through a call each (callgrind: 2,830 → see the commit for a 50-character target).
const PLAIN_TARGET = /^\/[A-Za-z0-9\-._~$&+,/:;=@]*(?:\?[^\x00-\x1f\x7f]*)?$/;

/**
 * The URL {@link parseRequestURI} makes of the common request-target (see PLAIN_TARGET), with its path and query
 * left as slices of the target; null for any other target (the general parse decides, and refuses what is invalid).
 */
function plainOriginForm(t: string, known: boolean): URL | null {
  if (!known && !PLAIN_TARGET.test(t)) return null;
  const u = new URL();
  let p = t;
  const i = t.indexOf('?');
  if (i !== -1) {
    const q = i + 1 === t.length ? '' : t.slice(i + 1);
    u.rawQuery = q;
    if (q === '') u.forceQuery = true;
    u.queryOf = q;
    p = t.slice(0, i);
  }
  u.path = p;
  u.escapedFor = p;
  u.pathOf = p;
  u.escaped = p;
  u.src = t;
  u.pathEnd = i === -1 ? t.length : i;
  return u;
}

/**
 * @internal The request-target of a request line as a server reads it, or null where Go answers 400 (SRV-63):
 * control bytes refused, a CONNECT authority-form target (`host:port`, REQ-17) parsed as a host, anything else by
 * {@link parseRequestURI}. `target` is text (the carrier decodes the request line's bytes, src/internal/text.ts).
 */
export function parseRequestTarget(method: string, target: string, plain = false): URL | null {
  if (target.charCodeAt(0) === 0x2f) {
    // `plain`: the reader found the target to be PLAIN_TARGET's from its bytes (textproto.ts, RequestHead.plainTarget).
    const u = plainOriginForm(target, plain);
    if (u !== null) return u;
  }
  // Origin-form, absolute-form, `*`, or authority-form for CONNECT; control bytes are refused (REQ-5).
  if (hasCTL(target)) return null;
  const authorityForm = method === 'CONNECT' && !target.startsWith('/');
  try {
    const url = parseRequestURI(authorityForm ? 'http://' + target : target);
    if (authorityForm) url.scheme = '';
    return url;
  } catch {
    return null;
  }
}

/**
 * parseRequestURI parses a request-target (Go's `url.ParseRequestURI`): origin-form, absolute-form or `*`.
 * `#` is not a fragment delimiter here (REQ-13). Throws {@link URLError} for an invalid target.
 */
export function parseRequestURI(raw: string): URL {
  const u = new URL();
  if (raw === '') throw new URLError('empty url');
  if (raw === '*') {
    u.path = '*';
    return u;
  }
  let rest = takeScheme(u, raw); // absolute-form: the scheme in lower case, the authority as sent (REQ-14)
  const q = rest.indexOf('?');
  if (q !== -1) {
    u.rawQuery = rest.slice(q + 1);
    if (u.rawQuery === '') u.forceQuery = true;
    rest = rest.slice(0, q);
  }
  if (!rest.startsWith('/')) {
    if (u.scheme !== '') {
      u.opaque = rest;
      return u;
    }
    throw new URLError('invalid URI for request');
  }
  if (u.scheme !== '' && rest.startsWith('//')) {
    rest = takeAuthority(u, rest.slice(2));
  }
  u.setPath(rest);
  return u;
}
