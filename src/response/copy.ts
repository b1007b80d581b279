/**
 * copy: a stream into a response with backpressure (Go's `io.Copy(w, src)`), for any runtime.
 * @module
 */

import type { ResponseWriter } from '../handler';
import { byteLengthOf } from '../internal/text';

/** What {@link copy} reads: a Node readable, a web `ReadableStream`, or any async iterable of bytes or text. */
export type CopySource = AsyncIterable<Uint8Array | string> | ReadableStream<Uint8Array>;

/**
 * copy writes everything `src` yields to `w`, waiting for `w.drained()` after each piece so that memory stays
 * bounded however fast the source is (Go's `io.Copy(w, src)`): `await copy(w, fs.createReadStream(name))`,
 * `await copy(w, (await fetch(url)).body!)`. Resolves with the number of bytes written; rejects with the source's
 * error, or with the error `write` returned (the client left, a declared length was passed…), after which the
 * source is closed.
 */
export async function copy(w: ResponseWriter, src: CopySource): Promise<number> {
  const it = iterate(src);
  let n = 0;
  try {
    for (;;) {
      const { value, done } = await it.next();
      if (done === true) return n;
      const err = w.write(value);
      if (err !== null) throw err;
      n += typeof value === 'string' ? byteLengthOf(value) : value.byteLength;
      await w.drained();
    }
  } catch (err) {
    await it.return?.(undefined)?.catch(() => undefined);
    throw err;
  }
}

function iterate(src: CopySource): AsyncIterator<Uint8Array | string> {
  const s = src as Partial<AsyncIterable<Uint8Array | string>> & Partial<ReadableStream<Uint8Array>>;
  if (typeof s[Symbol.asyncIterator] === 'function') return s[Symbol.asyncIterator]!();
  if (typeof s.getReader === 'function') {
    // A web stream without async iteration (older runtimes): read it through its reader.
    const reader = s.getReader();
    return {
      next: () => reader.read() as Promise<IteratorResult<Uint8Array>>,
      return: async () => {
        await reader.cancel();
        return { value: undefined, done: true };
      },
    };
  }
  throw new TypeError('copy: the source is neither an async iterable nor a ReadableStream');
}
