/**
 * The open-file cache behind `dir` and `dirFS`: what lets a file server pay one thread-pool round trip (a `stat` of
 * the path) per request for a file it served before, instead of four (open, fstat, read, close) as a FileHandle
 * costs.
 *
 * Every request still stats the path, so a changed, replaced or deleted file is seen at once:
 *
 * - Small files (up to {@link SMALL_FILE}) are kept in memory, keyed by the path and its identity — device, inode,
 *   size, modification and change times. Any write changes the change time; a rename puts another inode there;
 *   a delete fails the stat. A file changed less than {@link RACY_MS} ago is not kept: two writes within one tick of
 *   the file system's clock could leave the times equal (git's "racily clean" entries).
 * - Larger files keep their descriptor open, keyed by the path and its device and inode: while the descriptor is
 *   open the inode cannot be reused, so the same inode at the path is the same file, and reads through the
 *   descriptor see its current bytes; size and times come from the request's fresh stat.
 *
 * Memory is bounded: at most {@link SMALL_BUDGET} bytes of contents and {@link MAX_FDS} descriptors, oldest first out; a descriptor leaves only when no response still reads from it.
 * @module
 * Not part of the public API (its declarations are left out of the published types).
 */

import { close as fsClose, constants as fsConstants, fstat, open as fsOpen, read as fsRead, stat as fsStat, type Stats } from 'node:fs';
import { ErrClosed, ErrInvalid, PathError } from '../errors';
import type { DirEntry, File, FileInfo } from './io-fs';

/** Files up to this size are kept in memory. */
export const SMALL_FILE = 64 << 10;
/** The most bytes of small files kept. */
export const SMALL_BUDGET = 16 << 20;
/** The most descriptors of larger files kept open. */
export const MAX_FDS = 128;
/** A file changed more recently than this (ms) is not cached (its times may not yet tell the next write apart). */
export const RACY_MS = 2000;
let racyMs = RACY_MS;

// O_NONBLOCK: opening a FIFO would otherwise wait for a writer inside one of libuv's few pool threads (the stat
// first keeps FIFOs out of here anyway; this is for the file replaced by one between stat and open).
const OPEN_FLAGS = fsConstants.O_RDONLY | (fsConstants.O_NONBLOCK ?? 0);

function statP(p: Buffer): Promise<Stats> {
  return new Promise((resolve, reject) => fsStat(p, (err, st) => (err ? reject(err) : resolve(st))));
}
function openP(p: Buffer): Promise<number> {
  return new Promise((resolve, reject) => fsOpen(p, OPEN_FLAGS, (err, fd) => (err ? reject(err) : resolve(fd))));
}
function fstatP(fd: number): Promise<Stats> {
  return new Promise((resolve, reject) => fstat(fd, (err, st) => (err ? reject(err) : resolve(st))));
}
function readP(fd: number, buf: Uint8Array, off: number, len: number, pos: number): Promise<number> {
  return new Promise((resolve, reject) => fsRead(fd, buf, off, len, pos, (err, n) => (err ? reject(err) : resolve(n))));
}
function closeFd(fd: number): void {
  fsClose(fd, () => undefined);
}

function sameContent(a: Stats, b: Stats): boolean {
  return a.ino === b.ino && a.dev === b.dev && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs;
}

/** A cached small file: its identity and its bytes (never written to: responses may hold views of them). */
class Contents {
  constructor(
    readonly st: Stats,
    readonly data: Buffer,
  ) {}
}

/** A cached descriptor; `refs` counts the files open over it, `evicted` closes it when they are all closed. */
class Descriptor {
  refs = 0;
  evicted = false;
  constructor(
    readonly fd: number,
    readonly dev: number,
    readonly ino: number,
  ) {}
  release(): void {
    if (--this.refs === 0 && this.evicted) closeFd(this.fd);
  }
  evict(): void {
    this.evicted = true;
    if (this.refs === 0) closeFd(this.fd);
  }
}

const contents = new Map<string, Contents>();
let contentBytes = 0;
const fds = new Map<string, Descriptor>();

function dropContents(key: string): void {
  const c = contents.get(key);
  if (c === undefined) return;
  contents.delete(key);
  contentBytes -= c.data.length;
}

function dropFd(key: string): void {
  const d = fds.get(key);
  if (d === undefined) return;
  fds.delete(key);
  d.evict();
}

function keepContents(key: string, c: Contents): void {
  if (c.data.length > SMALL_BUDGET) return;
  while (contentBytes + c.data.length > SMALL_BUDGET) dropContents(contents.keys().next().value as string);
  contents.set(key, c);
  contentBytes += c.data.length;
}

function keepFd(key: string, d: Descriptor): void {
  while (fds.size >= MAX_FDS) dropFd(fds.keys().next().value as string);
  fds.set(key, d);
}

function info(base: string, st: Stats): FileInfo {
  return { name: base, size: st.size, modTime: st.mtime, isDir: false };
}

