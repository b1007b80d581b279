/**
 * Request body framing: which requests have a body and how it is delimited (Go's transfer.go for requests:
 * SRV-61, REQ-34 and the Content-Length smuggling rules).
 * @module
 * Not part of the public API (its declarations are left out of the published types).
 */

import { Header, canonicalHeaderKey } from '../header';
import type { Request } from '../request/request';
import { forEachHeaderElement } from '../response/response';

/** How a request body is delimited on the wire. @internal */
export type BodyFraming = { kind: 'none' } | { kind: 'length'; length: number } | { kind: 'chunked' };

const NONE: BodyFraming = Object.freeze({ kind: 'none' });
const CHUNKED: BodyFraming = Object.freeze({ kind: 'chunked' });

function trimString(s: string): string {
  let a = 0;
  let b = s.length;
  const sp = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
  while (a < b && sp(s.charCodeAt(a))) a++;
  while (b > a && sp(s.charCodeAt(b - 1))) b--;
  return s.slice(a, b);
}

const MAX_INT63 = (1n << 63n) - 1n;

/**
 * A Content-Length value as Go reads it (an unsigned decimal up to 2^63-1, any number of digits, blanks around it
 * trimmed), or -1 when it is not one. Lengths past 2^53 are kept as the nearest number (SRV-108): no body that long
 * can arrive, so the framing stays "more than will ever come", as in Go.
 */
function parseContentLength(v: string): number {
  const cl = trimString(v);
  if (cl === '') return -1;
  for (let i = 0; i < cl.length; i++) {
    const c = cl.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return -1;
  }
  if (cl.length <= 15) return Number(cl);
  return BigInt(cl) > MAX_INT63 ? -1 : Number(cl);
}

/**
 * Applies Go's framing rules to `req` (contentLength, transferEncoding, trailer, adjustments to its header map `h`)
 * and returns the framing; null for a malformed request (generic 400), 'unsupported-te' for SRV-61's 501.
 * @internal
 */
export function bodyFramingFor(req: Request, h: Header | null): BodyFraming | null | 'unsupported-te' {
  // No map: the reader saw none of the fields below (no body, as without Content-Length and Transfer-Encoding).
  if (h === null) {
    req.contentLength = 0;
    return NONE;
  }
  let chunked = false;
  const te = h.getRaw('Transfer-Encoding');
  if (te !== undefined) {
    h.deleteRaw('Transfer-Encoding');
    // HTTP/1.0 requests ignore Transfer-Encoding (REQ-34).
    if (req.protoAtLeast(1, 1)) {
      if (te.length !== 1 || te[0].toLowerCase() !== 'chunked') return 'unsupported-te';
      chunked = true;
    }
  }
  let cls = h.getRaw('Content-Length');
  if (cls !== undefined && cls.length > 1) {
    const first = trimString(cls[0]);
    for (let i = 1; i < cls.length; i++) if (trimString(cls[i]) !== first) return null;
    h.setRaw('Content-Length', [first]);
    cls = h.getRaw('Content-Length');
  }
  // The Content-Length is validated even beside chunked, which then wins (SRV-63, SRV-108).
  let n = 0;
  if (cls !== undefined && cls.length > 0) {
    n = parseContentLength(cls[0]);
    if (n < 0) return null;
  }
  let framing: BodyFraming;
  if (chunked) {
    h.deleteRaw('Content-Length');
    req.contentLength = -1;
    req.transferEncoding = ['chunked'];
    framing = CHUNKED;
  } else if (cls !== undefined && cls.length > 0) {
    req.contentLength = n;
    framing = n === 0 ? NONE : { kind: 'length', length: n };
  } else {
    h.deleteRaw('Content-Length');
    req.contentLength = 0;
    framing = NONE;
  }
  // Declared trailers move from the header to r.trailer, names without values until the body ends (chunked only,
  // REQ-55).
  const tr = h.getRaw('Trailer');
  if (tr !== undefined && chunked) {
    h.deleteRaw('Trailer');
    const trailer = new Header();
    let bad = false;
    for (const v of tr) {
      forEachHeaderElement(v, (k) => {
        const key = canonicalHeaderKey(k);
        if (key === 'Transfer-Encoding' || key === 'Trailer' || key === 'Content-Length') bad = true;
        trailer.setRaw(key, []);
      });
    }
    if (bad) return null;
    req.trailer = trailer;
  } else if (chunked) {
    // Made now, so that copies of the request (withContext) share the map the trailers will be read into.
    req.trailer = new Header();
  }
  return framing;
}
