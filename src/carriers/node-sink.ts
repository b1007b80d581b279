/**
 * The Node sink: the response core's head and body written through Node's `ServerResponse` (HTTP/1) or
 * `Http2ServerResponse` (the http2 compatibility API). Node frames the body; we decide every header.
 * @module
 * Not part of the public API (its declarations are left out of the published types).
 */

import type { ServerResponse } from 'node:http';
import type { Http2ServerResponse } from 'node:http2';
import type { ResponseHead, ResponseSink, SinkResponse } from '../response/sink';
import { httpDate } from '../internal/date';
import { Socket } from 'node:net';
import { peerGoneError } from '../errors';
import { whenDrained, type Drainable } from '../internal/drain';
import { logf, type Logger } from '../log';
import { statusText } from '../status';

/** @internal Either kind of Node response. */
export type NodeResponse = ServerResponse | Http2ServerResponse;

// Fields HTTP/2 forbids; Node's http2 throws on them, Go's http2 server drops them.
const h2Forbidden = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade']);

// Bodies up to the core's buffer size are copied into the head's string write.
const SMALL_BODY = 2048;

interface RawWriter {
  _writeRaw?(data: string, encoding: BufferEncoding): boolean;
  _send?(data: string, encoding: BufferEncoding): boolean;
}

/**
 * Sends the stored head now. `flushHeaders()` sends it as UTF-8 (it calls `_send('')` with no encoding), which
 * would encode the head's bytes ≥ 0x80 twice; the head is latin1, as node:http writes it everywhere else.
 */
function flushHead(res: NodeResponse): void {
  const raw = res as unknown as RawWriter;
  if (typeof raw._send === 'function' && (res as unknown as { _header?: unknown })._header) raw._send('', 'latin1');
  else (res as ServerResponse).flushHeaders();
}

/**
 * Whether middleware replaced writeHead on this response (on-headers does, on the instance); a subclass's own
 * (light-my-request's) is its class's. Compared with the class's method rather than looked up as an own property,
 * which costs node:http's many-fielded response a slow look-up per request.
 */
function writeHeadWrapped(res: NodeResponse): boolean {
  return res.writeHead !== (Object.getPrototypeOf(res) as NodeResponse).writeHead;
}

/**
 * node:http keeps a response's fields under a private symbol, as `{ lower-case name: [name, value] }`: the object
 * setHeader fills and getHeader reads. A writeHead given no fields stores the head from it without checking every
 * name and value again, as it does for a field array (the core has checked them: tokens only, no control bytes);
 * that check is about 1.5k instructions of a small response. The fields also stay readable with getHeader after
 * the head (logging middleware reads Content-Length so), as they would after setHeader. Used for the usual small
 * heads, whose field names are constants here. The symbol is found by its description on the first response that
 * has it; a response without it gets the field array.
 */
type OutFields = Record<symbol, FieldObject | null | undefined>;
type FieldObject = Readonly<Record<string, readonly [string, string]>>;

/**
 * The field objects of the two usual heads (Content-Length with a Content-Type), one per length and type, shared by
 * the responses that send the same: no object and no arrays made per response. Sharing is safe because node:http
 * only reads a response's field object once the head is stored (setHeader, appendHeader, removeHeader and
 * setHeaders throw after it; getHeader and getHeaders copy values out); frozen, so that a node:http that wrote
 * to it would throw rather than change another response's head. One slot per length below 1024 (the lengths of
 * small bodies), the last type seen for it (types up to 256 characters): an API answering many types of one length
 * makes a fresh object on a miss, as before, and the cache never holds more than 1024 objects.
 */
class FieldCache {
  private readonly types: (string | null)[] = new Array<string | null>(1024).fill(null);
  private readonly objects: (FieldObject | null)[] = new Array<FieldObject | null>(1024).fill(null);

  constructor(private readonly make: (cl: string, type: string) => FieldObject) {}

