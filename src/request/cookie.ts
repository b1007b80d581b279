/**
 * Cookies: the `Cookie` type with Go's validation and serialisation, `setCookie`, and the parsers behind
 * `Request.cookies` (Go's `net/http/cookie.go`, Go 1.23).
 * @module
 */

import { NetHTTPError, fresh } from '../errors';
import { isToken, type Header } from '../header';
import { binaryOf, textOfBytes } from '../internal/text';
import { logf } from '../log';

/** SameSite is a cookie's `SameSite` attribute (Go's `http.SameSite`); 0 means the attribute is absent. */
export type SameSite = 0 | 1 | 2 | 3 | 4;
/** `SameSite` with no value (Go's `SameSiteDefaultMode`): written as nothing. */
export const SameSiteDefaultMode: SameSite = 1;
/** `SameSite=Lax` */
export const SameSiteLaxMode: SameSite = 2;
/** `SameSite=Strict` */
export const SameSiteStrictMode: SameSite = 3;
/** `SameSite=None` */
export const SameSiteNoneMode: SameSite = 4;

function sentinel(code: string, message: string): NetHTTPError {
  return Object.freeze(new NetHTTPError(code, message)) as NetHTTPError;
}
/** Thrown by {@link parseCookie} and {@link parseSetCookie} for an empty line (Go's `errBlankCookie`). */
export const ErrBlankCookie = sentinel('ErrBlankCookie', 'http: blank cookie');
/** Thrown for a cookie pair without `=` (Go's `errEqualNotFoundInCookie`). */
export const ErrEqualNotFoundInCookie = sentinel('ErrEqualNotFoundInCookie', "http: '=' not found in cookie");
/** Thrown for a cookie name that is not a token (Go's `errInvalidCookieName`). */
export const ErrInvalidCookieName = sentinel('ErrInvalidCookieName', 'http: invalid cookie name');
/** Thrown for a cookie value with bytes a cookie may not carry (Go's `errInvalidCookieValue`). */
export const ErrInvalidCookieValue = sentinel('ErrInvalidCookieValue', 'http: invalid cookie value');

/** Fields of a {@link Cookie}; everything but `name` and `value` is optional. */
export interface CookieInit {
  name: string;
  value: string;
  quoted?: boolean;
  path?: string;
  domain?: string;
  expires?: Date | null;
  rawExpires?: string;
  maxAge?: number;
  secure?: boolean;
  httpOnly?: boolean;
  sameSite?: SameSite;
  partitioned?: boolean;
  raw?: string;
  unparsed?: string[];
}

/**
 * Cookie is an HTTP cookie as sent in a `Set-Cookie` header or received in a `Cookie` header (Go's
 * `http.Cookie`). Strings are text; they are checked and sanitised on their UTF-8 bytes, as Go checks its strings'
 * bytes: a cookie value may hold printable ASCII only, so `café` is sent as `caf` with Go's log line.
 */
export class Cookie {
  name: string;
  value: string;
  /** Whether the value was (or is to be) written in double quotes. */
  quoted: boolean;
  path: string;
  domain: string;
  /** The expiry time, or null for none (Go's zero `time.Time`). */
  expires: Date | null;
  /** The `Expires` attribute as received (reading only). */
  rawExpires: string;
  /** 0: no `Max-Age`; < 0: delete now (`Max-Age=0`); > 0: seconds. */
  maxAge: number;
  secure: boolean;
  httpOnly: boolean;
  /** 0 when absent; see {@link SameSiteLaxMode} and friends. */
  sameSite: SameSite;
  partitioned: boolean;
  /** The whole `Set-Cookie` line as received (reading only). */
  raw: string;
  /** Attribute-value pairs that were not understood, as received. */
  unparsed: string[];

  constructor(init: CookieInit) {
    this.name = init.name;
    this.value = init.value;
    this.quoted = init.quoted ?? false;
    this.path = init.path ?? '';
    this.domain = init.domain ?? '';
    this.expires = init.expires ?? null;
    this.rawExpires = init.rawExpires ?? '';
    this.maxAge = init.maxAge ?? 0;
    this.secure = init.secure ?? false;
    this.httpOnly = init.httpOnly ?? false;
    this.sameSite = init.sameSite ?? 0;
    this.partitioned = init.partitioned ?? false;
    this.raw = init.raw ?? '';
    this.unparsed = init.unparsed ?? [];
  }

