/**
 * The small surface a carrier gives the response core: a sink for the response and, on the request side, a
 * BodySource (src/request/body.ts). The native conn, the Node requestListener and the recorder each implement one
 * {@link ResponseSink}; the rules of Go's ResponseWriter live once, in src/response/response.ts, which depends on this
 * interface and not on any carrier.
 * @module
 * Not part of the public API (its declarations are left out of the published types).
 */

import type { Header } from '../header';

/**
 * The response core as a sink meets it when the core hands itself back (hijack, requestTooLarge): kept to the few
 * members a sink uses so that this interface sits below src/response/response.ts.
 * @internal
 */
export interface SinkResponse {
  readonly wroteHeader: boolean;
  header(): Header;
  /** Writes the pending head before the connection is handed over (RSP-85). */
  sendHeadForHijack(): void;
}

/**
 * ResponseHead is the final head as the response core decided it (Go's chunkWriter.writeHeader), minus the
 * `Connection` decision, which belongs to the HTTP/1 connection (SRV-75…SRV-84) and so to the sink.
 * @internal
 */
export interface ResponseHead {
  status: number;
  /**
   * Handler header lines in wire order: key, value, key, value… Keys sorted and tokens only, values cleaned, encoded
   * as bytes (binary strings, one character per byte) and free of control bytes (see headerLines in response.ts),
   * excluded keys dropped. A sink writes them as latin1.
   */
  lines: string[];
  /** Add `Date` (the handler's map had no Date key, RSP-30). */
  date: boolean;
  /** Automatic Content-Length to add, or -1 (RSP-40). */
  autoContentLength: number;
  /** Sniffed or otherwise automatic Content-Type to add, or null (RSP-32). */
  contentType: string | null;
  /** The body is sent chunked (RSP-41); the sink frames it and adds `Transfer-Encoding: chunked`. */
  chunked: boolean;
  /** A length is known (declared or automatic): HTTP/1.0 keep-alive may be kept (SRV-77). */
  hasContentLength: boolean;
  /** The core requires the connection to close after this response (TE identity, HTTP/1.0 unknown length). */
  closeAfterReply: boolean;
  /** `Connection` of the header the head is built from (Go's `header.get`), and whether its key is present. */
  connection: string;
  connectionKeyPresent: boolean;
  /** `Connection` of the snapshot (`cw.header`), used by SRV-83's exception (a). */
  snapshotConnection: string;
  /** A 101 with Upgrade and Connection: upgrade (SRV-83 (b)). */
  protocolSwitch: boolean;
  /** The request method was HEAD (no body bytes follow). */
  head: boolean;
  /** Status allows a body. */
  bodyAllowed: boolean;
}

/**
 * ResponseSink is how a carrier receives a response from the core. Calls come in order: any number of
 * `informational`, then one `head`, then `body`/`flush` calls, then one `end`. The core never calls `body` for HEAD
 * responses or statuses without a body.
 * @internal
 */
export interface ResponseSink {
  /** A 1xx response (RSP-20): its status and the header lines (without Content-Length / Transfer-Encoding). */
  informational(status: number, lines: string[]): void;
  /** The final head. */
  head(h: ResponseHead): void;
  /** Body bytes, unframed (the sink adds chunk framing when `head.chunked`). */
  body(data: Buffer): void;
  /**
   * Body bytes as a binary string (one character per byte, ASCII in practice), for carriers that write strings:
   * when present, the core passes a body written as one short ASCII string this way instead of as a Buffer.
   */
  bodyString?(data: string): void;
  /** Push what is buffered to the peer now (Go's Flush). */
  flush(): void;
  /** End of the response; `trailers` are lines (key, value, …) for a chunked body, else null. */
  end(trailers: string[] | null): void;
  /**
   * The error writes fail with once the peer is gone (the connection reset or closed before the response ended),
   * else null. Asked only after the head went out. Absent where there is no peer (the recorder).
   */
  peerGone?(): Error | null;
  /** Resolves when the peer has drained what was written (backpressure). */
  drained(): Promise<void>;
  /** The carrier's logger line (superfluous writeHeader, invalid Content-Length…). */
  log(message: string): void;
  /** Called on the first final writeHeader or write (cancels a pending automatic 100 Continue, SRV-92). */
  disableContinue?(): void;
  /** maxBytesReader hit its limit while reading the request of `w` (SRV-90): close after this response. */
  requestTooLarge?(w: SinkResponse): void;
  /** Takes over the connection (native carrier only); absent where there is no raw connection. */
  hijack?(w: SinkResponse): unknown;
  /** ResponseController.enableFullDuplex (native carrier only). */
  enableFullDuplex?(): void;
  /** ResponseController deadlines; `at` is ms since the epoch, 0 for none. Absent where unsupported. */
  setReadDeadline?(at: number): void;
  setWriteDeadline?(at: number): void;
}
