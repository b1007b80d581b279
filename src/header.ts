/**
 * Header: Go's `http.Header`, a map from canonical keys to lists of values.
 * @module
 */

// Token characters (RFC 7230 tchar) by byte value; used to validate field names and decide canonicalisation.
const isTokenTable: Uint8Array = (() => {
  const t = new Uint8Array(128);
  for (let c = 0; c < 128; c++) {
    if ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) t[c] = 1;
  }
  for (const ch of "!#$%&'*+-.^_`|~") t[ch.charCodeAt(0)] = 1;
  return t;
})();

/** @internal Reports whether every character of `s` is an RFC 7230 token character (and `s` is non-empty). */
export function isToken(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || isTokenTable[c] === 0) return false;
  }
  return true;
}

// Keys seen on almost every request; canonicalising them is a map hit, not a loop.
const canonCache = new Map<string, string>();
const CANON_CACHE_MAX = 1024;

/**
 * canonicalHeaderKey returns the canonical form of a header key: the first letter and every letter after a
 * hyphen upper-case, the rest lower-case (`accept-encoding` → `Accept-Encoding`). A key containing a space or
 * any non-token character is returned unchanged, as Go does (REQ-40).
 */
export function canonicalHeaderKey(s: string): string {
  const hit = canonCache.get(s);
  if (hit !== undefined) return hit;
  let upper = true;
  let changed = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || isTokenTable[c] === 0) return s;
    if (upper && c >= 0x61 && c <= 0x7a) changed = true;
    else if (!upper && c >= 0x41 && c <= 0x5a) changed = true;
    upper = c === 0x2d;
  }
  let out = s;
  if (changed) {
    out = '';
    upper = true;
    for (let i = 0; i < s.length; i++) {
      let c = s.charCodeAt(i);
      if (upper && c >= 0x61 && c <= 0x7a) c -= 0x20;
      else if (!upper && c >= 0x41 && c <= 0x5a) c += 0x20;
      out += String.fromCharCode(c);
      upper = c === 0x2d;
    }
  }
  if (canonCache.size < CANON_CACHE_MAX) canonCache.set(s, out);
  return out;
}

/**
 * Header represents the key-value pairs of an HTTP header (Go's `http.Header`, a `map[string][]string`).
 *
 * The methods {@link Header.get}, {@link Header.set}, {@link Header.add}, {@link Header.del} and
 * {@link Header.values} canonicalise the key. Go code that indexes the map directly (`h["x-raw"] = v`) uses the
 * raw methods ({@link Header.setRaw}, {@link Header.getRaw}, {@link Header.deleteRaw}), which keep the key as
 * given. A key mapped to an empty list is present but has no values: it suppresses the automatic `Date` and
 * `Content-Type` of a response, as a nil slice does in Go (RSP-31, RSP-35).
 *
 * Values are text. A request's are decoded from the UTF-8 the client sent (a byte that is not UTF-8 is kept as
 * U+DC80–U+DCFF); a response's go out as their bytes ({@link bytesOf}) with CR and LF made spaces and the ends
 * trimmed, as Go writes them, and a value holding another control byte (NUL, 0x01–0x1F but HTAB, 0x7F) is left out
 * with a log line, on every carrier. Keys that are not tokens are not sent.
 */
export class Header implements Iterable<[string, string[]]> {
  /** @internal The backing map; keys as stored, values in order. */
  readonly m: Map<string, string[]>;

  constructor(init?: Iterable<[string, string[]]> | Record<string, string | string[]>) {
    this.m = new Map();
    if (!init) return;
    if (Symbol.iterator in (init as object)) {
      for (const [k, v] of init as Iterable<[string, string[]]>) this.m.set(k, v.slice());
    } else {
      for (const [k, v] of Object.entries(init as Record<string, string | string[]>)) {
        this.m.set(canonicalHeaderKey(k), Array.isArray(v) ? v.slice() : [v]);
      }
    }
  }

  /** get returns the first value of the canonical `key`, or "" when there is none (Go's `Header.Get`). */
  get(key: string): string {
    return firstValue(this, canonicalHeaderKey(key));
  }
  /** values returns all values of the canonical `key` (the stored array: do not modify it). */
  values(key: string): readonly string[] {
    return this.m.get(canonicalHeaderKey(key)) ?? EMPTY;
  }
  /** has reports whether the canonical `key` is present (even with no values). */
  has(key: string): boolean {
    return this.m.has(canonicalHeaderKey(key));
  }
  /** set replaces the values of the canonical `key` with `value`. */
  set(key: string, value: string): void {
    this.m.set(canonicalHeaderKey(key), [value]);
  }
  /** add appends `value` to the values of the canonical `key`. */
  add(key: string, value: string): void {
    const k = canonicalHeaderKey(key);
    const v = this.m.get(k);
    if (v === undefined) this.m.set(k, [value]);
    else v.push(value);
  }
  /** del removes the canonical `key`. */
  del(key: string): void {
    this.m.delete(canonicalHeaderKey(key));
  }
  /** getRaw returns the values stored under `key` exactly as given (Go's `h[key]`), or undefined. */
  getRaw(key: string): string[] | undefined {
    return this.m.get(key);
  }
  /** setRaw stores `values` under `key` exactly as given (Go's `h[key] = values`); `[]` is Go's nil slice. */
  setRaw(key: string, values: string[] | null): void {
    this.m.set(key, values ?? []);
  }
  /** deleteRaw removes `key` exactly as given (Go's `delete(h, key)`). */
  deleteRaw(key: string): void {
    this.m.delete(key);
  }
  /** hasRaw reports whether `key` exactly as given is present. */
  hasRaw(key: string): boolean {
    return this.m.has(key);
  }
  /** The keys as stored. */
  keys(): IterableIterator<string> {
    return this.m.keys();
  }
  /** The `[key, values]` pairs as stored. */
  entries(): IterableIterator<[string, string[]]> {
    return this.m.entries();
  }
  [Symbol.iterator](): IterableIterator<[string, string[]]> {
    return this.m.entries();
  }
  /** The number of keys. */
  get size(): number {
    return this.m.size;
  }
  /** clone returns a deep copy (Go's `Header.Clone`). */
  clone(): Header {
    const h = new Header();
    for (const [k, v] of this.m) h.m.set(k, v.slice());
    return h;
  }
  /** toJSON gives a plain object of the stored keys and values, for logging. */
  toJSON(): Record<string, string[]> {
    return Object.fromEntries(this.m);
  }
}

const EMPTY: readonly string[] = Object.freeze([]) as readonly string[];

/** @internal Header.get for a key already canonical: one map lookup, no canonicalisation (hot paths ask several). */
export function firstValue(h: Header, canonicalKey: string): string {
  const v = h.m.get(canonicalKey);
  return v !== undefined && v.length > 0 ? v[0] : '';
}