  /**
   * string serialises the cookie for a `Set-Cookie` header (Go's `Cookie.String`), or for a `Cookie` header when
   * only name and value are set. An invalid name gives ""; invalid bytes in value and path are dropped, an
   * invalid domain is left out, each with Go's log line.
   */
  string(): string {
    if (!isToken(this.name)) return '';
    let s = this.name + '=' + sanitizeCookieValue(this.value, this.quoted);
    if (this.path.length > 0) s += '; Path=' + sanitizeOrWarn('Cookie.Path', validCookiePathByte, this.path);
    if (this.domain.length > 0) {
      if (validCookieDomain(this.domain)) {
        s += '; Domain=' + (this.domain[0] === '.' ? this.domain.slice(1) : this.domain);
      } else {
        logf(null, `net/http: invalid Cookie.Domain ${JSON.stringify(this.domain)}; dropping domain attribute`);
      }
    }
    if (this.expires !== null && validCookieExpires(this.expires)) s += '; Expires=' + this.expires.toUTCString();
    if (this.maxAge > 0) s += '; Max-Age=' + Math.trunc(this.maxAge);
    else if (this.maxAge < 0) s += '; Max-Age=0';
    if (this.httpOnly) s += '; HttpOnly';
    if (this.secure) s += '; Secure';
    if (this.sameSite === SameSiteNoneMode) s += '; SameSite=None';
    else if (this.sameSite === SameSiteLaxMode) s += '; SameSite=Lax';
    else if (this.sameSite === SameSiteStrictMode) s += '; SameSite=Strict';
    if (this.partitioned) s += '; Partitioned';
    return s;
  }

  /** toString is {@link Cookie.string}. */
  toString(): string {
    return this.string();
  }

  /** valid returns null when the cookie can be sent as is, else an error saying what is wrong (Go's `Cookie.Valid`). */
  valid(): Error | null {
    if (!isToken(this.name)) return new NetHTTPError('CookieError', 'http: invalid Cookie.Name');
    if (this.expires !== null && !validCookieExpires(this.expires)) return new NetHTTPError('CookieError', 'http: invalid Cookie.Expires');
    const value = binaryOf(this.value);
    for (let i = 0; i < value.length; i++) {
      if (!validCookieValueByte(value.charCodeAt(i))) {
        return new NetHTTPError('CookieError', `http: invalid byte ${quoteByte(value.charCodeAt(i))} in Cookie.Value`);
      }
    }
    const path = binaryOf(this.path);
    for (let i = 0; i < path.length; i++) {
      if (!validCookiePathByte(path.charCodeAt(i))) {
        return new NetHTTPError('CookieError', `http: invalid byte ${quoteByte(path.charCodeAt(i))} in Cookie.Path`);
      }
    }
    if (this.domain.length > 0 && !validCookieDomain(this.domain)) return new NetHTTPError('CookieError', 'http: invalid Cookie.Domain');
    if (this.partitioned && !this.secure) return new NetHTTPError('CookieError', 'http: partitioned cookies must be set with Secure');
    return null;
  }
}

/**
 * setCookie adds a `Set-Cookie` header for `cookie` to the response (Go's `http.SetCookie`); an invalid name adds nothing.
 * `w` is a ResponseWriter (only its `header()` is used, which keeps cookies below the handler types).
 */
export function setCookie(w: { header(): Header }, cookie: Cookie | CookieInit): void {
  const c = cookie instanceof Cookie ? cookie : new Cookie(cookie);
  const v = c.string();
  if (v !== '') w.header().add('Set-Cookie', v);
}

// textproto.TrimString: ASCII space and tab (and CR/LF) at both ends.
function trim(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isTrimByte(s.charCodeAt(a))) a++;
  while (b > a && isTrimByte(s.charCodeAt(b - 1))) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}
