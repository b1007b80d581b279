/**
 * fileServer, fileServerFS, serveFile and serveFileFS: Go's file server — index.html, the relative redirects of
 * directories and `/index.html`, Go's directory listing, and error replies that never name the file (FS-1…FS-32).
 * The bytes themselves go through serveContent (src/handlers/serve-content.ts).
 * @module
 */

import { dir, fs, isKnownFS, isNotExist, isPermission, type DirEntry, type File, type FileInfo, type FileSystem, type FS } from './fs';
import type { Handler, ResponseWriter } from '../handler';
import { error } from './http-error';
import { pathClean } from '../internal/path';
import { compareBytes } from '../internal/text';
import { logf } from '../log';
import { htmlEscape } from './redirect';
import type { Request } from '../request/request';
import { newResponseController } from '../response/response-controller';
import { ifModifiedSinceFails, modMs, serveContentWith, serveError, setLastModified, writeNotModified } from './serve-content';
import { ServerContextKey } from '../server/server';
import { escapePath } from '../request/url';

const INDEX_PAGE = '/index.html';

/** Go's toHTTPError: a fixed text per class of error, never the error's own text (FS-4). */
function toHTTPError(err: unknown): [string, number] {
  if (isNotExist(err)) return ['404 page not found', 404];
  if (isPermission(err)) return ['403 Forbidden', 403];
  return ['500 Internal Server Error', 500];
}

/**
 * Go's localRedirect: 301 with `Location` exactly as given (relative, so that it stays right under a stripped
 * prefix), plus the query; no body and no Content-Type, unlike redirect() (FS-10, FS-11, FS-13).
 */
function localRedirect(w: ResponseWriter, r: Request, newPath: string): void {
  const q = r.url.rawQuery;
  if (q !== '') newPath += '?' + q;
  w.header().set('Location', newPath);
  w.writeHeader(301);
}

/** Go's path.Base for slash-separated paths. */
function pathBase(p: string): string {
  if (p === '') return '.';
  let end = p.length;
  while (end > 0 && p.charCodeAt(end - 1) === 0x2f) end--;
  if (end === 0) return '/';
  return p.slice(p.lastIndexOf('/', end - 1) + 1, end);
}

/** Writes one line through the server's error log, as Go's logf(r, …) does. */
function logFor(r: Request, message: string): void {
  const srv = r.context().value(ServerContextKey) as { logf?: (m: string) => void } | undefined;
  if (srv !== undefined && typeof srv.logf === 'function') srv.logf(message);
  else logf(null, message);
}

/**
 * Go's directory listing (FS-22): sorted by the names' bytes, href URL-escaped (a name's UTF-8 bytes as `%XX`), text
 * HTML-escaped and written as its bytes, one write per line.
 */
async function dirList(w: ResponseWriter, r: Request, f: File): Promise<void> {
  let dirs: DirEntry[];
  try {
    dirs = await f.readdir();
  } catch (err) {
    // Logged, and a fixed 500 text (FS-24).
    logFor(r, `http: error reading directory: ${err instanceof Error ? err.message : String(err)}`);
    error(w, 'Error reading directory', 500);
    return;
  }
  // An ordinary response: Content-Length or chunked by size, no ranges or entity tags (FS-23).
  // Go sorts by the bare names, then appends the slash of directories.
  dirs = dirs.slice().sort((a, b) => compareBytes(a.name, b.name));
  const names = dirs.map((d) => (d.isDir ? d.name + '/' : d.name));
  w.header().set('Content-Type', 'text/html; charset=utf-8');
  w.write('<!doctype html>\n');
  w.write('<meta name="viewport" content="width=device-width">\n');
  w.write('<pre>\n');
  const rc = newResponseController(w);
  const ctx = r.context();
  for (let i = 0; i < names.length; i++) {
    const name = names[i];
    let href = escapePath(name);
    // A first segment with a colon would read as a scheme; Go's URL.String prefixes "./" (FS-22).
    const slash = href.indexOf('/');
    if ((slash === -1 ? href : href.slice(0, slash)).indexOf(':') !== -1) href = './' + href;
    // The name goes out as its bytes (a stray byte as itself, as Go writes it), escaped for HTML only.
    if (w.write(`<a href="${href}">${htmlEscape(name)}</a>\n`) !== null) return;
    if ((i & 255) === 255) {
      await rc.drained();
      if (ctx.err() !== null) return;
    }
  }
  w.write('</pre>\n');
}

async function closeQuietly(f: File): Promise<void> {
  try {
    await f.close();
  } catch {
    // Nothing to report: the reply is already decided.
  }
}