  get(cl: number, type: string): FieldObject {
    if (cl >= 1024 || type.length > 256) return this.make(String(cl), type);
    if (this.types[cl] === type) return this.objects[cl]!;
    const o = this.make(String(cl), type);
    Object.freeze(o);
    for (const k in o) Object.freeze(o[k]);
    this.types[cl] = type;
    this.objects[cl] = o;
    return o;
  }
}
// Wire order: sniffed type after the length; a handler's type before it (as the field arrays below write them).
const sniffedFields = new FieldCache((cl, type) => ({ 'content-length': ['Content-Length', cl], 'content-type': ['Content-Type', type] }));
const typedFields = new FieldCache((cl, type) => ({ 'content-type': ['Content-Type', type], 'content-length': ['Content-Length', cl] }));
let kOutHeaders: symbol | null = null;
function outHeadersKey(res: NodeResponse): symbol | null {
  if (kOutHeaders !== null && kOutHeaders in res) return kOutHeaders;
  const k = Object.getOwnPropertySymbols(res).find((s) => s.description === 'kOutHeaders') ?? null;
  if (k !== null) kOutHeaders = k;
  return k;
}

// The sink's booleans, as bits of one field (the sink is made per request: one field instead of seven).
/** HTTP/2 compatibility API. */
const H2 = 1;
/** The request is HTTP/1.1 or later. */
const IS11 = 2;
/** Close the connection after this response (the body limit was hit). */
const CLOSE_AFTER = 4;
/** The handler wrote or set a status before the body was read: no lazy 100 Continue (SRV-92). */
const CONTINUE_DISABLED = 8;
const SENT_INFORMATIONAL = 16;
const WROTE = 32;
// Whether the head has gone to the socket. Node's `headersSent` turns true at writeHead, when the head is only
// stored; a string body given to end() before it goes out is joined to it in one write.
const HEAD_OUT = 64;
/** @internal The first bit a subclass may use for its own booleans. */
export const SINK_FREE_BIT = 128;

/** @internal What the sink needs of the carrier's options. */
export interface NodeSinkOptions {
  readonly errorLog: Logger | null;
}

/** @internal */
export class NodeSink implements ResponseSink {
  /** Set by a carrier that owns a raw connection (a Node `'upgrade'` event's socket); no own field otherwise. */
  declare hijack?: (w: SinkResponse) => unknown;
  /** The booleans above, and the subclass's from {@link SINK_FREE_BIT} on. */
  protected bits: number;
  private held: Buffer | string | null = null;
  private goneErr: Error | null = null;

  constructor(
    readonly res: NodeResponse,
    is11: boolean,
    protected readonly o: NodeSinkOptions,
  ) {
    this.bits = ((res as Http2ServerResponse).stream !== undefined ? H2 : 0) | (is11 ? IS11 : 0);
  }

  private get h2(): boolean {
    return (this.bits & H2) !== 0;
  }

  /** The handler wrote or set a status before the body was read: no lazy 100 Continue (SRV-92). */
  get continueDisabled(): boolean {
    return (this.bits & CONTINUE_DISABLED) !== 0;
  }

  informational(status: number, lines: string[]): void {
    const res = this.res;
    if (this.h2) {
      const hs: Record<string, string | string[] | number> = { ':status': status };
      addObject(hs, lines, true);
      (res as Http2ServerResponse).stream.additionalHeaders(hs);
      return;
    }
    let s = ((this.bits & IS11) !== 0 ? 'HTTP/1.1 ' : 'HTTP/1.0 ') + status + ' ' + reason(status) + '\r\n';
    for (let i = 0; i < lines.length; i += 2) s += lines[i] + ': ' + lines[i + 1] + '\r\n';
    this.bits |= SENT_INFORMATIONAL;
    const raw = res as unknown as RawWriter;
    // Node's own way to put a 1xx ahead of the response (what writeContinue and writeEarlyHints use).
    if (typeof raw._writeRaw === 'function') raw._writeRaw(s + '\r\n', 'latin1');
    else if (status === 100) (res as ServerResponse).writeContinue();
  }

