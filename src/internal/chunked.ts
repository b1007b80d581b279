/**
 * ChunkedDecoder: a streaming decoder of the chunked transfer coding with Go's limits and errors
 * (internal/chunked.go semantics: 4 KiB chunk-size lines, 16 hex digits, the non-data overhead guard,
 * trailers within 4 KiB ending in CRLF CRLF). It never copies data: decoded pieces are views of the input.
 * @module
 * Not part of the public API (its declarations are left out of the published types).
 */

import { Header } from '../header';
import { findHeadEnd, parseHead } from './textproto';

const MAX_LINE = 4096;
const enum St {
  Size,
  Data,
  DataEnd,
  Trailer,
  Done,
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}
function hexVal(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

const TRAILER_PREFIX = Buffer.from('GET / HTTP/1.1\r\n', 'latin1');

/** @internal */
export class ChunkedDecoder {
  /** The final chunk and the trailer were read. */
  done = false;
  /** A framing error; once set, decoding stops. */
  error: Error | null = null;
  /** Trailer fields that followed the final chunk, or null. */
  trailer: Header | null = null;
  private st = St.Size;
  private n = 0;
  private excess = 0;

  /**
   * Decodes buf[start,end), pushing decoded data onto `out` as views of `buf`. Returns the offset up to which the
   * input was consumed; the caller passes the rest again together with more bytes.
   */
  decode(buf: Buffer, start: number, end: number, out: Buffer[]): number {
    let i = start;
    while (i < end && this.error === null && !this.done) {
      switch (this.st) {
        case St.Size: {
          const nl = buf.indexOf(0x0a, i);
          if (nl === -1 || nl >= end) {
            if (end - i >= MAX_LINE) this.error = new Error('header line too long');
            return i;
          }
          if (nl + 1 - i >= MAX_LINE) {
            this.error = new Error('header line too long');
            return i;
          }
          this.excess += nl + 1 - i + 2;
          let e = nl + 1;
          while (e > i && isSpace(buf[e - 1])) e--;
          const semi = buf.indexOf(0x3b, i);
          if (semi !== -1 && semi < e) e = semi;
          if (e === i) {
            this.error = new Error('empty hex number for chunk length');
            return i;
          }
          let n = 0;
          for (let k = i; k < e; k++) {
            const v = hexVal(buf[k]);
            if (v < 0) {
              this.error = new Error('invalid byte in chunk length');
              return i;
            }
            if (k - i === 16) {
              this.error = new Error('http chunk length too large');
              return i;
            }
            n = n * 16 + v;
          }
          this.n = n;
          this.excess -= 16 + 2 * n;
          if (this.excess < 0) this.excess = 0;
          if (this.excess > 16 * 1024) {
            this.error = new Error('chunked encoding contains too much non-data');
            return i;
          }
          i = nl + 1;
          this.st = n === 0 ? St.Trailer : St.Data;
          break;
        }
        case St.Data: {
          const k = Math.min(this.n, end - i);
          out.push(buf.subarray(i, i + k));
          i += k;
          this.n -= k;
          if (this.n === 0) this.st = St.DataEnd;
          break;
        }
        case St.DataEnd: {
          if (end - i < 2) return i;
          if (buf[i] !== 0x0d || buf[i + 1] !== 0x0a) {
            this.error = new Error('malformed chunked encoding');
            return i;
          }
          i += 2;
          this.st = St.Size;
          break;
        }
        case St.Trailer: {
          if (end - i < 2) return i;
          if (buf[i] === 0x0d && buf[i + 1] === 0x0a) {
            this.done = true;
            this.st = St.Done;
            return i + 2;
          }
          // A CRLF CRLF must come within what a 4 KiB read buffer holds (Go's seeUpcomingDoubleCRLF), but the
          // section ends at its first empty line, which a bare LF may end before that: what follows is the next
          // request, never more trailer lines (SRV-110, the smuggling of issue #14).
          const limit = Math.min(end, i + MAX_LINE);
          const k = buf.indexOf('\r\n\r\n', i, 'latin1');
          if (k === -1 || k + 4 > limit) {
            if (limit - i >= MAX_LINE) this.error = new Error('http: suspiciously long trailer after chunked body');
            return i;
          }
          const e = findHeadEnd(buf, i, k + 4, i);
          const head = parseHead(Buffer.concat([TRAILER_PREFIX, buf.subarray(i, e)]), 0, TRAILER_PREFIX.length + e - i);
          if (head === null) {
            this.error = new Error('malformed MIME header line');
            return i;
          }
          // A trailer named Host is an ordinary trailer field.
          if (head.hosts !== null) head.header.m.set('Host', head.hosts);
          this.trailer = head.header;
          this.done = true;
          this.st = St.Done;
          return e;
        }
        default:
          return i;
      }
    }
    return i;
  }
}