/** Go's serveFile: `name` is slash-separated; `redirect` adds FileServer's canonical-path redirects (FS-12). */
async function serveFileIn(w: ResponseWriter, r: Request, fsys: FileSystem, name: string, redirect: boolean, fallThrough = false): Promise<void> {
  // Relative "./": an absolute target would be wrong under a stripped prefix (FS-10).
  if (r.url.path.endsWith(INDEX_PAGE)) {
    localRedirect(w, r, './');
    return;
  }
  let f: File;
  try {
    f = await fsys.open(name);
  } catch (err) {
    const [msg, code] = toHTTPError(err);
    if (code === 404 && fallThrough && r.exchange !== null && r.exchange.decline()) return;
    serveError(w, msg, code);
    return;
  }
  const opened: File[] = [f];
  try {
    let d: FileInfo;
    try {
      d = await f.stat();
    } catch (err) {
      const [msg, code] = toHTTPError(err);
      if (code === 404 && fallThrough && r.exchange !== null && r.exchange.decline()) return;
      serveError(w, msg, code);
      return;
    }
    if (redirect) {
      const url = r.url.path;
      if (d.isDir) {
        if (!url.endsWith('/')) {
          localRedirect(w, r, pathBase(url) + '/');
          return;
        }
      } else if (url.endsWith('/')) {
        const base = pathBase(url);
        if (base === '/' || base === '.') {
          // The file system maps the root itself to a regular file (FS-12).
          serveError(w, 'http: attempting to traverse a non-directory', 500);
          return;
        }
        localRedirect(w, r, '../' + base);
        return;
      }
    }
    if (d.isDir) {
      const url = r.url.path;
      if (url === '' || !url.endsWith('/')) {
        localRedirect(w, r, pathBase(url) + '/');
        return;
      }
      const index = (name.endsWith('/') ? name.slice(0, -1) : name) + INDEX_PAGE;
      try {
        const ff = await fsys.open(index);
        opened.push(ff);
        const dd = await ff.stat();
        d = dd;
        f = ff;
      } catch {
        // No usable index.html: list the directory (FS-20, FS-21).
      }
    }
    if (d.isDir) {
      const mod = modMs(d.modTime);
      if (ifModifiedSinceFails(r, mod)) {
        writeNotModified(w);
        return;
      }
      setLastModified(w, mod);
      await dirList(w, r, f);
      return;
    }
    const size = d.size;
    await serveContentWith(w, r, d.name, modMs(d.modTime), () => Promise.resolve(size), f);
  } finally {
    for (const x of opened) await closeQuietly(x);
  }
}

/** Go's containsDotDot: a `..` element, with `/` and `\` both separating elements (FS-30). */
function containsDotDot(v: string): boolean {
  if (v.indexOf('..') === -1) return false;
  return v.split(/[/\\]/).some((e) => e === '..');
}

/** Options of {@link fileServer} and {@link fileServerFS}. */
export interface FileServerOptions {
  /**
   * Decline requests for names that do not exist instead of answering 404: served through the Express middleware
   * the next Express route answers them (see {@link fallThrough}), as serve-static's `fallthrough` does. Elsewhere
   * the 404 is sent as usual.
   */
  fallThrough?: boolean;
}

class FileHandler implements Handler {
  constructor(
    private readonly root: FileSystem,
    private readonly fallThrough: boolean,
  ) {}
  serveHTTP(w: ResponseWriter, r: Request): Promise<void> {
    let upath = r.url.path;
    if (!upath.startsWith('/')) {
      upath = '/' + upath;
      r.url.path = upath;
    }
    return serveFileIn(w, r, this.root, pathClean(upath), true, this.fallThrough);
  }
}

/**
 * fileServer returns a handler that serves requests with the contents of the file system `root` (Go's
 * `http.FileServer`), e.g. `mux.handle('/', fileServer(dir('./public')))`. The request path, cleaned, is the file
 * name: `..` cannot leave the root.
 *
 * - A directory is served by its `index.html`, else by a listing; a request for a directory without the trailing
 *   slash, or for a file with one, is redirected (301, relative `Location`), as is any path ending in `/index.html`.
 * - Files are served by {@link serveContent}'s rules: type by extension or sniffing, ranges, conditional requests.
 * - Errors: 404 `404 page not found`, 403 `403 Forbidden`, else 500 `500 Internal Server Error`.
 *
 * An {@link FS} made by {@link dirFS} or {@link memFS} is accepted too and served as by {@link fileServerFS}.
 * Mount under a prefix with `stripPrefix`. With `{ fallThrough: true }`, a name that does not exist is declined
 * instead of answered 404, for the next Express route ({@link FileServerOptions}).
 */
export function fileServer(root: FileSystem, options: FileServerOptions = {}): Handler {
  return new FileHandler(isKnownFS(root) ? fs(root) : root, options.fallThrough === true);
}

/** fileServerFS returns a handler that serves the {@link FS} `fsys` (Go's `http.FileServerFS`): `fileServer(fs(fsys))`. */
export function fileServerFS(fsys: FS, options: FileServerOptions = {}): Handler {
  return new FileHandler(fs(fsys), options.fallThrough === true);
}

/**
 * serveFile replies with the file or directory `name` of the local disk (Go's `http.ServeFile`); a relative `name`
 * is relative to the working directory. A request whose path has a `..` element is refused with 400
 * `invalid URL path`, in case `name` was built from it; `name` itself is not checked — sanitise it if it comes from
 * the client. A path ending in `/index.html` is redirected to `./`. A directory is listed (or its index.html
 * served) only when the request path ends in `/`.
 *
 * `name` is text, opened as its UTF-8 bytes: `serveFile(w, r, 'public/café.txt')` serves that file, and a name built
 * from `r.url.path` or a path value names the file the client's bytes name.
 */
export async function serveFile(w: ResponseWriter, r: Request, name: string): Promise<void> {
  if (containsDotDot(r.url.path)) {
    serveError(w, 'invalid URL path', 400);
    return;
  }
  const i = name.lastIndexOf('/');
  await serveFileIn(w, r, dir(name.slice(0, i + 1)), name.slice(i + 1), false);
}

/**
 * serveFileFS replies with the file or directory `name` of `fsys` (Go's `http.ServeFileFS`), under the same rules
 * as {@link serveFile}.
 */
export async function serveFileFS(w: ResponseWriter, r: Request, fsys: FS, name: string): Promise<void> {
  if (containsDotDot(r.url.path)) {
    serveError(w, 'invalid URL path', 400);
    return;
  }
  await serveFileIn(w, r, fs(fsys), name, false);
}