  head(h: ResponseHead): void {
    const res = this.res;
    const lines = h.lines;
    const contentType = h.contentType;
    const cl = h.autoContentLength;
    // The usual small response: length automatic, and either no field at all (the type sniffed) or only the
    // handler's Content-Type (writeJSON's); no field set on `res` before, node:http's own Date on (the core's Date
    // is the same text, cached per second as ours, and costs node:http no field to check). Its fields go to
    // node:http as a shared field object (see FieldCache). Decided from the head's fields alone, and `h` is not
    // passed on from here: where this method is inlined into the core's head step, the optimizing compiler then
    // does not allocate `h` at all.
    if ((this.bits & (H2 | CLOSE_AFTER | SENT_INFORMATIONAL)) === 0 && h.date && cl >= 0 && !h.closeAfterReply && !h.chunked) {
      const kOut = outHeadersKey(res);
      if (kOut !== null && (res as unknown as OutFields)[kOut] == null && res.sendDate && !writeHeadWrapped(res)) {
        if (lines.length === 0 && contentType !== null) {
          (res as unknown as OutFields)[kOut] = sniffedFields.get(cl, contentType);
          (res as ServerResponse).writeHead(h.status, reason(h.status));
          return;
        }
        if (lines.length === 2 && lines[0] === 'Content-Type' && contentType === null) {
          (res as unknown as OutFields)[kOut] = typedFields.get(cl, lines[1]);
          (res as ServerResponse).writeHead(h.status, reason(h.status));
          return;
        }
      }
    }
    this.anyHead(h.status, lines, h.date, cl, contentType, h.chunked, h.closeAfterReply, h.protocolSwitch, h.head, h.bodyAllowed);
  }

  // Any other head, from the fields of a ResponseHead.
  private anyHead(
    status: number, src: string[], date: boolean, autoContentLength: number, contentType: string | null, chunked: boolean,
    closeAfterReply: boolean, protocolSwitch: boolean, isHead: boolean, bodyAllowed: boolean,
  ): void {
    const res = this.res;
    // Fields set on `res` before the handler (by Express middleware) are merged with the handler's; usually none.
    const kOut = this.h2 ? null : outHeadersKey(res);
    const earlier = (kOut === null || (res as unknown as OutFields)[kOut] != null) && res.getHeaderNames().length !== 0;
    if (earlier) {
      const m = mergeEarlier(res, src);
      src = m.lines;
      if (m.date) date = false;
      if (m.contentType) contentType = null;
    }
    // The core decides Date (RSP-30). node:http's own Date is left on when the core wants one, our Date added only
    // when node:http's is off. Turned off only now, so that a handler that throws or declines before its head
    // leaves the response as it found it (Express's error page keeps its Date).
    const ownDate = date && !res.sendDate;
    if (!date) res.sendDate = false;
    if (this.h2) {
      const hs: Record<string, string | string[] | number> = {};
      addObject(hs, src, true);
      if (ownDate) hs.date = httpDate();
      if (autoContentLength >= 0) hs['content-length'] = String(autoContentLength);
      if (contentType !== null) hs['content-type'] = contentType;
      (res as Http2ServerResponse).writeHead(status, hs);
      return;
    }
    const closing = (closeAfterReply || (this.bits & CLOSE_AFTER) !== 0) && !protocolSwitch;
    const out: string[] = [];
    let hasConnection = false;
    for (let i = 0; i < src.length; i += 2) {
      // The core gave wire-ready values (bytes as latin1, no control byte node:http would refuse).
      const k = src[i];
      if (k === 'Connection') hasConnection = true;
      out.push(k, src[i + 1]);
    }
    if (ownDate) out.push('Date', httpDate());
    if (autoContentLength >= 0) out.push('Content-Length', String(autoContentLength));
    if (contentType !== null) out.push('Content-Type', contentType);
    if (closing && !hasConnection) out.push('Connection', 'close');
    if (chunked) out.push('Transfer-Encoding', 'chunked');
    else if (closeAfterReply && bodyAllowed && !isHead) (res as ServerResponse).useChunkedEncodingByDefault = false;
    // Middleware wraps writeHead on the instance (on-headers); a subclass's own (light-my-request's) passes through.
    if (!earlier && !writeHeadWrapped(res)) {
      // Any other head as a field array: names not known here would make the field object's stores and look-ups
      // generic, which costs more than node:http's checks.
      (res as ServerResponse).writeHead(status, reason(status), out);
    } else {
      // With fields already set, writeHead applies a header array with setHeader per line, which keeps only the
      // last of repeated lines (two Set-Cookie); and a writeHead wrapped by middleware (on-headers before 1.1)
      // may read a flat array as pairs. Set each field with all its values instead.
      setFields(res as ServerResponse, out);
      (res as ServerResponse).writeHead(status, reason(status));
    }
    // A pipelined response not yet on the socket queues its 1xx; a Buffer body would jump ahead of it, the head
    // as a string does not.
    if ((this.bits & SENT_INFORMATIONAL) !== 0) {
      this.bits |= HEAD_OUT;
      flushHead(res);
    }
  }

