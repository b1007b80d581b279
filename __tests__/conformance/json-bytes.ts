/**
 * The conformance kit's canonical JSON (its README, "The two protocols: common rules"): strings are written byte by
 * byte, printable ASCII as itself (`"` and `\` escaped), every other byte as `\u00XX`.
 */

import { bytesOf } from '../../src';
import { compareBytes } from '../../src/internal/text';

function hex2(c: number): string {
  return (c < 16 ? '0' : '') + c.toString(16);
}

/**
 * The bytes of a string (text, as nethttp hands strings to handlers: `bytesOf` gives the client's exact bytes) or
 * of a Buffer, as a canonical JSON string.
 */
export function jsonBytes(text: string | Uint8Array): string {
  const b = typeof text === 'string' ? bytesOf(text) : text;
  let out = '"';
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c >= 0x20 && c <= 0x7e) out += String.fromCharCode(c);
    else out += '\\u00' + hex2(c);
  }
  return out + '"';
}

/** A list of strings. */
export function jsonList(list: readonly string[]): string {
  return '[' + list.map(jsonBytes).join(',') + ']';
}

/** A multimap: keys sorted by bytes, values in stored order. */
export function jsonMultimap(entries: Iterable<[string, readonly string[]]>): string {
  const all = [...entries].sort((a, b) => compareBytes(a[0], b[0]));
  return '[' + all.map(([k, vs]) => '[' + [k, ...vs].map(jsonBytes).join(',') + ']').join(',') + ']';
}
