/**
 * The open-file cache behind dir() and dirFS() (src/handlers/file-cache.ts): a file served before costs one stat per
 * request, and a file changed in place (even to the same size and modification time), replaced by a rename, or
 * deleted is served as it now is. Descriptors stay bounded.
 */

import * as fsn from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { dir, dirFS, fileServer, fileServerFS, type Handler } from '../../src';
import { MAX_FDS, RACY_MS, cachedAs, cachedDescriptors, resetFileCache, setRacyMs } from '../../src/handlers/file-cache';
import { newRecorder, newRequest } from '../../adapters/httptest';

let root: string;
const OLD = new Date(Date.UTC(2020, 0, 1));
const put = (name: string, data: string | Buffer, mtime: Date | null = OLD): void => {
  fsn.writeFileSync(path.join(root, name), data);
  if (mtime !== null) fsn.utimesSync(path.join(root, name), mtime, mtime);
};
const key = (name: string): string => path.join(root, name);

// The racy window shortened to 40 ms, so that a test can wait it out (boundedly) instead of 2 s.
const RACY = 40;
async function settle(name: string): Promise<void> {
  const ctime = fsn.statSync(key(name)).ctimeMs;
  for (let i = 0; i < 100 && Date.now() - ctime < RACY + 5; i++) await new Promise((r) => setTimeout(r, 10));
}

async function get(h: Handler, target: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Buffer; length: string }> {
  const r = newRequest('GET', target);
  for (const [k, v] of Object.entries(headers)) r.header.set(k, v);
  const w = newRecorder();
  await h.serveHTTP(w, r);
  const res = w.result();
  return { status: res.statusCode, body: res.body, length: res.header.get('Content-Length') };
}

beforeEach(() => {
  resetFileCache();
  setRacyMs(RACY);
  root = fsn.mkdtempSync(path.join(os.tmpdir(), 'nethttp-file-cache-'));
});
afterEach(() => {
  setRacyMs(RACY_MS);
  resetFileCache();
  fsn.rmSync(root, { recursive: true, force: true });
});

describe.each([
  ['fileServer(dir)', () => fileServer(dir(root))],
  ['fileServerFS(dirFS)', () => fileServerFS(dirFS(root))],
])('%s', (_name, make) => {
  test('a small file is kept in memory, and served anew after an in-place change to the same size and mtime', async () => {
    const h = make();
    put('a.txt', 'version 1');
    await settle('a.txt');
    expect((await get(h, '/a.txt')).body.toString()).toBe('version 1');
    expect(cachedAs(key('a.txt'))).toBe('contents');
    expect((await get(h, '/a.txt')).body.toString()).toBe('version 1');
    // Same size, same modification time: only the change time tells (a write always sets it).
    const fd = fsn.openSync(key('a.txt'), 'r+');
    fsn.writeSync(fd, 'VERSION 2', 0);
    fsn.closeSync(fd);
    fsn.utimesSync(key('a.txt'), OLD, OLD);
    const r = await get(h, '/a.txt');
    expect(r.body.toString()).toBe('VERSION 2');
    expect(r.length).toBe('9');
  });

  test('a small file replaced by a rename, and then deleted', async () => {
    const h = make();
    put('b.txt', 'old bytes');
    await settle('b.txt');
    expect((await get(h, '/b.txt')).body.toString()).toBe('old bytes');
    expect(cachedAs(key('b.txt'))).toBe('contents');
    put('b.tmp', 'new bytes');
    fsn.renameSync(key('b.tmp'), key('b.txt'));
    expect((await get(h, '/b.txt')).body.toString()).toBe('new bytes');
    fsn.unlinkSync(key('b.txt'));
    expect((await get(h, '/b.txt')).status).toBe(404);
    expect(cachedAs(key('b.txt'))).toBe(null);
  });

  test('a file changed in the last moments is not kept (its times may not tell the next write apart)', async () => {
    const h = make();
    setRacyMs(60_000);
    put('fresh.txt', 'just written', null);
    expect((await get(h, '/fresh.txt')).body.toString()).toBe('just written');
    expect(cachedAs(key('fresh.txt'))).toBe(null);
  });

  test('a large file keeps its descriptor; growing, shrinking, replacing and deleting it are all seen', async () => {
    const h = make();
    const a = Buffer.alloc(300 << 10, 'a');
    put('big.bin', a);
    let r = await get(h, '/big.bin');
    expect(r.body.equals(a)).toBe(true);
    expect(cachedAs(key('big.bin'))).toBe('descriptor');
    fsn.appendFileSync(key('big.bin'), 'tail');
    r = await get(h, '/big.bin');
    expect(r.length).toBe(String(a.length + 4));
    expect(r.body.subarray(-4).toString()).toBe('tail');
    fsn.truncateSync(key('big.bin'), 100 << 10);
    r = await get(h, '/big.bin');
    expect(r.body.length).toBe(100 << 10);
    const b = Buffer.alloc(200 << 10, 'b');
    put('big.tmp', b);
    fsn.renameSync(key('big.tmp'), key('big.bin'));
    r = await get(h, '/big.bin');
    expect(r.body.equals(b)).toBe(true);
    const range = await get(h, '/big.bin', { Range: 'bytes=10-19' });
    expect([range.status, range.body.toString()]).toEqual([206, 'bbbbbbbbbb']);
    fsn.unlinkSync(key('big.bin'));
    expect((await get(h, '/big.bin')).status).toBe(404);
    expect(cachedAs(key('big.bin'))).toBe(null);
  });

  test('a file that becomes a directory, and a directory that becomes a file', async () => {
    const h = make();
    put('x', 'file');
    expect((await get(h, '/x')).body.toString()).toBe('file');
    fsn.unlinkSync(key('x'));
    fsn.mkdirSync(key('x'));
    expect((await get(h, '/x')).status).toBe(301);
    fsn.rmdirSync(key('x'));
    put('x', 'file again');
    expect((await get(h, '/x')).body.toString()).toBe('file again');
  });
});

test('descriptors stay bounded: past the limit the oldest are closed', async () => {
  const h = fileServer(dir(root));
  const n = MAX_FDS + 20;
  for (let i = 0; i < n; i++) put(`f${i}.bin`, Buffer.alloc((64 << 10) + 1, i));
  const fdsBefore = fsn.readdirSync('/proc/self/fd').length;
  for (let i = 0; i < n; i++) {
    const r = await get(h, `/f${i}.bin`);
    expect(r.body[0]).toBe(i & 255);
  }
  expect(cachedDescriptors()).toBe(MAX_FDS);
  expect(cachedAs(key('f0.bin'))).toBe(null);
  expect(cachedAs(key(`f${n - 1}.bin`))).toBe('descriptor');
  // Wait (boundedly) for the evicted descriptors' asynchronous closes.
  for (let i = 0; i < 100 && fsn.readdirSync('/proc/self/fd').length > fdsBefore + MAX_FDS; i++) await new Promise((r) => setTimeout(r, 10));
  expect(fsn.readdirSync('/proc/self/fd').length).toBeLessThanOrEqual(fdsBefore + MAX_FDS);
  resetFileCache();
});