function isTrimByte(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

function cut(s: string, sep: string): [string, string, boolean] {
  const i = s.indexOf(sep);
  return i === -1 ? [s, '', false] : [s.slice(0, i), s.slice(i + sep.length), true];
}

/** The value without its quotes, whether it was quoted, and whether every byte may appear in a cookie value. */
function parseCookieValue(raw: string, allowQuotes: boolean): [string, boolean, boolean] {
  let v = raw;
  let quoted = false;
  if (allowQuotes && v.length > 1 && v[0] === '"' && v[v.length - 1] === '"') {
    v = v.slice(1, -1);
    quoted = true;
  }
  for (let i = 0; i < v.length; i++) if (!validCookieValueByte(v.charCodeAt(i))) return ['', quoted, false];
  return [v, quoted, true];
}

/** parseCookie parses a `Cookie` header value into its cookies (Go 1.23's `http.ParseCookie`); throws on the first bad pair. */
export function parseCookie(line: string): Cookie[] {
  const parts = trim(line).split(';');
  if (parts.length === 1 && parts[0] === '') throw fresh(ErrBlankCookie);
  const out: Cookie[] = [];
  for (const p of parts) {
    const [name, raw, found] = cut(trim(p), '=');
    if (!found) throw fresh(ErrEqualNotFoundInCookie);
    if (!isToken(name)) throw fresh(ErrInvalidCookieName);
    const [value, quoted, ok] = parseCookieValue(raw, true);
    if (!ok) throw fresh(ErrInvalidCookieValue);
    out.push(new Cookie({ name, value, quoted }));
  }
  return out;
}

/** parseSetCookie parses a `Set-Cookie` header value (Go 1.23's `http.ParseSetCookie`); throws for a bad name or value. */
export function parseSetCookie(line: string): Cookie {
  const parts = trim(line).split(';');
  if (parts.length === 1 && parts[0] === '') throw fresh(ErrBlankCookie);
  const [rawName, rawValue, ok] = cut(trim(parts[0]), '=');
  if (!ok) throw fresh(ErrEqualNotFoundInCookie);
  const name = trim(rawName);
  if (!isToken(name)) throw fresh(ErrInvalidCookieName);
  const [value, quoted, okv] = parseCookieValue(rawValue, true);
  if (!okv) throw fresh(ErrInvalidCookieValue);
  const c = new Cookie({ name, value, quoted, raw: line });
  for (let i = 1; i < parts.length; i++) {
    const part = trim(parts[i]);
    if (part.length === 0) continue;
    const [attr, rawVal] = cut(part, '=');
    if (!/^[\x00-\x7f]*$/.test(attr)) continue;
    const [val, , okAttr] = parseCookieValue(rawVal, false);
    if (!okAttr) {
      c.unparsed.push(part);
      continue;
    }
    switch (attr.toLowerCase()) {
      case 'samesite': {
        const v = /^[\x00-\x7f]*$/.test(val) ? val.toLowerCase() : '';
        c.sameSite = v === 'lax' ? SameSiteLaxMode : v === 'strict' ? SameSiteStrictMode : v === 'none' ? SameSiteNoneMode : SameSiteDefaultMode;
        continue;
      }
      case 'secure':
        c.secure = true;
        continue;
      case 'httponly':
        c.httpOnly = true;
        continue;
      case 'domain':
        c.domain = val;
        continue;
      case 'max-age': {
        const secs = atoi(val);
        if (secs === null || (secs !== 0 && val[0] === '0')) break;
        c.maxAge = secs <= 0 ? -1 : secs;
        continue;
      }
      case 'expires': {
        c.rawExpires = val;
        const t = parseCookieTime(val);
        if (t === null) {
          c.expires = null;
          break;
        }
        c.expires = t;
        continue;
      }
      case 'path':
        c.path = val;
        continue;
      case 'partitioned':
        c.partitioned = true;
        continue;
    }
    c.unparsed.push(part);
  }
  return c;
}

/** strconv.Atoi: optional sign, decimal digits, within 64 bits. */
function atoi(s: string): number | null {
  if (!/^[+-]?[0-9]+$/.test(s)) return null;
  const big = BigInt(s);
  if (big > 9223372036854775807n || big < -9223372036854775808n) return null;
  return Number(big);
}

const months = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const days = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/**
 * Go's `time.Parse` with `time.RFC1123` (`Mon, 02 Jan 2006 15:04:05 MST`) or `Mon, 02-Jan-2006 15:04:05 MST`.
 * Zone names other than a numeric `GMT±h` count as UTC, as they do for Go on a UTC machine.
 */
function parseCookieTime(v: string): Date | null {
  const m = /^([A-Za-z]{3}), ([0-9]{2})([ -])([A-Za-z]{3})\3([0-9]{4}) ([0-9]{1,2}):([0-9]{2}):([0-9]{2}) ([A-Z][A-Za-z]{2,4}|GMT[+-][0-9]{1,2}|UTC)$/.exec(v);
  if (m === null || !days.includes(m[1].toLowerCase())) return null;
  const month = months.indexOf(m[4].toLowerCase());
  if (month === -1) return null;
  const [day, year, hour, min, sec] = [Number(m[2]), Number(m[5]), Number(m[6]), Number(m[7]), Number(m[8])];
  if (hour > 23 || min > 59 || sec > 59 || day < 1) return null;
  const t = new Date(Date.UTC(year, month, day, hour, min, sec));
  t.setUTCFullYear(year);
  if (t.getUTCDate() !== day) return null; // day out of range for the month
  const off = /^GMT([+-])([0-9]{1,2})$/.exec(m[9]);
  if (off !== null) t.setTime(t.getTime() - (off[1] === '+' ? 1 : -1) * Number(off[2]) * 3600_000);
  return t;
}

function validCookieValueByte(b: number): boolean {
  return b >= 0x20 && b < 0x7f && b !== 0x22 && b !== 0x3b && b !== 0x5c;
}
function validCookiePathByte(b: number): boolean {
  return b >= 0x20 && b < 0x7f && b !== 0x3b;
}
function validCookieExpires(t: Date): boolean {
  return t.getUTCFullYear() >= 1601;
}

function validCookieDomain(v: string): boolean {
  if (isCookieDomainName(v)) return true;
  return !v.includes(':') && isIPv4(v);
}
function isIPv4(v: string): boolean {
  const parts = v.split('.');
  return parts.length === 4 && parts.every((p) => /^[0-9]{1,3}$/.test(p) && Number(p) <= 255 && !(p.length > 1 && p[0] === '0'));
}

// A domain name as RFC 1034 allows it (after an optional leading dot): labels of letters, digits and inner
// hyphens, at most 63 bytes each, 255 in all, and at least one letter somewhere.
function isCookieDomainName(name: string): boolean {
  if (name.length === 0 || name.length > 255) return false;
  const s = name[0] === '.' ? name.slice(1) : name;
  let last = 0x2e;
  let letter = false;
  let partlen = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a)) {
      letter = true;
      partlen++;
    } else if (c >= 0x30 && c <= 0x39) {
      partlen++;
    } else if (c === 0x2d) {
      if (last === 0x2e) return false;
      partlen++;
    } else if (c === 0x2e) {
      if (last === 0x2e || last === 0x2d || partlen > 63 || partlen === 0) return false;
      partlen = 0;
    } else {
      return false;
    }
    last = c;
  }
  return last !== 0x2d && partlen <= 63 && letter;
}

