/**
 * Logger: where the server writes its error lines (Go's `Server.ErrorLog`).
 * @module
 */

import { ErrAbortHandler, NetHTTPError } from './errors';

/**
 * Logger is anything with an `error` method taking a message: `console`, pino, winston and bunyan loggers all
 * fit. nethttp writes one call per line, with Go's message texts (SRV-107).
 */
export interface Logger {
  error(message: string): void;
}

function pad(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

/** @internal Go's standard logger prefix, `YYYY/MM/DD HH:MM:SS `, in local time. */
export function goLogPrefix(d: Date = new Date()): string {
  return `${d.getFullYear()}/${pad(d.getMonth() + 1)}/${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())} `;
}

/** The logger used when a server has no `errorLog`: stderr with Go's timestamp prefix (SRV-14). */
export const stderrLogger: Logger = {
  error(message: string): void {
    const line = goLogPrefix() + message;
    // Where there is no process (a Worker), the console's error stream.
    const stderr = (globalThis as { process?: { stderr?: { write(s: string): unknown } } }).process?.stderr;
    if (stderr !== undefined) stderr.write(line + (message.endsWith('\n') ? '' : '\n'));
    else console.error(line);
  },
};

// How a thrown object is shown in a panic line: node:util's inspect where Node is (registered by src/node-runtime.ts),
// else its JSON, else its text.
let inspectValue = (v: unknown): string => {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
};
/** @internal Sets how {@link panicLine} shows a thrown object (see src/node-runtime.ts). */
export function setInspect(f: (v: unknown) => string): void {
  inspectValue = f;
}

/** @internal Writes one line to `logger`, or to {@link stderrLogger} when none is set. */
export function logf(logger: Logger | null | undefined, message: string): void {
  (logger ?? stderrLogger).error(message);
}

/**
 * Go's panic line for a handler that threw: `http: panic serving <addr>: <value>` and the stack, or null for
 * {@link ErrAbortHandler}, which aborts silently (SRV-97).
 * @internal
 */
export function panicLine(remoteAddr: string, v: unknown): string | null {
  // Only ErrAbortHandler itself is silent; an error wrapping it is logged (SRV-99).
  if (v instanceof NetHTTPError && v.code === ErrAbortHandler.code && v.constructor === NetHTTPError) return null;
  // A thrown plain object shows its fields, not `[object Object]`.
  const text =
    v === null || v === undefined ? 'panic called with nil argument'
    : v instanceof Error ? v.message
    : typeof v === 'object' || typeof v === 'function' ? inspectValue(v)
    : String(v);
  const stack = v instanceof Error && v.stack ? v.stack : new Error().stack ?? '';
  return `http: panic serving ${remoteAddr}: ${text}\n${stack.slice(0, 64 << 10)}`;
}

/**
 * @internal Whether `err` is the abort of an operation that was given the request's context signal (a timer, a
 * fetch, a stream): `AbortError`, or the context's own `Canceled`. When the request's context was cancelled before the
 * handler returned (the client left, SRV-95), such a throw is the expected end of the handler, not a panic to log.
 */
export function isAbortError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { name?: unknown; code?: unknown };
  return e.name === 'AbortError' || e.code === 'ABORT_ERR' || (err instanceof NetHTTPError && err.code === 'Canceled');
}
