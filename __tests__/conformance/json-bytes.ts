/**
 * The conformance kit's canonical JSON (its README, "The two protocols: common rules"): strings are written byte by
 * byte, printable ASCII as itself (`"` and `\` escaped), every other byte as `\u00XX`.
 */

function hex2(c: number): string {
  return (c < 16 ? '0' : '') + c.toString(16);
}

/** A binary (latin1) string as a canonical JSON string. */
export function jsonBytes(binary: string): string {
  let out = '"';
  for (let i = 0; i < binary.length; i++) {
    const c = binary.charCodeAt(i) & 0xff;
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c >= 0x20 && c <= 0x7e) out += binary[i];
    else out += '\\u00' + hex2(c);
  }
  return out + '"';
}

/** A list of binary strings. */
export function jsonList(list: readonly string[]): string {
  return '[' + list.map(jsonBytes).join(',') + ']';
}

/** A multimap: keys sorted by bytes, values in stored order. */
export function jsonMultimap(entries: Iterable<[string, readonly string[]]>): string {
  const all = [...entries].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return '[' + all.map(([k, vs]) => '[' + [k, ...vs].map(jsonBytes).join(',') + ']').join(',') + ']';
}
