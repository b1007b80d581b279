/**
 * Finding the user's line for log and error messages (Go names the caller of a superfluous WriteHeader, RSP-17, and
 * the registration a pattern conflicts with, MUX-21): the first stack frame outside nethttp's own sources.
 * @module
 */

let own: readonly string[] | null = null;

/**
 * The package's own source folders, `<root>/src/` and `<root>/adapters/`, read once off this module's own stack
 * frame, so they are right from TypeScript or from dist/, wherever this file sits under src/. No node: module, no
 * `__dirname`; an application's own folder named src/ is not mistaken for them.
 */
function ownSources(): readonly string[] {
  if (own !== null) return own;
  const frame = new Error().stack?.split('\n')[1] ?? '';
  const m = /\(?((?:[A-Za-z]:)?[\\/].*?):\d+:\d+\)?$/.exec(frame.trim());
  const file = m === null ? '' : m[1];
  const sep = file.includes('\\') && !file.includes('/') ? '\\' : '/';
  const at = file.lastIndexOf(`${sep}src${sep}`);
  own = at < 0 ? [] : [file.slice(0, at + 1) + 'src' + sep, file.slice(0, at + 1) + 'adapters' + sep];
  return own;
}

/** The first frame of the current stack outside nethttp (trimmed, e.g. `at fn (/app/x.ts:3:5)`), or null. */
export function callerFrame(): string | null {
  const dirs = ownSources();
  const lines = new Error().stack?.split('\n') ?? [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (!/:\d+:\d+\)?\s*$/.test(line)) continue;
    if (dirs.some((d) => line.includes(d))) continue;
    return line.trim();
  }
  return null;
}
