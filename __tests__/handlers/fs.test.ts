/**
 * File systems (src/handlers/fs.ts): validPath (Go's io/fs TestValidPath table), dir (http.Dir), dirFS (os.DirFS),
 * memFS (fstest.MapFS) and fs() (http.FS), with Go's error classes.
 */

import { execFileSync } from 'node:child_process';
import * as fsn from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  ErrClosed, ErrInvalid, ErrNotExist, PathError, dir, dirFS, errorIs, fs, memFS, validPath, type File, type FileSystem, type FS,
} from '../../src';

/** The error `fn` throws or rejects with (FS methods may do either). */
async function failure(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a failure');
}

async function readAll(f: File): Promise<string> {
  const out: Buffer[] = [];
  for (let pos = 0; ; ) {
    const buf = Buffer.alloc(3); // small on purpose: positional reads in pieces
    const n = await f.read(buf, pos);
    if (n === 0) break;
    out.push(buf.subarray(0, n));
    pos += n;
  }
  return Buffer.concat(out).toString('latin1');
}

describe('validPath: Go io/fs isValidPathTests', () => {
  test.each([
    ['.', true], ['x', true], ['x/y', true],
    ['', false], ['..', false], ['/', false], ['x/', false], ['/x', false], ['x/y/', false], ['/x/y', false], ['./', false],
    ['./x', false], ['x/.', false], ['x/./y', false], ['../', false], ['../x', false], ['x/..', false], ['x/../y', false],
    ['x//y', false], ['x\\', true], ['x\\y', true], ['x:y', true], ['\\x', true],
    // Beyond the table: names are text whose bytes must be valid UTF-8 (U+DC80–U+DCFF stand for stray bytes).
    ['café', true], ['snow ☃/😀', true], ['\udcc0\udcae', false], ['\udcff', false], ['\udced\udca0\udc80', false],
    ['a\x00b', true],
  ])('%j → %s', (name, ok) => {
    expect(validPath(name)).toBe(ok);
  });
});

