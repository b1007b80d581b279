/**
 * redirect and redirectHandler: Go's `http.Redirect` (RSP-105…RSP-111).
 * @module
 */

import type { Handler, ResponseWriter } from '../handler';
import { pathClean } from '../internal/path';
import { binaryOf } from '../internal/text';
import type { Request } from '../request/request';
import { statusText } from '../status';
import { parse } from '../request/url';

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' };

/** @internal Escapes text for HTML (Go's `htmlEscape`: `&#34;` and `&#39;` for the quotes). */
export function htmlEscape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/** Replaces every byte ≥ 0x80 of a binary string with `%` and two lower-case hex digits (RSP-106). */
function hexEscapeNonASCII(s: string): string {
  let out = '';
  let last = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) {
      out += s.slice(last, i) + '%' + c.toString(16);
      last = i + 1;
    }
  }
  return last === 0 ? s : out + s.slice(last);
}

/**
 * redirect replies to `r` with a redirect to `url` and status `code` (Go's `http.Redirect`). A `url` without
 * scheme and host is made absolute against the request path and cleaned, keeping a trailing slash and the query
 * (RSP-105); served through the Express middleware, the mount path is kept (`'edit'` from `/api/users/7/old` under
 * `/api` leads to `/api/users/7/edit`), while a `url` starting with `/` is a path of the whole site. `Location` gets non-ASCII bytes escaped (RSP-106); GET and HEAD get `Content-Type: text/html` and GET a
 * short HTML body naming the target, unless the handler had set a `Content-Type` key (RSP-107…RSP-109). The code is
 * not checked (RSP-110): use 301, 302, 303, 307 or 308.
 *
 * `url` is text: `Location` carries its UTF-8 bytes escaped (`/café` → `/caf%c3%a9`), the body its UTF-8. A path
 * taken from the request (`r.url.path`, a path value) gives back the bytes the client sent, as in Go.
 */
export function redirect(w: ResponseWriter, r: Request, url: string, code: number): void {
  let isReference = false;
  try {
    const u = parse(url);
    isReference = u.scheme === '' && u.host === '';
  } catch {
    // Unparseable: sent as given.
  }
  if (isReference) {
    if (url === '' || url.charCodeAt(0) !== 0x2f) {
      // Relative to the path the client asked for: under an Express mount that includes the mount path, as the
      // browser resolves it (Go resolves against r.URL.Path, which a StripPrefix would have shortened).
      const x = r.exchange;
      const old = (x === null ? '' : x.mount) + (r.url.path === '' ? '/' : r.url.path);
      url = old.slice(0, old.lastIndexOf('/') + 1) + url;
    }
    let query = '';
    const q = url.indexOf('?');
    if (q !== -1) {
      query = url.slice(q);
      url = url.slice(0, q);
    }
    const trailing = url.endsWith('/');
    url = pathClean(url);
    if (trailing && !url.endsWith('/')) url += '/';
    url += query;
  }

  const h = w.header();
  const hadCT = h.hasRaw('Content-Type');
  // Escaped on its bytes, so the header is ASCII whatever the text was.
  h.set('Location', hexEscapeNonASCII(binaryOf(url)));
  if (!hadCT && (r.method === 'GET' || r.method === 'HEAD')) h.set('Content-Type', 'text/html; charset=utf-8');
  w.writeHeader(code);
  if (!hadCT && r.method === 'GET') {
    // The href carries the text as it is (written as UTF-8), escaped for HTML only (RSP-108).
    w.write('<a href="' + htmlEscape(url) + '">' + statusText(code) + '</a>.\n\n');
  }
}

class RedirectHandler implements Handler {
  constructor(
    readonly url: string,
    readonly code: number,
  ) {}
  serveHTTP(w: ResponseWriter, r: Request): void {
    redirect(w, r, this.url, this.code);
  }
}

/** redirectHandler returns a handler that redirects every request to `url` with `code` (Go's `http.RedirectHandler`). */
export function redirectHandler(url: string, code: number): Handler {
  return new RedirectHandler(url, code);
}
