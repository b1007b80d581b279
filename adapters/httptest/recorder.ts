/**
 * ResponseRecorder: a {@link ResponseWriter} that records in memory what the handler sent (Go's
 * `httptest.ResponseRecorder`), through the same response core as every server carrier.
 * @module
 * Not part of the public API (its declarations are left out of the published types).
 */

import { Header, bytesOf, statusText, type Flusher, type ResponseWriter, type Unwrapper } from '../../src/index';
import { Response, textOf, type ResponseHead, type ResponseSink } from '../../src/carrier';

/** The response a {@link ResponseRecorder} recorded, as a client would read it (Go's `*http.Response`). */
export interface RecordedResponse {
  /** e.g. `200 OK` (Go's `Status`). */
  status: string;
  statusCode: number;
  proto: 'HTTP/1.1';
  protoMajor: 1;
  protoMinor: 1;
  /**
   * The head as the server would send it: the handler's header as of the first write or `writeHeader`, plus the
   * automatic `Content-Length` and sniffed `Content-Type`; no `Date`, `Connection` or framing fields. Values are
   * cleaned as on the wire (CR and LF made spaces, a value with another control byte dropped) and are text:
   * `bytesOf(value)` are the bytes a server sends.
   */
  header: Header;
  /** The body bytes. */
  body: Buffer;
  /** The declared or automatic Content-Length, -1 when unknown (a chunked reply). */
  contentLength: number;
  /** Trailers the handler declared or set with `Trailer:` keys; null when none. */
  trailer: Header | null;
  /** The 1xx responses sent before the final one, in order. */
  informational: { statusCode: number; header: Header }[];
}

// The core gives the lines as they go on the wire (bytes); the recorded header holds text, as a request's does.
function linesToHeader(lines: string[], into: Header = new Header()): Header {
  for (let i = 0; i < lines.length; i += 2) into.add(lines[i], textOf(lines[i + 1]));
  return into;
}

class MemorySink implements ResponseSink {
  final: ResponseHead | null = null;
  chunks: Buffer[] = [];
  trailers: string[] | null = null;
  informationals: { statusCode: number; header: Header }[] = [];
  constructor(private readonly logs: string[]) {}
  informational(status: number, lines: string[]): void {
    this.informationals.push({ statusCode: status, header: linesToHeader(lines) });
  }
  head(h: ResponseHead): void {
    this.final = h;
  }
  body(data: Buffer): void {
    this.chunks.push(Buffer.from(data));
  }
  flush(): void {}
  end(trailers: string[] | null): void {
    this.trailers = trailers;
  }
  drained(): Promise<void> {
    return Promise.resolve();
  }
  log(message: string): void {
    this.logs.push(message);
  }
}

/**
 * ResponseRecorder records a handler's response for inspection in tests (Go's `httptest.ResponseRecorder`).
 * Call the handler with it, then read {@link ResponseRecorder.code}, {@link ResponseRecorder.body} or
 * {@link ResponseRecorder.result}. It applies the server's response rules (the same core as every carrier), so
 * `result()` shows what a client would receive.
 */
export class ResponseRecorder implements ResponseWriter, Flusher, Unwrapper {
  /** The status set by `writeHeader` (or the implicit 200 of the first write); 200 when nothing was written. */
  code = 200;
  /** Whether the handler called `flush`. */
  flushed = false;
  /** Lines the server would have logged (superfluous `writeHeader`, invalid Content-Length…). */
  readonly logs: string[] = [];
  private readonly sink: MemorySink;
  private readonly w: Response;
  private readonly written: Buffer[] = [];
  private res: RecordedResponse | null = null;

  constructor() {
    this.sink = new MemorySink(this.logs);
    this.w = new Response(this.sink, { method: 'GET', protoMajor: 1, protoMinor: 1 });
  }

  /** header returns the handler's header map (Go's `HeaderMap`). */
  header(): Header {
    return this.w.header();
  }
  /** headerMap is the handler's header map as it is now (Go's `HeaderMap` field). */
  get headerMap(): Header {
    return this.w.header();
  }
  /** writeHeader records the status (1xx codes are recorded as informational responses). */
  writeHeader(statusCode: number): void {
    this.w.writeHeader(statusCode);
    if (this.w.wroteHeader) this.code = this.w.status;
  }
  /** write records body bytes; returns the error a server would return (e.g. `ErrBodyNotAllowed` after 204). */
  write(data: string | Uint8Array): Error | null {
    const err = this.w.write(data);
    this.code = this.w.status;
    if (err === null) this.written.push(typeof data === 'string' ? bytesOf(data) : Buffer.from(data));
    return err;
  }
  /** flush marks the recorder flushed (Go's `Flushed`) and decides the head as a server would. */
  flush(): void {
    this.w.flush();
    this.code = this.w.status;
    this.flushed = true;
  }
  /** unwrap gives {@link nethttp!ResponseController} the core writer. */
  unwrap(): ResponseWriter {
    return this.w;
  }
  /** body is everything written so far (Go's `Body`). */
  get body(): Buffer {
    return Buffer.concat(this.written);
  }

  /**
   * result returns the recorded response; call it after the handler returned (Go's `Result`). Later writes are
   * refused as they would be after a handler returned.
   */
  result(): RecordedResponse {
    if (this.res !== null) return this.res;
    if (!this.w.handlerDone) this.w.finish();
    this.code = this.w.status;
    const h = this.sink.final!;
    const header = linesToHeader(h.lines);
    if (h.autoContentLength >= 0) header.set('Content-Length', String(h.autoContentLength));
    if (h.contentType !== null) header.set('Content-Type', h.contentType);
    const cl = header.get('Content-Length');
    const text = statusText(h.status);
    this.res = {
      status: `${String(h.status).padStart(3, '0')} ${text}`,
      statusCode: h.status,
      proto: 'HTTP/1.1',
      protoMajor: 1,
      protoMinor: 1,
      header,
      body: Buffer.concat(this.sink.chunks),
      contentLength: /^[0-9]+$/.test(cl) ? Number(cl) : -1,
      trailer: this.sink.trailers === null ? null : linesToHeader(this.sink.trailers),
      informational: this.sink.informationals,
    };
    return this.res;
  }
}

/** newRecorder returns a new {@link ResponseRecorder} (Go's `httptest.NewRecorder`). */
export function newRecorder(): ResponseRecorder {
  return new ResponseRecorder();
}