describe('dir (http.Dir) and dirFS (os.DirFS) over a temporary tree', () => {
  let base: string;
  let root: string;
  beforeAll(() => {
    base = fsn.mkdtempSync(path.join(os.tmpdir(), 'nethttp-fsunit-'));
    root = path.join(base, 'root');
    fsn.mkdirSync(path.join(root, 'sub'), { recursive: true });
    fsn.writeFileSync(path.join(base, 'secret'), 'secret');
    fsn.writeFileSync(path.join(root, 'a.txt'), 'hello world');
    fsn.writeFileSync(path.join(root, 'sub', 'b.txt'), 'b');
    fsn.writeFileSync(Buffer.concat([Buffer.from(path.join(root, 'sub') + '/'), Buffer.from([0x63, 0x61, 0x66, 0xc3, 0xa9])]), 'utf8 name');
    fsn.writeFileSync(Buffer.concat([Buffer.from(path.join(root, 'sub') + '/'), Buffer.from([0x78, 0xff])]), 'not utf8');
    fsn.symlinkSync('..', path.join(root, 'sub', 'up'));
  });
  afterAll(() => fsn.rmSync(base, { recursive: true, force: true }));

  test('dir cleans every name as rooted: `..` stays inside', async () => {
    for (const name of ['/a.txt', 'a.txt', '../a.txt', '/../../a.txt', 'sub/../a.txt', '//a.txt']) {
      const f = await dir(root).open(name);
      expect(await readAll(f)).toBe('hello world');
      await f.close();
    }
    expect(isNotExistErr(await failure(() => dir(root).open('../secret')))).toBe(true);
  });

  test('FileInfo: base name, size, modTime, isDir; "/" names the root directory', async () => {
    const t = new Date('2020-02-03T04:05:06.789Z');
    fsn.utimesSync(path.join(root, 'a.txt'), t, t);
    const f = await dir(root).open('/a.txt');
    expect(await f.stat()).toEqual({ name: 'a.txt', size: 11, modTime: t, isDir: false });
    await f.close();
    const d = await dir(root).open('/');
    expect((await d.stat()).isDir).toBe(true);
    expect((await d.stat()).name).toBe('root');
    await d.close();
  });

  test('readdir gives names as text (a stray byte as U+DC80–U+DCFF) and does not call a link to a directory a directory', async () => {
    const d = await dir(root).open('/sub');
    const ents = (await d.readdir()).sort((a, b) => (a.name < b.name ? -1 : 1));
    expect(ents).toEqual([
      { name: 'b.txt', isDir: false },
      { name: 'café', isDir: false },
      { name: 'up', isDir: false },
      { name: 'x\udcff', isDir: false },
    ]);
    await d.close();
    // The name opens by its UTF-8 bytes, in dir and dirFS; FileInfo names it as text.
    const f = await dir(root).open('/sub/café');
    expect(await readAll(f)).toBe('utf8 name');
    expect((await f.stat()).name).toBe('café');
    await f.close();
    const g = await dirFS(root).open('sub/café');
    expect(await readAll(g)).toBe('utf8 name');
    await g.close();
  });

  test('FS-2: NUL and invalid UTF-8 are refused as unsafe (a 500 in the file server), not as not-exist', async () => {
    for (const name of ['/a\x00b', '/\udcc0\udcae', '/sub/x\udcff']) {
      const e = await failure(() => dir(root).open(name));
      expect((e as Error).message).toContain('http: invalid or unsafe file path');
      expect(isNotExistErr(e)).toBe(false);
      expect(errorIs(e, ErrInvalid)).toBe(true);
    }
  });

  test('FS-3: a file in the middle of the path is not-exist; missing is not-exist', async () => {
    for (const fsys of [dir(root), fs(dirFS(root))]) {
      for (const name of ['/a.txt/x', '/a.txt/x/y', '/missing', '/sub/missing/x']) {
        const e = await failure(() => fsys.open(name));
        expect([name, isNotExistErr(e)]).toEqual([name, true]);
      }
    }
  });

  test('symbolic links are followed (Go documents it for Dir and os.DirFS)', async () => {
    const f = await dir(root).open('/sub/up/a.txt');
    expect(await readAll(f)).toBe('hello world');
    await f.close();
    const g = await dirFS(root).open('sub/up/sub/b.txt');
    expect(await readAll(g)).toBe('b');
    await g.close();
  });

  test('dirFS takes only valid paths; an empty root is refused', async () => {
    for (const name of ['/a.txt', '../secret', 'sub/../a.txt', '', 'a.txt/', 'a\x00b', 'sub/x\udcff']) {
      const e = await failure(() => dirFS(root).open(name));
      expect(e).toBeInstanceOf(PathError);
      expect([name, errorIs(e, ErrInvalid)]).toEqual([name, true]);
    }
    expect((await failure(() => dirFS('').open('a.txt')) as Error).message).toContain('os: DirFS with empty root');
    const f = await dirFS(root).open('.');
    expect((await f.stat()).isDir).toBe(true);
    await f.close();
  });

  test('reads after close fail with ErrClosed; close twice is harmless', async () => {
    const f = await dirFS(root).open('a.txt');
    await f.close();
    await f.close();
    expect(errorIs(await failure(() => f.read(Buffer.alloc(1), 0)), ErrClosed)).toBe(true);
  });

  test('a FIFO opens without waiting for a writer (no libuv pool thread is parked) and reads as empty', async () => {
    const fifo = path.join(root, 'fifo');
    execFileSync('mkfifo', [fifo]);
    try {
      const f = await dir(root).open('/fifo');
      const fi = await f.stat();
      expect([fi.isDir, fi.size]).toEqual([false, 0]);
      await f.close();
    } finally {
      fsn.unlinkSync(fifo);
    }
  });

  test('positional reads: any offset, past the end is 0', async () => {
    const f = await dir(root).open('a.txt');
    const buf = Buffer.alloc(5);
    expect(await f.read(buf, 6)).toBe(5);
    expect(buf.toString()).toBe('world');
    expect(await f.read(buf, 0)).toBe(5);
    expect(await f.read(buf, 100)).toBe(0);
    await f.close();
  });
});

function isNotExistErr(e: unknown): boolean {
  return errorIs(e, ErrNotExist);
}

