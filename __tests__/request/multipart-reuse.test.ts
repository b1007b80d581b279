/**
 * The multipart reader's buffering: a file part spooled to a temporary file gives each body piece back to the body
 * for reuse once it has copied it out (so a large upload streams through a few reused pieces instead of leaving up to
 * 32 MiB of dead backing stores for V8 to collect), and never gives back memory a caller may still see: a piece lent
 * out by Part.read, a line gathered across pieces, or the rest of a piece joined to the next at a possible boundary.
 * The source below reuses what it gets back at once and scribbles over it first, so a piece given back too early
 * shows up as corrupted content.
 */

import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { MultipartReader } from '../../src/index';
import { Client, get, serveOn } from '../raw-client';
import { bytesOf } from '../../src/internal/text';
import { PullBody, copyChunk, recycleChunk, spareChunks } from '../../src/request/body';

/** A body of `data` in pieces of `piece` bytes, each in memory it owns; memory given back is scribbled and reused. */
class ReusingSource {
  readonly given: Buffer[] = [];
  allocated = 0;
  private free: ArrayBuffer[] = [];
  private off = 0;
  constructor(
    private readonly data: Buffer,
    private readonly piece: number,
  ) {}
  async pull(max: number): Promise<Buffer | null> {
    if (this.off >= this.data.length) return null;
    const n = Math.min(max, this.piece, this.data.length - this.off);
    let ab = this.free.pop();
    if (ab === undefined) {
      ab = new ArrayBuffer(this.piece);
      this.allocated++;
    }
    const b = Buffer.from(ab, 0, n);
    this.data.copy(b, 0, this.off, this.off + n);
    this.off += n;
    return b;
  }
  recycle(b: Buffer): void {
    this.given.push(b);
    const ab = b.buffer as ArrayBuffer;
    expect(this.free.includes(ab)).toBe(false); // given back twice
    new Uint8Array(ab).fill(0xee);
    this.free.push(ab);
  }
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

function form(parts: { name: string; filename?: string; content: Buffer }[], boundary: string): Buffer {
  const out: Buffer[] = [];
  for (const p of parts) {
    const fn = p.filename !== undefined ? `; filename="${p.filename}"` : '';
    out.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"${fn}\r\n\r\n`), p.content, Buffer.from('\r\n'));
  }
  out.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(out);
}

// Content full of near-boundaries: pieces often end inside a "\r\n--b0un" that is not the boundary, which makes
// the reader keep a piece's tail and join it to the next piece.
function nearBoundaries(size: number): Buffer {
  const out = Buffer.alloc(size);
  const near = Buffer.from('\r\n--b0un');
  for (let i = 0; i < size; ) {
    const k = randomBytes(1)[0] % 200;
    i += randomBytes(Math.min(k, size - i)).copy(out, i);
    i += near.copy(out, i, 0, Math.min(1 + (k % near.length), size - i));
  }
  return out;
}

test('a spooled file part gives its pieces back, and its content is intact', async () => {
  const file = randomBytes(4 << 20);
  const src = new ReusingSource(form([{ name: 'f', filename: 'a.bin', content: file }], 'b0undary'), 64 << 10);
  const f = await new MultipartReader(new PullBody(src), 'b0undary').readForm(1 << 20);
  try {
    const fh = f.file.get('f')![0];
    expect(fh.size).toBe(file.length);
    expect(sha(readFileSync(fh.tmpfile))).toBe(sha(file));
    // The first 1 MiB is kept in memory until it is known not to fit (16 pieces); the 3 MiB after it go through
    // reused pieces: a handful are ever made.
    expect(src.allocated).toBeLessThan(24);
    expect(src.given.length).toBeGreaterThan(40);
  } finally {
    await f.removeAll();
  }
});

test('pieces joined at near-boundaries, in odd sizes, are given back only once copied', async () => {
  for (const piece of [1000, 4093, 65536]) {
    const file = nearBoundaries(1 << 20);
    const value = nearBoundaries(3000);
    const body = form([{ name: 'v', content: value }, { name: 'f', filename: 'b.bin', content: file }, { name: 'w', content: value }], 'b0undary');
    const src = new ReusingSource(body, piece);
    const f = await new MultipartReader(new PullBody(src), 'b0undary').readForm(1000);
    try {
      expect(sha(readFileSync(f.file.get('f')![0].tmpfile))).toBe(sha(file));
      expect(f.value.get('v')!.map(bytesOf)).toEqual([value]);
      expect(f.value.get('w')!.map(bytesOf)).toEqual([value]);
      expect(src.given.length).toBeGreaterThan(0);
    } finally {
      await f.removeAll();
    }
  }
});

test('pieces a caller got from Part.read are never given back', async () => {
  const a = nearBoundaries(300_000);
  const b = randomBytes(300_000);
  const src = new ReusingSource(form([{ name: 'a', content: a }, { name: 'b', filename: 'b', content: b }], 'b0undary'), 8192);
  const mr = new MultipartReader(new PullBody(src), 'b0undary');
  const kept: Buffer[][] = [];
  for (let p = await mr.nextPart(); p !== null; p = await mr.nextPart()) {
    const got: Buffer[] = [];
    for (let c = await p.read(); c !== null; c = await p.read()) got.push(c);
    kept.push(got);
  }
  // Read after every later piece came and went: still the content.
  expect(sha(Buffer.concat(kept[0]))).toBe(sha(a));
  expect(sha(Buffer.concat(kept[1]))).toBe(sha(b));
});

test('copyChunk reuses only memory it made, and only what was given back', () => {
  const big = randomBytes(60_000);
  const c1 = copyChunk(big);
  expect(c1.equals(big)).toBe(true);
  const foreign = Buffer.alloc(65536);
  const before = spareChunks();
  recycleChunk(foreign);
  expect(spareChunks()).toBe(before);
  recycleChunk(c1);
  recycleChunk(c1);
  expect(spareChunks()).toBe(before + 1);
  const c2 = copyChunk(randomBytes(50_000));
  expect(c2.buffer).toBe(c1.buffer);
  // Small pieces are plain copies, never pooled memory.
  const small = copyChunk(randomBytes(100));
  recycleChunk(small);
  expect(spareChunks()).toBe(before);
});

test('a header line gathered across several pieces keeps its bytes', async () => {
  const long = 'v'.repeat(700) + randomBytes(2000).toString('hex');
  const body = Buffer.from(`--b0undary\r\nX-Long: ${long}\r\nContent-Disposition: form-data; name="a"\r\n\r\n${'z'.repeat(5000)}\r\n--b0undary--\r\n`);
  const src = new ReusingSource(body, 1000);
  const mr = new MultipartReader(new PullBody(src), 'b0undary');
  const p = (await mr.nextPart())!;
  expect(p.header.get('X-Long')).toBe(long);
  expect(await mr.nextPart()).toBeNull();
  expect(src.given.length).toBeGreaterThan(0);
});

// On the native server the body's pieces are the connection's copies out of its read buffer (copyChunk); the
// spooler gives them back and the connection copies later reads into them: for any connection, a handler that
// keeps its pieces included. Uploads in both framings, with a request pipelined behind, next to such a handler.
describe('on the native server', () => {
  const upload = (file: Buffer, chunked: boolean): Buffer => {
    const body = form([{ name: 'v', content: Buffer.from('value') }, { name: 'f', filename: 'f.bin', content: file }], 'b0undary');
    const ct = 'Content-Type: multipart/form-data; boundary=b0undary\r\n';
    if (!chunked) return Buffer.concat([Buffer.from(`POST /up HTTP/1.1\r\nHost: x\r\n${ct}Content-Length: ${body.length}\r\n\r\n`), body]);
    const out: Buffer[] = [Buffer.from(`POST /up HTTP/1.1\r\nHost: x\r\n${ct}Transfer-Encoding: chunked\r\n\r\n`)];
    for (let i = 0; i < body.length; i += 5000) {
      const c = body.subarray(i, i + 5000);
      out.push(Buffer.from(`${c.length.toString(16)}\r\n`), c, Buffer.from('\r\n'));
    }
    out.push(Buffer.from('0\r\n\r\n'));
    return Buffer.concat(out);
  };

  test.each([false, true])('spooled uploads (chunked: %s) and a handler keeping its pieces see intact bytes', async (chunked) => {
    const { srv, port } = await serveOn(async (w, r) => {
      if (r.url.path === '/up') {
        await r.parseMultipartForm(64 << 10);
        const fh = await r.formFile('f');
        w.write(`up ${await r.formValue('v')} ${sha(readFileSync(fh.tmpfile))}\n`);
      } else if (r.url.path === '/keep') {
        const kept: Buffer[] = [];
        for await (const b of r.body) kept.push(b);
        w.write(`keep ${sha(Buffer.concat(kept))}\n`);
      } else w.write('next\n');
    });
    const files = [nearBoundaries(3 << 20), randomBytes(3 << 20)];
    const kept = randomBytes(6 << 20);
    const clients = [new Client(port), new Client(port), new Client(port)];
    try {
      files.forEach((f, i) => clients[i].sock.write(Buffer.concat([upload(f, chunked), Buffer.from(get('/next'))])));
      clients[2].sock.write(Buffer.concat([Buffer.from(`POST /keep HTTP/1.1\r\nHost: x\r\nContent-Length: ${kept.length}\r\n\r\n`), kept]));
      for (const [i, f] of files.entries()) await clients[i].until(() => clients[i].text.includes('next\n'), 20_000);
      await clients[2].until(() => clients[2].text.includes('keep '), 20_000);
      files.forEach((f, i) => expect(clients[i].text).toContain(`up value ${sha(f)}\n`));
      expect(clients[2].text).toContain(`keep ${sha(kept)}\n`);
    } finally {
      for (const c of clients) c.close();
      await srv.close();
    }
  }, 30_000);
});
