/**
 * toWritable: a Node `Writable` view of a ResponseWriter for `pipeline()` and `.pipe()`, with backpressure.
 * @module
 */

import { Writable } from 'node:stream';
import type { ResponseWriter } from '../handler';

/**
 * toWritable returns a Node `Writable` whose writes go to `w`, with backpressure from `w.drained()`:
 * `await pipeline(source, toWritable(w))`, or `source.pipe(toWritable(w))`. A write that `w` refuses (the client
 * left…) fails the stream with that error. Ending the stream does not end the response — the handler's return does —
 * so await the pipeline before returning.
 */
export function toWritable(w: ResponseWriter): Writable {
  return new Writable({
    // Strings stay strings: the writer encodes text as UTF-8 itself.
    decodeStrings: false,
    write(chunk: Uint8Array | string, _enc, cb): void {
      const err = w.write(chunk);
      if (err !== null) return cb(err);
      w.drained().then(() => cb(), cb);
    },
    writev(chunks, cb): void {
      for (const { chunk } of chunks) {
        const err = w.write(chunk as Uint8Array | string);
        if (err !== null) return cb(err);
      }
      w.drained().then(() => cb(), cb);
    },
  });
}
