/**
 * File systems for the file server: Go's `http.FileSystem` and `io/fs.FS` shapes, a node:fs implementation of each
 * (`dir`, Go's `http.Dir`; `dirFS`, Go's `os.DirFS`), an in-memory one (`memFS`, Go's `fstest.MapFS`) and the
 * adapter between them (`fs`, Go's `http.FS`).
 *
 * File names are text, like request paths (`url.path`): `café.txt` is the file whose name has the bytes of
 * `café.txt` in UTF-8. A name byte that is not UTF-8 is the lone surrogate U+DC80–U+DCFF (src/internal/text.ts),
 * and the node:fs implementations open `bytesOf(name)` as a Buffer path, so any name on disk can be served.
 * @module
 */

import { isUtf8 } from 'node:buffer';
import { constants as fsConstants, promises as fsp, type Stats } from 'node:fs';
import * as posix from 'node:path/posix';
import { ErrClosed, ErrInvalid, ErrNotExist, ErrPermission, NetHTTPError, PathError, errorIs } from '../errors';
import { openRegular } from './file-cache';
import type { DirEntry, File, FileInfo } from './io-fs';
import { pathClean } from '../internal/path';
import { bytesOf, compareBytes, isWellFormed, textOfBytes } from '../internal/text';

export type { DirEntry, File, FileInfo } from './io-fs';

/**
 * FileSystem is what {@link fileServer} serves from (Go's `http.FileSystem`). `open` receives a slash-separated
 * rooted name (`/`, `/docs/a.txt`), cleaned by the caller, as text (the request's decoded path). It rejects (or throws) with an
 * error that {@link errorIs} matches to {@link ErrNotExist} (404) or {@link ErrPermission} (403); any other error
 * is a 500. Node.js system errors (`ENOENT`, `EACCES`, `EPERM`) are understood as well.
 */
export interface FileSystem {
  open(name: string): Promise<File> | File;
}

/**
 * FS is a read-only file system in Go's `io/fs.FS` shape: `open` receives unrooted names that satisfy
 * {@link validPath} (`.` is the root, `docs/a.txt` a file). Serve one with {@link fileServerFS} or
 * {@link serveFileFS}, or adapt it with {@link fs}.
 */
export interface FS {
  open(name: string): Promise<File> | File;
}

const kFS = Symbol.for('nethttp.FS');

/** @internal Whether `x` was made by {@link dirFS} or {@link memFS} (an FS, not a FileSystem). */
export function isKnownFS(x: unknown): x is FS {
  return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[kFS] === true;
}

/**
 * validPath reports whether `name` is a valid {@link FS} name (Go's `fs.ValidPath`): its bytes valid UTF-8 (no
 * U+DC80–U+DCFF standing for a stray byte), unrooted, slash-separated, with no empty, `.` or `..` element, except
 * that the root itself is `.`.
 */
