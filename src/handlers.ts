/**
 * Wrapping handlers that rewrite the request before passing it on: stripPrefix and allowQuerySemicolons
 * (Go's `http.StripPrefix`, `http.AllowQuerySemicolons`).
 * @module
 */

import { toHandler, type Handler, type HandlerLike, type ResponseWriter } from './handler';
import { notFound } from './http-error';
import type { Request } from './request';

// Paths are binary strings (one char per byte); a prefix given as text is compared by its UTF-8 bytes.
function binary(s: string): string {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return Buffer.from(s, 'utf8').toString('latin1');
  return s;
}

/** A shallow copy of `r` with its own URL, for handlers that change the URL (Go copies both). */
function withOwnURL(r: Request): Request {
  const r2 = r.shallowCopy();
  r2.url = r.url.clone();
  return r2;
}

/**
 * stripPrefix serves requests by removing `prefix` from the URL's path and raw path and calling `h`
 * (Go's `http.StripPrefix`). A request whose path (or non-empty raw path) does not start with the prefix gets
 * 404 Not Found. The handler sees a copy of the request; `requestURI` keeps the original target.
 *
 * ```ts
 * mux.handle('/static/', stripPrefix('/static', fileServer(dir('public'))));
 * ```
 */
export function stripPrefix(prefix: string, h: HandlerLike): Handler {
  const next = toHandler(h);
  if (prefix === '') return next;
  const pre = binary(prefix);
  return {
    serveHTTP(w: ResponseWriter, r: Request): void | Promise<void> {
      const u = r.url;
      const path = u.path.startsWith(pre) ? u.path.slice(pre.length) : u.path;
      const raw = u.rawPath.startsWith(pre) ? u.rawPath.slice(pre.length) : u.rawPath;
      if (path.length < u.path.length && (u.rawPath === '' || raw.length < u.rawPath.length)) {
        const r2 = withOwnURL(r);
        r2.url.path = path;
        r2.url.rawPath = raw;
        return next.serveHTTP(w, r2);
      }
      notFound(w, r);
    },
  };
}

/**
 * allowQuerySemicolons lets `h` see `;` in the query as a separator, by replacing it with `&` in a copy of the
 * request (Go's `http.AllowQuerySemicolons`; since Go 1.17 `;` is not a separator).
 */
export function allowQuerySemicolons(h: HandlerLike): Handler {
  const next = toHandler(h);
  return {
    serveHTTP(w: ResponseWriter, r: Request): void | Promise<void> {
      if (!r.url.rawQuery.includes(';')) return next.serveHTTP(w, r);
      const r2 = withOwnURL(r);
      r2.url.rawQuery = r.url.rawQuery.replaceAll(';', '&');
      return next.serveHTTP(w, r2);
    },
  };
}
