/**
 * Body: the request body a handler reads (Go's `Request.Body`, an `io.ReadCloser`), as an async iterable.
 * @module
 */

import { bytesOf, textOfBytes } from '../internal/text';
import { ErrBodyReadAfterClose, JSONBodyError, fresh } from '../errors';

/**
 * Body is a request body. Read it with `for await (const chunk of r.body)`, {@link Body.readAll} or
 * {@link Body.read}; a read error (a malformed chunk, a {@link MaxBytesError}, the client going away) rejects.
 * Bodies are read once.
 */
export interface Body extends AsyncIterable<Buffer> {
  /**
   * read resolves with the next piece of the body, at most `max` bytes when given (Go's `Read`), or null at the
   * end of the body.
   */
  read(max?: number): Promise<Buffer | null>;
  /** readAll reads the rest of the body (Go's `io.ReadAll(r.Body)`). */
  readAll(): Promise<Buffer>;
  /**
   * text reads the rest of the body as UTF-8 text (bytes that are not UTF-8 kept as U+DC80–U+DCFF, as every string
   * nethttp hands out: `bytesOf` gives them back).
   */
  text(): Promise<string>;
  /**
   * json reads the rest of the body and parses it as JSON; a body that is empty or not JSON rejects with a
   * {@link JSONBodyError} (400), which a handler may let escape: the carrier answers it. For a size limit and a
   * Content-Type check, use {@link readJSON}.
   */
  json<T = unknown>(): Promise<T>;
  /** close discards the rest of the body; later reads reject with {@link ErrBodyReadAfterClose}. */
  close(): void;
}

/**
 * BodyReader is what every kind of {@link Body} nethttp makes shares: `readAll`, `text`, `json` and iteration, on
 * top of the kind's own `read` and `close`.
 */
export abstract class BodyReader implements Body {
  abstract read(max?: number): Promise<Buffer | null>;
  abstract close(): void;
  readAll(): Promise<Buffer> {
    return this.readAllFrom([], 0);
  }
  /** @internal readAll's reads, after `parts` (`n` bytes) already read. */
  protected async readAllFrom(parts: Buffer[], n: number): Promise<Buffer> {
    for (;;) {
      const b = await this.read(65536);
      if (b === null) break;
      parts.push(b);
      n += b.length;
    }
    return parts.length === 1 ? parts[0] : Buffer.concat(parts, n);
  }
  async text(): Promise<string> {
    return textOfBytes(await this.readAll());
  }
  async json<T = unknown>(): Promise<T> {
    const buf = await this.readAll();
    if (buf.length === 0) throw new JSONBodyError(400, 'request body is empty: want JSON');
    try {
      return JSON.parse(buf.toString('utf8')) as T;
    } catch (err) {
      throw new JSONBodyError(400, `malformed JSON: ${(err as Error).message}`, { cause: err });
    }
  }
  async *[Symbol.asyncIterator](): AsyncIterator<Buffer> {
    for (;;) {
      const b = await this.read(65536);
      if (b === null) return;
      yield b;
    }
  }
}

/**
 * BodySource is what a carrier gives a {@link PullBody}: one function that resolves with the next piece of at most
 * `max` bytes, or null at the end. It is called again only after the previous call settled.
 * @internal
 */
export interface BodySource {
  pull(max: number): Promise<Buffer | null>;
  /**
   * The next piece when it is at hand, without waiting: a Buffer, null at the end, or undefined when only `pull`
   * can say (more must be read, an error is to be reported, a step such as 100 Continue comes first). Optional.
   */
  tryPull?(max: number): Buffer | null | undefined;
  /** Called once when the body is closed before its end (the carrier may discard or stop reading). */
  abandon?(): void;
  /**
   * Takes back a piece this source handed out, for reuse: the caller holds no view of its memory any more (see
   * {@link recycleChunk}). Optional; a source that cannot tell whether it still uses the memory ignores it.
   */
  recycle?(b: Buffer): void;
  /**
   * The rest of the body as UTF-8 text (as `toString('utf8')` decodes), when it is exactly `n` bytes and all at
   * hand: read at once, without a Buffer made for it. Undefined otherwise (nothing is read then). Optional.
   */
  tryText?(n: number): string | undefined;
}

/**
 * PullBody adapts a {@link BodySource} to {@link Body}. Carriers with their own source (the native conn, Node's
 * IncomingMessage, memory) implement a BodySource; wrappers such as `maxBytesReader` wrap a Body.
 * @internal
 */
export class PullBody extends BodyReader {
  private closed = false;
  private eof = false;
  constructor(private readonly src: BodySource) {
    super();
  }

