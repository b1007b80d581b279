/**
 * Waiting for a writable to drain, shared by the sinks that write to Node streams.
 * @module
 * Not part of the public API (its declarations are left out of the published types).
 */

/** The part of a Node writable (socket, ServerResponse) that draining needs. */
export interface Drainable {
  readonly writableNeedDrain: boolean;
  readonly destroyed: boolean;
  on(event: 'drain' | 'close', fn: () => void): unknown;
  off(event: 'drain' | 'close', fn: () => void): unknown;
}

/** Resolves once `w` has drained, or at once when it needs no drain; a stream that closes first resolves too. */
export function whenDrained(w: Drainable): Promise<void> {
  if (!w.writableNeedDrain || w.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      w.off('drain', done);
      w.off('close', done);
      resolve();
    };
    w.on('drain', done);
    w.on('close', done);
  });
}
