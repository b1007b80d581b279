/**
 * ResponseRecorder: a {@link ResponseWriter} that records in memory what the handler did (Go's
 * `httptest.ResponseRecorder`), with Go's recorder rules — not a server's: see {@link ResponseRecorder}.
 * @module
 * Not part of the public API (its declarations are left out of the published types).
 */

import { Header, TrailerPrefix, bytesOf, canonicalHeaderKey, detectContentType, statusText, type Flusher, type ResponseWriter } from '../../src/index';
import { headerLines, kLogLine, notBytes, textOf, validTrailerHeader } from '../../src/carrier';

/** The response a {@link ResponseRecorder} recorded (Go's `*http.Response` from `Result()`). */
export interface RecordedResponse {
  /** e.g. `200 OK` (Go's `Status`). */
  status: string;
  statusCode: number;
  proto: 'HTTP/1.1';
  protoMajor: 1;
  protoMinor: 1;
  /**
   * The handler's header as of the first `write` or `writeHeader` (with the Content-Type the first write sniffed),
   * or as of `result()` when nothing was written. Values are text, cleaned as a server would send them (CR and LF made
   * spaces, a field with another control byte or a key that is not a token left out): `bytesOf(value)` are the bytes.
   */
  header: Header;
  /** The body bytes. */
  body: Buffer;
  /** The `Content-Length` the handler set, -1 when it set none or an invalid one (Go's `ContentLength`). */
  contentLength: number;
  /** Trailers declared in `Trailer` and set after the head, and `Trailer:`-prefixed keys; null when none. */
  trailer: Header | null;
}

/**
 * ResponseRecorder records a handler's response for inspection in tests (Go's `httptest.ResponseRecorder`): call the
 * handler with it, then read {@link ResponseRecorder.code}, {@link ResponseRecorder.body},
 * {@link ResponseRecorder.headerMap} or {@link ResponseRecorder.result}.
 *
 * It follows Go's recorder, not a server: the first `write` sets `Content-Type` in the header map when the handler set
 * none (sniffed, as Go's does), `write` never fails (after a 204 or a 304 too), the body is recorded whatever the status
 * or method, no `Content-Length` or `Date` is added, and the first `writeHeader` is final, a 1xx included. To see what a
 * client would receive, test through {@link inject} or {@link newServer}.
 */
export class ResponseRecorder implements ResponseWriter, Flusher {
  /** The status set by `writeHeader` (or the implicit 200 of the first write); 200 when nothing was written. */
  code = 200;
  /** Whether the handler called `flush`. */
  flushed = false;
  /** The handler's header map (Go's `HeaderMap`): `header()` returns it. */
  headerMap = new Header();
  /** Lines a server would have logged about this response (from nethttp's helpers, such as `timeoutHandler`). */
  readonly logs: string[] = [];
  private readonly written: Buffer[] = [];
  private wroteHeader = false;
  private snapHeader: Header | null = null;
  private res: RecordedResponse | null = null;

  /** header returns the header map (Go's `Header`). */
  header(): Header {
    return this.headerMap;
  }

  /** writeHeader records the status and a snapshot of the header; calls after the first are ignored, as in Go. */
  writeHeader(statusCode: number): void {
    if (this.wroteHeader) return;
    if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 999) throw new Error(`invalid WriteHeader code ${statusCode}`);
    this.code = statusCode;
    this.wroteHeader = true;
    this.snapHeader = this.headerMap.clone();
  }

  /** write records body bytes, first setting a sniffed Content-Type and the status 200 when none was; returns null. */
  write(data: string | Uint8Array): Error | null {
    if (typeof data !== 'string' && !(data instanceof Uint8Array)) throw notBytes(data);
    const bytes = typeof data === 'string' ? bytesOf(data) : Buffer.from(data);
    if (!this.wroteHeader) {
      const m = this.headerMap;
      if (!m.hasRaw('Content-Type') && m.get('Transfer-Encoding') === '') m.set('Content-Type', detectContentType(bytes.subarray(0, 512)));
      this.writeHeader(200);
    }
    this.written.push(bytes);
    return null;
  }

  /** flush marks the recorder flushed (Go's `Flushed`), with the status 200 if none was written. */
  flush(): void {
    if (!this.wroteHeader) this.writeHeader(200);
    this.flushed = true;
  }

  /** drained resolves at once: a recorder keeps everything in memory. */
  drained(): Promise<void> {
    return Promise.resolve();
  }

  /** @internal */
  [kLogLine](message: string): void {
    this.logs.push(message);
  }

  /** body is everything written so far (Go's `Body`). */
  get body(): Buffer {
    return Buffer.concat(this.written);
  }

  /** result returns the recorded response (Go's `Result`); the first call fixes it, later calls return the same. */
  result(): RecordedResponse {
    if (this.res !== null) return this.res;
    const snap = (this.snapHeader ??= this.headerMap.clone());
    const header = cleaned(snap, this.logs);
    const statusCode = this.code === 0 ? 200 : this.code;
    this.res = {
      status: `${String(statusCode).padStart(3, '0')} ${statusText(statusCode)}`,
      statusCode,
      proto: 'HTTP/1.1',
      protoMajor: 1,
      protoMinor: 1,
      header,
      body: this.body,
      contentLength: parseContentLength(snap.get('Content-Length')),
      trailer: this.trailers(snap),
    };
    return this.res;
  }

  // Declared trailers (valid names only) with their values as set by now, then `Trailer:`-prefixed keys.
  private trailers(snap: Header): Header | null {
    let t: Header | null = null;
    const declared = snap.getRaw('Trailer');
    if (declared !== undefined) {
      t = new Header();
      for (const line of declared) {
        for (const part of line.split(',')) {
          const k = canonicalHeaderKey(part.trim());
          const vv = this.headerMap.getRaw(k);
          if (!validTrailerHeader(k) || vv === undefined) continue;
          t.setRaw(k, [...vv]);
        }
      }
    }
    for (const [k, vv] of this.headerMap) {
      if (!k.startsWith(TrailerPrefix)) continue;
      t ??= new Header();
      for (const v of vv) t.add(k.slice(TrailerPrefix.length), v);
    }
    return t === null ? null : cleaned(t, this.logs);
  }
}

// The header as a server would send its values (RSP-13), and text again, as the handler set it.
function cleaned(h: Header, logs: string[]): Header {
  const lines = headerLines(h, null, { log: (m) => void logs.push(m) });
  const out = new Header();
  for (let i = 0; i < lines.length; i += 2) out.add(lines[i], textOf(lines[i + 1]));
  return out;
}

/** Go's parseContentLength: a plain decimal up to 2^63-1, else -1 ("+3", "-3", "" and overflow too). */
export function parseContentLength(cl: string): number {
  const s = cl.trim();
  if (!/^[0-9]+$/.test(s)) return -1;
  if (BigInt(s) > 0x7fffffffffffffffn) return -1;
  return Number(s);
}

/** newRecorder returns a new {@link ResponseRecorder} (Go's `httptest.NewRecorder`). */
export function newRecorder(): ResponseRecorder {
  return new ResponseRecorder();
}
