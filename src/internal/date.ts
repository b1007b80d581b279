/**
 * The `Date` header value, formatted once per second (RSP-30: `Mon, 02 Jan 2006 15:04:05 GMT`).
 * @module
 * Not part of the public API (its declarations are left out of the published types).
 */

let cached = '';
let cachedLine = '';

function expire(): void {
  cached = '';
  cachedLine = '';
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

/** The whole `Date: …\r\n` head line, kept as long as {@link httpDate}'s value (one string less per head). */
export function httpDateLine(): string {
  if (cachedLine === '') cachedLine = flat('Date: ' + httpDate() + '\r\n');
  return cachedLine;
}

/**
 * `s` made flat: a string built by `+` is a tree of its pieces, which every socket write of it (or of a string
 * built on it) copies out again; converting it to a number once makes V8 flatten it in place (then fails to parse).
 */
export function flat(s: string): string {
  flatSink = (s as unknown as number) | 0; // kept in a variable, so that the compiler cannot drop the conversion
  return s;
}
let flatSink = 0;
