/**
 * Cookies against Go 1.23's cookie_test.go tables (writeSetCookies, addCookie, readSetCookies, readCookies) and
 * Go's own outcomes for ParseCookie, ParseSetCookie, Cookie.Valid and the sanitizers (__tests__/go-tables).
 * Also Request.basicAuth against request_test.go's cases.
 */

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Cookie, ErrNoCookie, Header, parseCookie, parseSetCookie, setCookie, stderrLogger, type SameSite } from '../../src/index';
import { newRecorder, newRequest } from '../../adapters/httptest';

interface GoCookie {
  Name: string; Value: string; Quoted: boolean; Path: string; Domain: string; Expires: string; RawExpires: string;
  MaxAge: number; Secure: boolean; HttpOnly: boolean; SameSite: number; Partitioned: boolean; Raw: string; Unparsed: string[] | null;
}
const tables = (JSON.parse(readFileSync(path.join(__dirname, '..', 'go-tables', 'cookie.json'), 'latin1')) as { tables: Record<string, unknown[]> }).tables;

function fromGo(c: GoCookie): Cookie {
  const zero = c.Expires.startsWith('0001-01-01');
  return new Cookie({
    name: c.Name, value: c.Value, quoted: c.Quoted, path: c.Path, domain: c.Domain,
    expires: zero ? null : new Date(c.Expires), rawExpires: c.RawExpires, maxAge: c.MaxAge, secure: c.Secure,
    httpOnly: c.HttpOnly, sameSite: c.SameSite as SameSite, partitioned: c.Partitioned, raw: c.Raw, unparsed: c.Unparsed ?? [],
  });
}
const plain = (c: Cookie) => ({ ...c, expires: c.expires === null ? null : c.expires.getTime() });

let logged: string[] = [];
const origError = stderrLogger.error;
beforeEach(() => {
  logged = [];
  (stderrLogger as { error: (m: string) => void }).error = (m: string) => void logged.push(m);
});
afterEach(() => {
  (stderrLogger as { error: (m: string) => void }).error = origError;
});

describe('Cookie.string (TestWriteSetCookies)', () => {
  const rows = tables.writeSetCookies as { Cookie: GoCookie | null; Raw: string }[];
  test.each(rows.filter((r) => r.Cookie !== null).map((r, i) => [i, r] as const))('#%i', (_i, r) => {
    expect(fromGo(r.Cookie!).string()).toBe(r.Raw);
  });
  test('invalid domains are logged as Go logs them', () => {
    new Cookie({ name: 'c', value: 'v', domain: 'bad-.abc' }).string();
    expect(logged).toEqual(['net/http: invalid Cookie.Domain "bad-.abc"; dropping domain attribute']);
  });
});

test('setCookie adds one Set-Cookie per cookie (TestSetCookie)', () => {
  const w = newRecorder();
  setCookie(w, { name: 'cookie-1', value: 'one', path: '/restricted/' });
  setCookie(w, new Cookie({ name: 'cookie-2', value: 'two', maxAge: 3600 }));
  setCookie(w, { name: '', value: 'dropped' });
  expect(w.header().values('Set-Cookie')).toEqual(['cookie-1=one; Path=/restricted/', 'cookie-2=two; Max-Age=3600']);
});

describe('Request.addCookie (TestAddCookie)', () => {
  const rows = tables.addCookie as { Cookies: GoCookie[]; Raw: string }[];
  test.each(rows.map((r, i) => [i, r] as const))('#%i', (_i, r) => {
    const req = newRequest('GET', 'http://example.com/');
    for (const c of r.Cookies) req.addCookie(fromGo(c));
    expect(req.header.get('Cookie')).toBe(r.Raw);
  });
});

describe('parseSetCookie over Set-Cookie headers (TestReadSetCookies)', () => {
  const rows = tables.readSetCookies as { Header: Record<string, string[]>; Cookies: GoCookie[] }[];
  test.each(rows.map((r, i) => [i, r] as const))('#%i', (_i, r) => {
    const got: Cookie[] = [];
    for (const line of new Header(r.Header).values('Set-Cookie')) {
      try {
        got.push(parseSetCookie(line));
      } catch {
        // readSetCookies skips what does not parse
      }
    }
    expect(got.map(plain)).toEqual(r.Cookies.map(fromGo).map(plain));
  });
});

describe('Request.cookies / cookiesNamed (TestReadCookies)', () => {
  const rows = tables.readCookies as { Header: Record<string, string[]>; Filter: string; Cookies: GoCookie[] }[];
  test.each(rows.map((r, i) => [i, r] as const))('#%i', (_i, r) => {
    const req = newRequest('GET', '/');
    req.header = new Header(r.Header);
    const got = r.Filter === '' ? req.cookies() : req.cookiesNamed(r.Filter);
    expect(got.map(plain)).toEqual(r.Cookies.map(fromGo).map(plain));
  });
});

describe('parseCookie (TestParseCookie, outcomes from Go)', () => {
  const rows = tables.parseCookie as { Line: string; Cookies?: GoCookie[]; Err?: string }[];
  test.each(rows.map((r) => [JSON.stringify(r.Line), r] as const))('%s', (_l, r) => {
    if (r.Err !== undefined) {
      expect(() => parseCookie(r.Line)).toThrow(r.Err);
      return;
    }
    expect(parseCookie(r.Line).map(plain)).toEqual(r.Cookies!.map(fromGo).map(plain));
  });
});

