/**
 * The `Date` header value, formatted once per second (RSP-30: `Mon, 02 Jan 2006 15:04:05 GMT`).
 * @module
 * Not part of the public API (its declarations are left out of the published types).
 */

let cached = '';

function expire(): void {
  cached = '';
}

/**
 * Returns the current time in HTTP's IMF-fixdate form. The string is kept until the next second begins, when an
 * unref'd timer drops it (node:http does the same): a response costs no clock read.
 */
export function httpDate(): string {
  if (cached === '') {
    const now = Date.now();
    cached = new Date(now).toUTCString();
    // unref where timers are objects (Node); a Worker's timers are numbers.
    const t = setTimeout(expire, 1000 - (now % 1000)) as unknown as { unref?: () => void };
    if (typeof t === 'object' && t !== null) t.unref?.();
  }
  return cached;
}
