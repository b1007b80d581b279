/**
 * Wrapping handlers that rewrite the request before passing it on: stripPrefix and allowQuerySemicolons
 * (Go's `http.StripPrefix`, `http.AllowQuerySemicolons`).
 * @module
 */

import { toHandler, type Handler, type HandlerLike, type ResponseWriter } from '../handler';
import { notFound } from './http-error';
import { binaryOf, isASCII, textOf } from '../internal/text';
import type { Request } from '../request/request';

// Go trims the prefix's bytes. An ASCII prefix is a prefix of text exactly when it is one of its bytes; any other
// prefix is compared on bytes, as it may end inside a character (src/internal/text.ts).
function trimPrefix(s: string, prefix: string, ascii: boolean): string {
  if (ascii) return s.startsWith(prefix) ? s.slice(prefix.length) : s;
  const b = binaryOf(s);
  const p = binaryOf(prefix);
  return b.startsWith(p) ? textOf(b.slice(p.length)) : s;
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
  const ascii = isASCII(prefix);
  return {
    serveHTTP(w: ResponseWriter, r: Request): unknown {
      const u = r.url;
      const path = trimPrefix(u.path, prefix, ascii);
      const raw = trimPrefix(u.rawPath, prefix, ascii);
      if (path !== u.path && (u.rawPath === '' || raw !== u.rawPath)) {
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
    serveHTTP(w: ResponseWriter, r: Request): unknown {
      if (!r.url.rawQuery.includes(';')) return next.serveHTTP(w, r);
      const r2 = withOwnURL(r);
      r2.url.rawQuery = r.url.rawQuery.replaceAll(';', '&');
      return next.serveHTTP(w, r2);
    },
  };
}