  body(data: Buffer): void {
    if (this.res.destroyed) return;
    // Hold the first piece: if it is the whole body, end() sends head and body in one write.
    if (this.held === null && (this.bits & WROTE) === 0) {
      this.held = data;
      return;
    }
    this.release();
    (this.res as ServerResponse).write(data);
  }

  bodyString(data: string): void {
    if ((this.bits & (H2 | WROTE)) !== 0 || this.held !== null) {
      this.body(Buffer.from(data, 'latin1'));
      return;
    }
    if (this.res.destroyed) return;
    this.held = data;
  }

  private release(): void {
    this.bits |= WROTE | HEAD_OUT;
    const b = this.held;
    if (b === null) return;
    this.held = null;
    if (typeof b === 'string') (this.res as ServerResponse).write(b, 'latin1');
    else (this.res as ServerResponse).write(b);
  }

  flush(): void {
    const res = this.res;
    if (res.destroyed) return;
    // A held piece carries the head out with it; with none, the head goes alone.
    const headOnly = this.held === null && (this.bits & HEAD_OUT) === 0;
    this.release();
    if (headOnly) flushHead(res);
  }

  end(trailers: string[] | null): void {
    const res = this.res;
    if (res.destroyed) return;
    if (trailers !== null) {
      if (this.h2) {
        const t: Record<string, string | string[]> = {};
        addObject(t, trailers, false);
        (res as Http2ServerResponse).addTrailers(t);
      } else {
        // Node takes an object or [key, value] pairs; an object unless a key repeats (light-my-request reads only objects).
        const pairs: [string, string][] = [];
        const obj: Record<string, string> = {};
        let repeated = false;
        for (let i = 0; i < trailers.length; i += 2) {
          pairs.push([trailers[i], trailers[i + 1]]);
          if (obj[trailers[i]] !== undefined) repeated = true;
          obj[trailers[i]] = trailers[i + 1];
        }
        (res as ServerResponse).addTrailers(repeated ? pairs : obj);
      }
    }
    const b = this.held;
    this.held = null;
    if (b === null) (res as ServerResponse).end();
    // node:http joins a string body to the pending head (one write); a Buffer goes out as a second chunk (writev).
    else if (typeof b === 'string') (res as ServerResponse).end(b, 'latin1');
    else if (b.length <= SMALL_BODY && (this.bits & HEAD_OUT) === 0) (res as ServerResponse).end(b.toString('latin1'), 'latin1');
    else (res as ServerResponse).end(b);
  }

  peerGone(): Error | null {
    if (this.goneErr !== null) return this.goneErr;
    const res = this.res;
    const sock = (res as { socket?: { destroyed?: boolean } | null }).socket;
    if ((res.destroyed && !res.writableFinished) || sock?.destroyed === true) this.goneErr = peerGoneError();
    return this.goneErr;
  }

  drained(): Promise<void> {
    const res = this.res as ServerResponse;
    // node:http's server re-emits its socket's 'drain' on the response; a response on a stream that is not a
    // socket (light-my-request's) never hears it, and would wait forever: that stream's own state decides there.
    const sock: unknown = this.h2 ? null : res.socket;
    if (sock != null && !(sock instanceof Socket) && res.writableNeedDrain) return whenDrained(sock as Drainable);
    return whenDrained(res);
  }

  log(message: string): void {
    logf(this.o.errorLog, message);
  }

