/**
 * The `Date` header value, formatted once per second (RSP-30: `Mon, 02 Jan 2006 15:04:05 GMT`).
 * @module
 * @internal
 */

let cachedSecond = -1;
let cached = '';

/** Returns the current time in HTTP's IMF-fixdate form; the string is rebuilt at most once a second. */
export function httpDate(): string {
  const now = Date.now();
  const sec = Math.floor(now / 1000);
  if (sec !== cachedSecond) {
    cachedSecond = sec;
    cached = new Date(sec * 1000).toUTCString();
  }
  return cached;
}