describe('parseSetCookie (TestParseSetCookie, outcomes from Go)', () => {
  const rows = tables.parseSetCookie as { Line: string; Cookie?: GoCookie; Err?: string }[];
  test.each(rows.map((r) => [JSON.stringify(r.Line), r] as const))('%s', (_l, r) => {
    if (r.Err !== undefined) {
      expect(() => parseSetCookie(r.Line)).toThrow(r.Err);
      return;
    }
    expect(plain(parseSetCookie(r.Line))).toEqual(plain(fromGo(r.Cookie!)));
  });
});

describe('Cookie.valid (TestCookieValid, messages from Go)', () => {
  const rows = tables.valid as { Cookie: GoCookie; Err?: string }[];
  test.each(rows.map((r) => [r.Cookie.Name, r] as const))('%s', (_n, r) => {
    const err = fromGo(r.Cookie).valid();
    if (r.Err === undefined || r.Err === '') expect(err).toBeNull();
    else expect(err?.message).toBe(r.Err);
  });
});

describe('sanitizing (TestCookieSanitizeValue, TestCookieSanitizePath)', () => {
  const values = tables.sanitizeValue as { In: string; Quoted: boolean; Want: string }[];
  test.each(values.map((r) => [JSON.stringify(r.In), r] as const))('value %s', (_n, r) => {
    expect(new Cookie({ name: 'n', value: r.In, quoted: r.Quoted }).string()).toBe('n=' + r.Want);
  });
  const paths = tables.sanitizePath as [string, string][];
  test.each(paths)('path %j', (input, want) => {
    expect(new Cookie({ name: 'n', value: 'v', path: input }).string()).toBe('n=v; Path=' + want);
  });
  test('dropped bytes are logged with the byte quoted as Go does', () => {
    new Cookie({ name: 'n', value: 'a;b' }).string();
    new Cookie({ name: 'n', value: 'a\x00b' }).string();
    new Cookie({ name: 'n', value: 'a\udc80b' }).string(); // the byte 0x80 (src/internal/text.ts)
    // Text is checked on its UTF-8 bytes: Go names the first bad byte of `café`, 0xC3.
    expect(new Cookie({ name: 'n', value: 'café' }).string()).toBe('n=caf');
    expect(new Cookie({ name: 'n', value: 'v', path: '/José' }).string()).toBe('n=v; Path=/Jos');
    expect(logged).toEqual([
      "net/http: invalid byte ';' in Cookie.Value; dropping invalid bytes",
      "net/http: invalid byte '\\x00' in Cookie.Value; dropping invalid bytes",
      "net/http: invalid byte '\\u0080' in Cookie.Value; dropping invalid bytes",
      "net/http: invalid byte 'Ã' in Cookie.Value; dropping invalid bytes",
      "net/http: invalid byte 'Ã' in Cookie.Path; dropping invalid bytes",
    ]);
  });
});

describe('Request.cookie', () => {
  const req = newRequest('GET', '/');
  req.header.set('Cookie', 'a=1; b=2; a=3');
  test('first of the name', () => expect(req.cookie('a').value).toBe('1'));
  test('all of the name (Go 1.23 CookiesNamed)', () => expect(req.cookiesNamed('a').map((c) => c.value)).toEqual(['1', '3']));
  test('missing throws ErrNoCookie', () => {
    expect(() => req.cookie('zz')).toThrow(ErrNoCookie.message);
    expect(() => req.cookie('')).toThrow(ErrNoCookie.message);
    expect(req.cookiesNamed('')).toEqual([]);
  });
});

describe('Request.basicAuth (request_test.go TestBasicAuth, TestParseBasicAuth)', () => {
  test.each([
    ['Basic ' + Buffer.from('Aladdin:open sesame').toString('base64'), 'Aladdin', 'open sesame'],
    ['BASIC ' + Buffer.from('Aladdin:open sesame').toString('base64'), 'Aladdin', 'open sesame'],
    ['basic ' + Buffer.from('Aladdin:open sesame').toString('base64'), 'Aladdin', 'open sesame'],
    ['Basic ' + Buffer.from('Aladdin:open:sesame').toString('base64'), 'Aladdin', 'open:sesame'],
    ['Basic ' + Buffer.from(':').toString('base64'), '', ''],
    ['Basic' + Buffer.from('Aladdin:open sesame').toString('base64'), null, null],
    [Buffer.from('Aladdin:open sesame').toString('base64'), null, null],
    ['Basic ' + Buffer.from('Aladdin:open sesame').toString('base64').replace(/=+$/, ''), null, null],
    ['Basic ' + Buffer.from('Aladdin:open sesame').toString('base64').slice(0, -1) + '!', null, null],
    ['Basic ' + Buffer.from('Aladdin open sesame').toString('base64'), null, null],
    ['Basic ' + Buffer.from('Aladdin:open sesame').toString('base64') + '\n', null, null],
    ['Digest username="Aladdin"', null, null],
  ])('%j', (header, user, pass) => {
    const r = newRequest('GET', '/');
    r.header.set('Authorization', header);
    const got = r.basicAuth();
    if (user === null) expect(got).toBeNull();
    else expect(got).toEqual({ username: user, password: pass });
  });
  test('setBasicAuth round-trips', () => {
    const r = newRequest('GET', '/');
    r.setBasicAuth('Aladdin', 'open sesame');
    expect(r.header.get('Authorization')).toBe('Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==');
    expect(r.basicAuth()).toEqual({ username: 'Aladdin', password: 'open sesame' });
  });
  test('no header', () => expect(newRequest('GET', '/').basicAuth()).toBeNull());
});
