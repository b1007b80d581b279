/**
 * parseMediaType: a `Content-Type` or `Content-Disposition` value split into its type and parameters, with
 * RFC 2231 continuations (Go's `mime.ParseMediaType`).
 * @module
 */

import { NetHTTPError } from '../errors';
import { binaryOf, textOf } from '../internal/text';

/** Thrown (with the media type still usable) for a parameter that does not parse (Go's `mime.ErrInvalidMediaParameter`). */
export const ErrInvalidMediaParameter = Object.freeze(new NetHTTPError('ErrInvalidMediaParameter', 'mime: invalid media parameter')) as NetHTTPError;

const tspecials = '()<>@,;:\\"/[]?=';
function isTokenChar(c: number): boolean {
  return c > 0x20 && c < 0x7f && !tspecials.includes(String.fromCharCode(c));
}
function consumeToken(v: string): [string, string] {
  let i = 0;
  while (i < v.length && isTokenChar(v.charCodeAt(i))) i++;
  return [v.slice(0, i), v.slice(i)];
}
function trimLeftSpace(v: string): string {
  let i = 0;
  while (i < v.length && /\s/.test(v[i])) i++;
  return v.slice(i);
}
function consumeValue(v: string): [string, string] {
  if (v === '') return ['', v];
  if (v[0] !== '"') return consumeToken(v);
  let out = '';
  for (let i = 1; i < v.length; i++) {
    const ch = v[i];
    if (ch === '"') return [out, v.slice(i + 1)];
    // A backslash before a non-special character is kept: MSIE sends unescaped Windows paths.
    if (ch === '\\' && i + 1 < v.length && tspecials.includes(v[i + 1])) {
      out += v[i + 1];
      i++;
      continue;
    }
    if (ch === '\r' || ch === '\n') return ['', v];
    out += ch;
  }
  return ['', v];
}
function consumeMediaParam(v: string): [string, string, string] {
  let rest = trimLeftSpace(v);
  if (!rest.startsWith(';')) return ['', '', v];
  rest = trimLeftSpace(rest.slice(1));
  let param: string;
  [param, rest] = consumeToken(rest);
  param = param.toLowerCase();
  if (param === '') return ['', '', v];
  rest = trimLeftSpace(rest);
  if (!rest.startsWith('=')) return ['', '', v];
  rest = trimLeftSpace(rest.slice(1));
  const [value, rest2] = consumeValue(rest);
  if (value === '' && rest2 === rest) return ['', '', v];
  return [param, value, rest2];
}

function checkMediaType(s: string): string | null {
  const [typ, rest] = consumeToken(s);
  if (typ === '') return 'mime: no media type';
  if (rest === '') return null;
  if (!rest.startsWith('/')) return 'mime: expected slash after first token';
  const [sub, rest2] = consumeToken(rest.slice(1));
  if (sub === '') return 'mime: expected token after slash';
  if (rest2 !== '') return 'mime: unexpected content after media subtype';
  return null;
}

// RFC 2231 values are decoded on bytes (binary strings), as a UTF-8 sequence may be split across `%XX` escapes and
// across the pieces of a continuation; the whole value becomes text at the end.
function decode2231Enc(v: string): string | null {
  const parts = v.split("'");
  if (parts.length !== 3) return null;
  const charset = parts[0].toLowerCase();
  if (charset === '') return null;
  if (charset !== 'us-ascii' && charset !== 'utf-8') return null;
  return percentHexUnescape(binaryOf(parts[2]));
}
function percentHexUnescape(s: string): string | null {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] !== '%') {
      out += s[i];
      continue;
    }
    const h = s.slice(i + 1, i + 3);
    if (!/^[0-9A-Fa-f]{2}$/.test(h)) return null;
    out += String.fromCharCode(parseInt(h, 16));
    i += 2;
  }
  return out;
}

/** The result of {@link parseMediaType}: the lower-cased type and the parameters (names lower-cased). */
export interface MediaType {
  mediaType: string;
  params: Map<string, string>;
}

/**
 * parseMediaType parses a media type value and its parameters (Go's `mime.ParseMediaType`): the type is
 * lower-cased and trimmed, parameter names lower-cased, quoted values unquoted, RFC 2231 `name*` / `name*0`
 * forms decoded. Throws a {@link NetHTTPError} for a malformed type; for a malformed parameter it throws
 * {@link ErrInvalidMediaParameter} wrapped with the type in `mediaType` of the error.
 */
export function parseMediaType(v: string): MediaType {
  const semi = v.indexOf(';');
  const base = semi === -1 ? v : v.slice(0, semi);
  const mediaType = base.toLowerCase().trim();
  const bad = checkMediaType(mediaType);
  if (bad !== null) throw new NetHTTPError('MediaTypeError', bad);
  const params = new Map<string, string>();
  let continuation: Map<string, Map<string, string>> | null = null;
  let rest = v.slice(base.length);
  while (rest.length > 0) {
    rest = trimLeftSpace(rest);
    if (rest.length === 0) break;
    const [key, value, after] = consumeMediaParam(rest);
    if (key === '') {
      if (after.trim() === ';') break; // trailing semicolons are allowed
      throw new MediaParameterError(mediaType);
    }
    let pmap = params;
    const star = key.indexOf('*');
    if (star !== -1) {
      const baseName = key.slice(0, star);
      continuation ??= new Map();
      pmap = continuation.get(baseName) ?? new Map();
      continuation.set(baseName, pmap);
    }
    const prev = pmap.get(key);
    if (prev !== undefined && prev !== value) throw new NetHTTPError('MediaTypeError', 'mime: duplicate parameter name');
    pmap.set(key, value);
    rest = after;
  }
  if (continuation !== null) {
    for (const [key, pieces] of continuation) {
      const single = pieces.get(key + '*');
      if (single !== undefined) {
        const d = decode2231Enc(single);
        if (d !== null) params.set(key, textOf(d));
        continue;
      }
      let value = '';
      let valid = false;
      for (let n = 0; ; n++) {
        const raw = pieces.get(`${key}*${n}`);
        if (raw !== undefined) {
          valid = true;
          value += binaryOf(raw);
          continue;
        }
        const enc = pieces.get(`${key}*${n}*`);
        if (enc === undefined) break;
        valid = true;
        const d = n === 0 ? decode2231Enc(enc) : percentHexUnescape(binaryOf(enc));
        if (d !== null) value += d;
      }
      if (valid) params.set(key, textOf(value));
    }
  }
  return { mediaType, params };
}

/** Thrown by {@link parseMediaType} for a bad parameter; `mediaType` is the (valid) type before it. */
export class MediaParameterError extends NetHTTPError {
  constructor(readonly mediaType: string) {
    super('ErrInvalidMediaParameter', 'mime: invalid media parameter', { cause: ErrInvalidMediaParameter });
    this.name = 'MediaParameterError';
  }
}