export function validPath(name: string): boolean {
  if (!isWellFormed(name) && !isUtf8(bytesOf(name))) return false;
  if (name === '.') return true;
  let start = 0;
  for (;;) {
    let i = name.indexOf('/', start);
    if (i === -1) i = name.length;
    const elem = name.slice(start, i);
    if (elem === '' || elem === '.' || elem === '..') return false;
    if (i === name.length) return true;
    start = i + 1;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Error classification shared by the file server.

function nodeCode(err: unknown): string | undefined {
  const c = (err as { code?: unknown } | null)?.code;
  return typeof c === 'string' ? c : undefined;
}

function chainHasCode(err: unknown, codes: readonly string[]): boolean {
  for (let e = err, depth = 0; e != null && depth < 32; depth++) {
    const c = nodeCode(e);
    if (c !== undefined && codes.includes(c)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** @internal Whether `err` means "does not exist": {@link ErrNotExist} in its chain, or a Node.js ENOENT. */
export function isNotExist(err: unknown): boolean {
  return errorIs(err, ErrNotExist) || chainHasCode(err, ['ENOENT']);
}

/** @internal Whether `err` means "permission denied": {@link ErrPermission}, or a Node.js EACCES / EPERM. */
export function isPermission(err: unknown): boolean {
  return errorIs(err, ErrPermission) || chainHasCode(err, ['EACCES', 'EPERM']);
}

// Turns a Node.js error into Go's shape: the io/fs sentinel as the cause when there is one.
function pathError(op: string, name: string, err: unknown): PathError {
  if (err instanceof PathError) return err;
  const c = nodeCode(err);
  const cause = c === 'ENOENT' ? ErrNotExist : c === 'EACCES' || c === 'EPERM' ? ErrPermission : err;
  return new PathError(op, name, cause);
}

// ---------------------------------------------------------------------------------------------------------------
// node:fs files.

// A name as the bytes node:fs opens: a Buffer path, so that a name that is not UTF-8 reaches the disk unchanged.
function osPath(name: string): Buffer {
  return bytesOf(name);
}

class OSFile implements File {
  private closed = false;
  constructor(
    private readonly fh: fsp.FileHandle,
    private readonly full: string,
    private readonly base: string,
  ) {}

  async stat(): Promise<FileInfo> {
    let s: Stats;
    try {
      s = await this.fh.stat();
    } catch (err) {
      throw pathError('stat', this.full, err);
    }
    return { name: this.base, size: s.size, modTime: s.mtime, isDir: s.isDirectory() };
  }

  async read(buf: Uint8Array, position: number): Promise<number> {
    if (this.closed) throw new PathError('read', this.full, ErrClosed);
    try {
      const { bytesRead } = await this.fh.read(buf, 0, buf.length, position);
      return bytesRead;
    } catch (err) {
      throw pathError('read', this.full, err);
    }
  }

  async readdir(): Promise<DirEntry[]> {
    if (this.closed) throw new PathError('readdirent', this.full, ErrClosed);
    try {
      // Buffer names keep file names that are not valid UTF-8 exactly as the disk has them.
      const ents = (await fsp.readdir(osPath(this.full), { withFileTypes: true, encoding: 'buffer' })) as unknown as Array<{
        name: Buffer | string;
        isDirectory(): boolean;
      }>;
      return ents.map((d) => ({
        name: typeof d.name === 'string' ? d.name : textOfBytes(d.name),
        isDir: d.isDirectory(),
      }));
    } catch (err) {
      throw pathError('readdirent', this.full, err);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.fh.close();
  }
}

// O_NONBLOCK: opening a FIFO would otherwise wait for a writer inside one of libuv's few pool threads, stalling every
// file operation of the process (Go parks one goroutine instead). Regular files and directories are unaffected.
const OPEN_FLAGS = fsConstants.O_RDONLY | (fsConstants.O_NONBLOCK ?? 0);

// A regular file goes through the open-file cache (src/handlers/file-cache.ts: one stat per request for a file served
// before); anything else is opened as a FileHandle.
async function openOS(full: string): Promise<File> {
  const p = osPath(full);
  const base = posix.basename(full) || '/';
  const f = await openRegular(full, p, base);
  if (f !== null) return f;
  const fh = await fsp.open(p, OPEN_FLAGS);
  return new OSFile(fh, full, base);
}

// Go's mapOpenError: an error other than not-exist / permission that comes from a non-directory in the middle of
// the path (ENOTDIR for `/file.txt/x`) is reported as not-exist, found by stat'ing each prefix (FS-3).
async function mapOpenError(err: unknown, name: string, stat: (p: string) => Promise<{ isDir: boolean }>): Promise<unknown> {
  if (isNotExist(err) || isPermission(err)) return err;
  const parts = name.split('/');
  for (let i = 0; i < parts.length; i++) {
    if (parts[i] === '') continue;
    let fi: { isDir: boolean };
    try {
      fi = await stat(parts.slice(0, i + 1).join('/'));
    } catch {
      return err;
    }
    if (!fi.isDir) return ErrNotExist;
  }
  return err;
}

async function osStat(p: string): Promise<{ isDir: boolean }> {
  const s = await fsp.stat(osPath(p === '' ? '/' : p));
  return { isDir: s.isDirectory() };
}

/** Error of {@link dir} for a name that cannot name a local file (FS-2); the file server answers it with 500. */
const errUnsafePath = (): NetHTTPError => new NetHTTPError('ErrInvalid', 'http: invalid or unsafe file path', { cause: ErrInvalid });

class Dir implements FileSystem {
  private readonly root: string;
  constructor(root: string) {
    this.root = root === '' ? '.' : root;
  }
  async open(name: string): Promise<File> {
    // Cleaned as a rooted path first, so that no `..` climbs above the root (FS-2); then it must be a valid
    // local name: valid UTF-8 (Go's filepath.Localize checks fs.ValidPath) and no NUL byte.
    let p = pathClean('/' + name).slice(1);
    if (p === '') p = '.';
    if (!validPath(p) || p.indexOf('\0') !== -1) throw errUnsafePath();
    const full = posix.join(this.root, p);
    try {
      return await openOS(full);
    } catch (err) {
      throw pathError('open', full, await mapOpenError(err, full, osStat));
    }
  }
}

/**
 * dir returns a {@link FileSystem} over the directory `root` of the local disk (Go's `http.Dir`); an empty `root`
 * is the working directory.
 *
 * Names are cleaned as rooted paths before use, so `..` never leaves `root`, and a name with a NUL byte is refused
 * (`http: invalid or unsafe file path`, a 500). As in Go, symbolic links are followed, also when they point out of
 * `root`, and files whose names start with a dot are served: do not serve a tree in which others can create links,
 * and keep `.git` or `.htpasswd` out of it.
 */
export function dir(root: string): FileSystem {
  return new Dir(root);
}

class DirFS implements FS {
  private readonly root: string;
  constructor(root: string) {
    this.root = root;
    (this as unknown as Record<symbol, boolean>)[kFS] = true;
  }
  async open(name: string): Promise<File> {
    if (!validPath(name) || name.indexOf('\0') !== -1) throw new PathError('open', name, ErrInvalid);
    // An empty root would make every name absolute (Go 1.21+ refuses it too).
    if (this.root === '') throw new PathError('open', name, new NetHTTPError('ErrInvalid', 'os: DirFS with empty root', { cause: ErrInvalid }));
    const full = this.root + '/' + name;
    try {
      return await openOS(full);
    } catch (err) {
      throw pathError('open', name, err);
    }
  }
}

/**
 * dirFS returns an {@link FS} over the directory `root` of the local disk (Go's `os.DirFS`). Names must satisfy
 * {@link validPath}. Symbolic links are followed, also out of `root`, as Go 1.23 does.
 */
export function dirFS(root: string): FS {
  return new DirFS(root);
}

// ---------------------------------------------------------------------------------------------------------------
// In-memory file system.

/** MemFile is one file (or, with `dir: true`, a directory) of a {@link memFS} (Go's `fstest.MapFile`). */
export interface MemFile {
  /** The contents; a string is stored as UTF-8. */
  data?: Uint8Array | string;
  /** The modification time; none (null) when absent. */
  modTime?: Date | null;
  /** Marks an explicit directory entry. */
  dir?: boolean;
}

function memData(f: MemFile): Uint8Array {
  const d = f.data;
  if (d === undefined) return EMPTY;
  return typeof d === 'string' ? bytesOf(d) : d;
}
const EMPTY = new Uint8Array(0);

class MemOpenFile implements File {
  private closed = false;
  constructor(
    private readonly info: FileInfo,
    private readonly data: Uint8Array,
    private readonly entries: DirEntry[] | null,
    private readonly path: string,
  ) {}
  stat(): FileInfo {
    return this.info;
  }
  read(buf: Uint8Array, position: number): number {
    if (this.closed) throw new PathError('read', this.path, ErrClosed);
    if (this.entries !== null) throw new PathError('read', this.path, ErrInvalid);
    if (position >= this.data.length) return 0;
    const n = Math.min(buf.length, this.data.length - position);
    buf.set(this.data.subarray(position, position + n));
    return n;
  }
  readdir(): DirEntry[] {
    if (this.closed) throw new PathError('readdir', this.path, ErrClosed);
    if (this.entries === null) throw new PathError('readdir', this.path, ErrInvalid);
    return this.entries.slice();
  }
  close(): void {
    this.closed = true;
  }
}

class MapFS implements FS {
  private readonly files = new Map<string, MemFile>();
  constructor(files: Record<string, MemFile | Uint8Array | string>) {
    for (const [k, v] of Object.entries(files)) {
      this.files.set(k, typeof v === 'string' || v instanceof Uint8Array ? { data: v } : v);
    }
    (this as unknown as Record<symbol, boolean>)[kFS] = true;
  }

  open(name: string): File {
    // fstest.MapFS answers an invalid name with not-exist (os.DirFS says invalid).
    if (!validPath(name)) throw new PathError('open', name, ErrNotExist);
    const file = this.files.get(name);
    const base = name === '.' ? '.' : name.slice(name.lastIndexOf('/') + 1);
    if (file !== undefined && file.dir !== true) {
      const data = memData(file);
      return new MemOpenFile({ name: base, size: data.length, modTime: file.modTime ?? null, isDir: false }, data, null, name);
    }
    // A directory: explicit or implied by the names below it.
    const prefix = name === '.' ? '' : name + '/';
    const seen = new Map<string, DirEntry>();
    for (const [k, f] of this.files) {
      if (!k.startsWith(prefix) || k === name) continue;
      const rest = k.slice(prefix.length);
      if (rest === '') continue;
      const i = rest.indexOf('/');
      if (i === -1) seen.set(rest, { name: rest, isDir: f.dir === true });
      else if (!seen.has(rest.slice(0, i))) seen.set(rest.slice(0, i), { name: rest.slice(0, i), isDir: true });
    }
    if (file === undefined && seen.size === 0 && name !== '.') throw new PathError('open', name, ErrNotExist);
    const entries = [...seen.values()].sort((a, b) => compareBytes(a.name, b.name));
    return new MemOpenFile({ name: base, size: 0, modTime: file?.modTime ?? null, isDir: true }, EMPTY, entries, name);
  }
}

/**
 * memFS returns an in-memory {@link FS} (Go's `fstest.MapFS`). Keys are {@link validPath} names; a value is a
 * {@link MemFile} or, for short, the contents. Directories are implied by the names below them. The set of names is
 * read once; changes to a MemFile object (its data, its modTime) are seen by later opens.
 *
 * @example
 * ```ts
 * const site = memFS({ 'index.html': '<h1>hi</h1>', 'css/site.css': { data: 'body{}', modTime: new Date() } });
 * mux.handle('/', fileServerFS(site));
 * ```
 */
export function memFS(files: Record<string, MemFile | Uint8Array | string>): FS {
  return new MapFS(files);
}

// ---------------------------------------------------------------------------------------------------------------
// FS → FileSystem.

async function fsStat(fsys: FS, name: string): Promise<{ isDir: boolean }> {
  const f = await fsys.open(name);
  try {
    return await f.stat();
  } finally {
    await f.close();
  }
}

class IOFS implements FileSystem {
  constructor(private readonly fsys: FS) {}
  async open(name: string): Promise<File> {
    const n = name === '/' ? '.' : name.startsWith('/') ? name.slice(1) : name;
    try {
      return await this.fsys.open(n);
    } catch (err) {
      throw await mapOpenError(err, n, (p) => fsStat(this.fsys, p));
    }
  }
}

/**
 * fs converts an {@link FS} into a {@link FileSystem} (Go's `http.FS`), for {@link fileServer}: rooted names lose
 * their leading slash, and `/` becomes `.`.
 */
export function fs(fsys: FS): FileSystem {
  return new IOFS(fsys);
}