/** A file served from memory. */
class MemoryFile implements File {
  private closed = false;
  constructor(
    private readonly fi: FileInfo,
    private readonly data: Buffer,
    private readonly full: string,
  ) {}
  stat(): FileInfo {
    return this.fi;
  }
  read(buf: Uint8Array, position: number): number {
    if (this.closed) throw new PathError('read', this.full, ErrClosed);
    if (position >= this.data.length) return 0;
    return this.data.copy(buf, 0, position, Math.min(this.data.length, position + buf.length));
  }
  /** @internal The whole content, for a response to write without copying (serve-content's fast path). */
  contents(): Buffer | null {
    return this.closed ? null : this.data;
  }
  readdir(): DirEntry[] {
    throw new PathError('readdirent', this.full, ErrInvalid);
  }
  close(): void {
    this.closed = true;
  }
}

/** A regular file read through a descriptor, cached or its own. */
class DescriptorFile implements File {
  private closed = false;
  constructor(
    private readonly fi: FileInfo,
    private readonly d: Descriptor,
    private readonly full: string,
  ) {
    d.refs++;
  }
  stat(): FileInfo {
    return this.fi;
  }
  async read(buf: Uint8Array, position: number): Promise<number> {
    if (this.closed) throw new PathError('read', this.full, ErrClosed);
    return readP(this.d.fd, buf, 0, buf.length, position);
  }
  readdir(): DirEntry[] {
    throw new PathError('readdirent', this.full, ErrInvalid);
  }
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.d.release();
  }
}

async function readWhole(fd: number, size: number): Promise<Buffer | null> {
  const data = Buffer.allocUnsafe(size);
  let got = 0;
  while (got < size) {
    const n = await readP(fd, data, got, size - got, got);
    if (n === 0) return null; // shrank meanwhile
    got += n;
  }
  return data;
}

/**
 * Opens the regular file at `full` (a binary-string path; `p` is its bytes) through the cache. Resolves with null
 * when the path is not a regular file (a directory, a FIFO…): the caller opens it the general way. Rejects with the
 * stat's or open's error.
 * @internal
 */
export async function openRegular(full: string, p: Buffer, base: string): Promise<File | null> {
  let st: Stats;
  try {
    st = await statP(p);
  } catch (err) {
    forget(full);
    throw err;
  }
  if (!st.isFile()) {
    forget(full);
    return null;
  }
  const fi = info(base, st);
  if (st.size <= SMALL_FILE) {
    const c = contents.get(full);
    if (c !== undefined && sameContent(c.st, st)) return new MemoryFile(fi, c.data, full);
    dropContents(full);
    const fd = await openP(p);
    try {
      const st2 = await fstatP(fd);
      if (st2.size <= SMALL_FILE && st2.isFile()) {
        const data = await readWhole(fd, st2.size);
        if (data !== null) {
          const now = Date.now();
          if (sameContent(st, st2) && now - st2.ctimeMs >= racyMs && now - st2.mtimeMs >= racyMs) keepContents(full, new Contents(st2, data));
          // The file as it was when opened (the path's stat may already be older).
          return new MemoryFile(info(base, st2), data, full);
        }
      }
      // It grew (or shrank) between the stat and the read: serve it through its descriptor.
      const own = new Descriptor(fd, st2.dev, st2.ino);
      own.evicted = true;
      return new DescriptorFile(info(base, st2), own, full);
    } catch (err) {
      closeFd(fd);
      throw err;
    }
  }
  const d = fds.get(full);
  if (d !== undefined && d.ino === st.ino && d.dev === st.dev) {
    fds.delete(full);
    fds.set(full, d);
    return new DescriptorFile(fi, d, full);
  }
  dropFd(full);
  const fd = await openP(p);
  let st2: Stats;
  try {
    st2 = await fstatP(fd);
  } catch (err) {
    closeFd(fd);
    throw err;
  }
  const nd = new Descriptor(fd, st2.dev, st2.ino);
  if (st2.ino === st.ino && st2.dev === st.dev && st2.isFile()) keepFd(full, nd);
  else nd.evicted = true;
  return new DescriptorFile(info(base, st2), nd, full);
}

function forget(full: string): void {
  if (contents.size > 0) dropContents(full);
  if (fds.size > 0) dropFd(full);
}

/** @internal Sets the racy window (tests); returns the previous one. */
export function setRacyMs(ms: number): number {
  const old = racyMs;
  racyMs = ms;
  return old;
}

/** @internal Closes every cached descriptor and forgets every cached file (tests). */
export function resetFileCache(): void {
  for (const k of [...fds.keys()]) dropFd(k);
  for (const k of [...contents.keys()]) dropContents(k);
}

/** @internal What the cache holds for a path: its bytes, its descriptor, or nothing (tests). */
export function cachedAs(full: string): 'contents' | 'descriptor' | null {
  return contents.has(full) ? 'contents' : fds.has(full) ? 'descriptor' : null;
}

/** @internal Descriptors held open by the cache (tests). */
export function cachedDescriptors(): number {
  return fds.size;
}
