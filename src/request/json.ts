/**
 * writeJSON and readJSON: JSON in and out of a handler, with the answers a Go service gives by hand
 * (`json.NewEncoder(w).Encode(v)`; `http.MaxBytesReader` + `json.NewDecoder(r.Body).Decode(&v)`).
 * @module
 */

import { JSONBodyError, MaxBytesError } from '../errors';
import { firstValue } from '../header';
import type { ResponseWriter } from '../handler';
import { HTTPError, error } from '../handlers/http-error';
import { PullBody, type Body } from './body';
import { parseMediaType } from './media-type';
import type { Request } from './request';
import { Response } from '../response/response';

/**
 * writeJSON answers with `status` and `value` as JSON: it sets `Content-Type: application/json` unless the
 * handler already set a Content-Type (e.g. `application/problem+json`), writes the status and the value
 * followed by a newline, as Go's `json.NewEncoder(w).Encode(v)` does. `undefined` is written as `null`. A value
 * JSON cannot encode (a cycle, a BigInt) throws before anything is written. It costs what the same three calls
 * written by hand cost.
 */
export function writeJSON(w: ResponseWriter, status: number, value: unknown): void {
  // Encode first: an encoding error leaves the response untouched, as Go's Encode does before writing.
  const text = JSON.stringify(value) as string | undefined;
  // The core, untouched so far, takes it in one step (no map made for one field, nor copied at writeHeader).
  if (text !== undefined && w instanceof Response && w.writeJSONText(status, text)) return;
  // The canonical key straight on the map: no canonicalisation per call.
  const m = w.header().m;
  if (!m.has('Content-Type')) m.set('Content-Type', ['application/json']);
  w.writeHeader(status);
  w.write(text === undefined ? 'null\n' : text + '\n');
}

/** Options of {@link readJSON}. */
export interface ReadJSONOptions {
  /**
   * The most body bytes read (default 1 MiB, Fastify's body limit). A longer body rejects with status 413 and the
   * connection is closed after the answer, as after Go's `http.MaxBytesReader`. A declared Content-Length past the
   * limit is refused before any byte is read.
   */
  maxBytes?: number;
  /**
   * Refuse (415) a request whose Content-Type is not JSON: `application/json` or any `application/*+json`, with
   * any parameters. Off by default: Go's decoder reads whatever it is given.
   */
  requireContentType?: boolean;
  /** Passed to `JSON.parse`. */
  reviver?: (this: unknown, key: string, value: unknown) => unknown;
}

export { JSONBodyError } from '../errors';

const DefaultMaxBytes = 1 << 20;

function isJSONType(ct: string): boolean {
  let mt: string;
  try {
    mt = parseMediaType(ct).mediaType;
  } catch {
    return false;
  }
  return mt === 'application/json' || (mt.startsWith('application/') && mt.endsWith('+json'));
}

function tooLarge(limit: number, cause?: unknown): JSONBodyError {
  return new JSONBodyError(413, 'http: request body too large', { cause: cause ?? new MaxBytesError(limit) });
}

/**
 * readJSON reads the request body, at most `maxBytes` of it, and parses it as JSON. It rejects with a
 * {@link JSONBodyError} carrying the answer (400, 413, 415; see there); other read errors (the client went away)
 * reject as the body read did. A body already limited by `maxBytesReader` or `maxBytesHandler` answers 413 at
 * that limit too.
 *
 * ```ts
 * import { handleFunc, readJSON, writeJSON } from 'nethttp';
 * handleFunc('POST /users', async (w, r) => {
 *   const user = await readJSON<{ name: string }>(r, { maxBytes: 64 << 10 });
 *   writeJSON(w, 201, { name: user.name });
 * });
 * ```
 */
export function readJSON<T = unknown>(r: Request, o?: ReadJSONOptions): Promise<T> {
  // Every problem is a rejection, never a throw.
  try {
    const limit = o?.maxBytes ?? DefaultMaxBytes;
    if (o?.requireContentType === true) {
      const ct = firstValue(r.header, 'Content-Type');
      if (!isJSONType(ct)) {
        throw new JSONBodyError(415, ct === '' ? 'Content-Type must be application/json' : `unsupported Content-Type ${JSON.stringify(ct)}: want application/json`);
      }
    }
    if (r.contentLength > limit) throw tooLarge(limit);
    const body = r.body;
    if (!(body instanceof PullBody)) return readRest(body, limit, -1, undefined, o);
    // A carrier's own body ends where its Content-Length says: once that much is read, no read is left to wait for
    // (a body a middleware replaced may differ from the declared length, and is read to its end). A body already
    // received whole is parsed now, without a promise per read.
    const declared = r.contentLength;
    if (declared > 0) {
      // The whole declared body already received: decoded where it lies, no Buffer made for it.
      const text = body.readNowText(declared);
      if (text !== undefined) return Promise.resolve(parseText<T>(text, o));
    }
    const first = body.readNow(Math.min(65536, limit + 1));
    if (first === undefined) return readRest(body, limit, declared, undefined, o);
    if (first !== null && first.length === declared) return Promise.resolve(parseJSON<T>(first, o));
    return readRest(body, limit, declared, first, o);
  } catch (err) {
    return Promise.reject(err as Error);
  }
}

// readJSON's reads from where it could not go on without waiting; `first` is what it already read, null at the end.
async function readRest<T>(body: Body, limit: number, declared: number, first: Buffer | null | undefined, o?: ReadJSONOptions): Promise<T> {
  const parts: Buffer[] = [];
  let n = 0;
  if (first === null) throw emptyBody();
  if (first !== undefined) {
    n = first.length;
    if (n > limit) throw tooLarge(limit);
    parts.push(first);
  }
  while (n !== declared) {
    let b: Buffer | null;
    try {
      // One byte past the limit tells "exactly the limit" from "more".
      b = await body.read(Math.min(65536, limit + 1 - n));
    } catch (err) {
      if (err instanceof MaxBytesError) throw tooLarge(err.limit, err);
      throw err;
    }
    if (b === null) break;
    n += b.length;
    if (n > limit) throw tooLarge(limit);
    parts.push(b);
  }
  if (n === 0) throw emptyBody();
  return parseJSON<T>(parts.length === 1 ? parts[0] : Buffer.concat(parts, n), o);
}

function emptyBody(): JSONBodyError {
  return new JSONBodyError(400, 'request body is empty: want JSON');
}

function parseJSON<T>(buf: Buffer, o?: ReadJSONOptions): T {
  return parseText<T>(buf.toString('utf8'), o);
}

function parseText<T>(text: string, o?: ReadJSONOptions): T {
  try {
    return JSON.parse(text, o?.reviver) as T;
  } catch (err) {
    throw new JSONBodyError(400, `malformed JSON: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Answers a {@link JSONBodyError} or an {@link HTTPError} a handler let escape, when nothing was written yet: `error(w, message, status)`,
 * and for 413 the connection is closed afterwards as maxBytesReader arranges. Returns false for anything else
 * (then the throw is the handler's panic).
 * @internal
 */
export function answerEscaped(w: Response, err: unknown): boolean {
  if (!(err instanceof JSONBodyError || err instanceof HTTPError) || w.wroteHeader || w.hijacked || w.handlerDone) return false;
  w.discardBuffered();
  if (err.status === 413) w.sink.requestTooLarge?.(w);
  error(w, err.message, err.status);
  return true;
}