/** Go's `%q` of a byte: a quoted rune literal. */
function quoteByte(b: number): string {
  const esc: Record<number, string> = { 7: '\\a', 8: '\\b', 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r', 0x27: "\\'", 0x5c: '\\\\' };
  if (esc[b] !== undefined) return `'${esc[b]}'`;
  if (b < 0x20 || b === 0x7f) return `'\\x${b.toString(16).padStart(2, '0')}'`;
  if (b >= 0x80 && b <= 0xa0) return `'\\u${b.toString(16).padStart(4, '0')}'`;
  if (b === 0xad) return "'\\u00ad'";
  return `'${String.fromCharCode(b)}'`;
}

// `v` is text; it is checked on its bytes (binaryOf), so the log names the first bad byte as Go's does.
function sanitizeOrWarn(field: string, valid: (b: number) => boolean, text: string): string {
  const v = binaryOf(text);
  let bad = -1;
  for (let i = 0; i < v.length; i++) {
    if (!valid(v.charCodeAt(i))) {
      bad = i;
      break;
    }
  }
  if (bad === -1) return v;
  logf(null, `net/http: invalid byte ${quoteByte(v.charCodeAt(bad))} in ${field}; dropping invalid bytes`);
  let out = '';
  for (let i = 0; i < v.length; i++) if (valid(v.charCodeAt(i))) out += v[i];
  return out;
}

function sanitizeCookieValue(v: string, quoted: boolean): string {
  const s = sanitizeOrWarn('Cookie.Value', validCookieValueByte, v);
  if (s.length === 0) return s;
  return s.includes(' ') || s.includes(',') || quoted ? '"' + s + '"' : s;
}

/** @internal The cookies of `Cookie` header lines, skipping invalid pairs (Go's readCookies). */
export function readCookies(h: Header, filter: string): Cookie[] {
  const lines = h.getRaw('Cookie');
  const out: Cookie[] = [];
  if (lines === undefined) return out;
  for (const l of lines) {
    for (const p of trim(l).split(';')) {
      const part = trim(p);
      if (part === '') continue;
      const [n, raw] = cut(part, '=');
      const name = trim(n);
      if (!isToken(name) || (filter !== '' && filter !== name)) continue;
      const [value, quoted, ok] = parseCookieValue(raw, true);
      if (ok) out.push(new Cookie({ name, value, quoted }));
    }
  }
  return out;
}

/** @internal `name=value` for a `Cookie` request header (Go's AddCookie formatting). */
export function cookiePair(c: Cookie | CookieInit): string {
  return c.name.replace(/[\r\n]/g, '-') + '=' + sanitizeCookieValue(c.value, c.quoted ?? false);
}

/** @internal Go's parseBasicAuth: a case-insensitive `Basic ` then strict standard base64 of `user:password`. */
export function parseBasicAuth(auth: string): { username: string; password: string } | null {
  if (auth.length < 6 || auth.slice(0, 6).toLowerCase() !== 'basic ') return null;
  const enc = auth.slice(6);
  if (enc.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(enc)) return null;
  const s = textOfBytes(Buffer.from(enc, 'base64'));
  const i = s.indexOf(':');
  if (i === -1) return null;
  return { username: s.slice(0, i), password: s.slice(i + 1) };
}