  read(max = 65536): Promise<Buffer | null> {
    // What is at hand is answered at once (one promise, no async frame); the source's pull otherwise.
    const now = this.readNow(max);
    return now !== undefined ? Promise.resolve(now) : this.pullNext(max);
  }
  private async pullNext(max: number): Promise<Buffer | null> {
    if (this.closed) throw fresh(ErrBodyReadAfterClose);
    if (this.eof) return null;
    if (max <= 0) return Buffer.alloc(0);
    const b = await this.src.pull(max);
    if (b === null) this.eof = true;
    return b;
  }
  /** @internal {@link PullBody.read} when its answer is at hand; undefined when it must wait or reject. */
  readNow(max = 65536): Buffer | null | undefined {
    if (this.closed || max <= 0) return undefined;
    if (this.eof) return null;
    const b = this.src.tryPull?.(max);
    if (b === null) this.eof = true;
    return b;
  }
  /** What is at hand is gathered without a promise per piece (a whole body received: one promise); then reads. */
  override readAll(): Promise<Buffer> {
    const parts: Buffer[] = [];
    let n = 0;
    try {
      for (;;) {
        const b = this.readNow(65536);
        if (b === undefined) return this.readAllFrom(parts, n);
        if (b === null) return Promise.resolve(parts.length === 1 ? parts[0] : Buffer.concat(parts, n));
        parts.push(b);
        n += b.length;
      }
    } catch (err) {
      return Promise.reject(err as Error);
    }
  }
  /** @internal {@link BodySource.tryText}: the whole rest of the body as text when it is `n` bytes at hand. */
  readNowText(n: number): string | undefined {
    if (this.closed || this.eof) return undefined;
    const t = this.src.tryText?.(n);
    if (t !== undefined) this.eof = true;
    return t;
  }
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (!this.eof) this.src.abandon?.();
  }
  /** @internal Gives a piece read from this body back to its source for reuse (see {@link BodySource.recycle}). */
  recycle(b: Buffer): void {
    this.src.recycle?.(b);
  }
  /**
   * @internal The handler returned: from now on reads reject with ErrBodyReadAfterClose, as on Go's body closed by
   * finishRequest (SRV-86); the carrier itself still reads and drops what remains.
   */
  closeForHandler(): void {
    this.closed = true;
  }
}

// Body bytes a carrier copies out of its read buffer come in pieces of up to 64 KiB; each fresh piece is a
// backing store outside the V8 heap, and V8 scavenges young ones only once 32 MiB of them have piled up. A reader
// that consumes pieces without keeping them (the multipart spooler) gives them back, so that a long body streams
// through a few reused pieces instead of up to 32 MiB of garbage.
const CHUNK = 64 << 10;
const MAX_SPARE = 8;
const spare: ArrayBuffer[] = [];
// The backing stores copyChunk made: only those are ever reused (never a Buffer someone else made).
const ours = new WeakSet<ArrayBuffer>();

/**
 * @internal A copy of `src` (at most 64 KiB) the copier owns: for a large piece, in a backing store given back
 * earlier ({@link recycleChunk}) or a new 64 KiB one; a small piece is a plain copy.
 */
export function copyChunk(src: Buffer): Buffer {
  const n = src.length;
  if (n <= CHUNK >> 1 || n > CHUNK) return Buffer.from(src);
  let ab = spare.pop();
  if (ab === undefined) {
    ab = Buffer.allocUnsafeSlow(CHUNK).buffer as ArrayBuffer;
    ours.add(ab);
  }
  const b = Buffer.from(ab, 0, n);
  src.copy(b);
  return b;
}

/**
 * @internal Takes back the memory of `b`, made by {@link copyChunk}, for the next copies. Only for a caller that
 * holds the last view of it: no reader, carrier queue or decoder may still see any part of its backing store.
 */
export function recycleChunk(b: Buffer): void {
  const ab = b.buffer as ArrayBuffer;
  if (spare.length < MAX_SPARE && ours.has(ab) && !spare.includes(ab)) spare.push(ab);
}

/** @internal How many backing stores wait for reuse (for tests). */
export function spareChunks(): number {
  return spare.length;
}

class EmptyBody extends BodyReader {
  async read(): Promise<Buffer | null> {
    return null;
  }
  close(): void {}
}

/** NoBody is the body of a request without one (Go's `http.NoBody`): always at its end. */
export const NoBody: Body = Object.freeze(new EmptyBody());

/** bytesBody returns a Body that yields `data` (for tests and handlers that build requests). */
export function bytesBody(data: Buffer | Uint8Array | string): Body {
  let rest: Buffer | null = typeof data === 'string' ? bytesOf(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (rest.length === 0) rest = null;
  return new PullBody({
    async pull(max: number): Promise<Buffer | null> {
      if (rest === null) return null;
      const out = rest.length <= max ? rest : rest.subarray(0, max);
      rest = rest.length <= max ? null : rest.subarray(max);
      return out;
    },
  });
}