describe('memFS (fstest.MapFS)', () => {
  const t = new Date('2021-01-01T00:00:00Z');
  const m = memFS({
    'hello.txt': 'hello',
    'bin.dat': new Uint8Array([0, 1, 2]),
    'a/b/c.txt': { data: 'deep', modTime: t },
    'empty': { dir: true },
    'explicit': { dir: true, modTime: t },
    'explicit/x': 'x',
    'caf\u00e9.txt': 'caf\u00e9',
  });

  test('files: contents, size, modTime (none when absent)', async () => {
    const f = await m.open('hello.txt');
    expect(await f.stat()).toEqual({ name: 'hello.txt', size: 5, modTime: null, isDir: false });
    expect(await readAll(f)).toBe('hello');
    const g = await m.open('a/b/c.txt');
    expect(await g.stat()).toEqual({ name: 'c.txt', size: 4, modTime: t, isDir: false });
    expect(await readAll(await m.open('bin.dat'))).toBe('\x00\x01\x02');
  });

  test('directories are implied by the names below them, listed sorted', async () => {
    const rootDir = await m.open('.');
    expect(await rootDir.stat()).toEqual({ name: '.', size: 0, modTime: null, isDir: true });
    expect(await rootDir.readdir()).toEqual([
      { name: 'a', isDir: true }, { name: 'bin.dat', isDir: false }, { name: 'café.txt', isDir: false },
      { name: 'empty', isDir: true }, { name: 'explicit', isDir: true }, { name: 'hello.txt', isDir: false },
    ]);
    expect(await (await m.open('a')).readdir()).toEqual([{ name: 'b', isDir: true }]);
    const ex = await m.open('explicit');
    expect((await ex.stat()).modTime).toEqual(t);
    expect(await ex.readdir()).toEqual([{ name: 'x', isDir: false }]);
  });

  test('names are text: a non-ASCII key opens by the same text, contents are UTF-8', async () => {
    expect(await readAll(await m.open('café.txt'))).toBe('caf\xc3\xa9');
    expect(errorIs(await failure(() => m.open('caf\xc3\xa9.txt')), ErrNotExist)).toBe(true);
  });

  test('invalid and missing names are not-exist (MapFS answers ErrNotExist, not ErrInvalid)', async () => {
    for (const name of ['missing', '/hello.txt', '../hello.txt', 'hello.txt/x', 'a/b/c.txt/', '', 'a//b']) {
      const e = await failure(() => m.open(name));
      expect([name, errorIs(e, ErrNotExist)]).toEqual([name, true]);
      expect((e as Error).message).toBe(`open ${name}: file does not exist`);
    }
  });

  test('reading a directory and listing a file fail; a closed file refuses', async () => {
    const d = await m.open('a');
    expect(errorIs(await failure(() => d.read(Buffer.alloc(1), 0)), ErrInvalid)).toBe(true);
    const f = await m.open('hello.txt');
    expect(errorIs(await failure(() => f.readdir()), ErrInvalid)).toBe(true);
    await f.close();
    expect(errorIs(await failure(() => f.read(Buffer.alloc(1), 0)), ErrClosed)).toBe(true);
  });

  test('changes to a MemFile object are seen by later opens', async () => {
    const file = { data: 'v1', modTime: t };
    const live = memFS({ 'f.txt': file });
    expect(await readAll(await live.open('f.txt'))).toBe('v1');
    file.data = 'version 2';
    expect(await readAll(await live.open('f.txt'))).toBe('version 2');
  });
});

describe('fs (http.FS): rooted names to an FS', () => {
  test('"/" is ".", a leading slash is dropped, names pass through otherwise', async () => {
    const seen: string[] = [];
    const inner: FS = {
      open(name: string) {
        seen.push(name);
        return memFS({ 'x/y.txt': 'y' }).open(name);
      },
    };
    const fsys: FileSystem = fs(inner);
    for (const name of ['/', '/x', '/x/y.txt']) await fsys.open(name);
    expect(seen).toEqual(['.', 'x', 'x/y.txt']);
  });

  test('FS-3 through fs(): a file in the middle is not-exist after the prefix check', async () => {
    const e = await failure(() => fs(memFS({ 'f.txt': 'x' })).open('/f.txt/g'));
    expect(errorIs(e, ErrNotExist)).toBe(true);
  });
});