  requestTooLarge(): void {
    this.bits |= CLOSE_AFTER;
  }

  disableContinue(): void {
    this.bits |= CONTINUE_DISABLED;
  }
}

// Fields whose values are lists (RFC 9110 `#` syntax, and Set-Cookie's repeated lines): values set before the
// handler and the handler's are both sent, earlier first. Any other field the handler sets replaces the earlier one.
const listFields = new Set([
  'set-cookie', 'vary', 'link', 'cache-control', 'via', 'warning', 'www-authenticate', 'proxy-authenticate', 'allow',
  'content-language', 'pragma', 'server-timing', 'access-control-allow-headers', 'access-control-allow-methods',
  'access-control-expose-headers', 'timing-allow-origin',
]);

/**
 * Merges the fields already set on `res` (with `setHeader`, by middleware that ran before the handler) into the
 * handler's lines. Node's writeHead replaces a field it is given and keeps the others, so the result holds, for
 * each list field both sides set, the earlier values first and then the handler's (without repeating a value
 * already there). Framing belongs to the core: an earlier Content-Length or Transfer-Encoding is removed. An earlier
 * Date or Content-Type wins over the automatic one (`date`, `contentType` are then true).
 */
function mergeEarlier(res: NodeResponse, lines: string[]): { lines: string[]; date: boolean; contentType: boolean } {
  const r = res as ServerResponse;
  if (r.hasHeader('content-length')) r.removeHeader('content-length');
  if (r.hasHeader('transfer-encoding')) r.removeHeader('transfer-encoding');
  // Copied only when a list field is on both sides. The handler's lines are sorted by key, so a field's lines are
  // adjacent and the earlier values go in front of the first.
  let merged: string[] | null = null;
  let placed: Set<string> | null = null;
  for (let i = 0; i < lines.length; i += 2) {
    const k = lines[i].toLowerCase();
    const earlier = listFields.has(k) ? r.getHeader(k) : undefined;
    if (earlier === undefined) {
      merged?.push(lines[i], lines[i + 1]);
      continue;
    }
    if (merged === null) merged = lines.slice(0, i);
    placed ??= new Set();
    const vs = Array.isArray(earlier) ? earlier : [String(earlier)];
    if (!placed.has(k)) {
      placed.add(k);
      for (const v of vs) merged.push(lines[i], v);
    }
    if (!vs.includes(lines[i + 1])) merged.push(lines[i], lines[i + 1]);
  }
  return { lines: merged ?? lines, date: r.hasHeader('date'), contentType: r.hasHeader('content-type') };
}

// Sets header lines (key, value, …) on a response that already has fields: the first line of a field replaces
// what was there, the others are appended to it.
function setFields(res: ServerResponse, lines: string[]): void {
  const seen = new Set<string>();
  for (let i = 0; i < lines.length; i += 2) {
    const lower = lines[i].toLowerCase();
    if (seen.has(lower)) {
      res.appendHeader(lines[i], lines[i + 1]);
    } else {
      seen.add(lower);
      res.setHeader(lines[i], lines[i + 1]);
    }
  }
}

const reasons = new Map<number, string>();
// The reason phrase Go writes: its status text, or `status code N` for codes it has none for (RSP-8).
function reason(code: number): string {
  let r = reasons.get(code);
  if (r === undefined) {
    const text = statusText(code);
    r = text !== '' ? text : 'status code ' + code;
    reasons.set(code, r);
  }
  return r;
}

// Header lines as an HTTP/2 header object: lower-case names, repeated names as arrays, forbidden names dropped.
// Values are bytes as latin1, which node:http2 sends as such.
function addObject(into: Record<string, string | string[] | number>, lines: string[], dropForbidden: boolean): void {
  for (let i = 0; i < lines.length; i += 2) {
    const k = lines[i].toLowerCase();
    const v = lines[i + 1];
    if (dropForbidden && h2Forbidden.has(k)) continue;
    const cur = into[k];
    if (cur === undefined) into[k] = v;
    else if (Array.isArray(cur)) cur.push(v);
    else into[k] = [String(cur), v];
  }
}
