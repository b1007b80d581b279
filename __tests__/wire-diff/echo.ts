/**
 * The handler of the wire differential test, written with nethttp's API: the twin of oracle/main.go's, byte for
 * byte. `/hello…` answers without reading the body; every other path reads it whole and echoes the request as the
 * server parsed it (method, target, protocol, host, `close`, `contentLength`, `transferEncoding`, header fields,
 * body, trailers), bytes outside printable ASCII written as `\xNN`.
 */

import { bytesOf, type Header, type Request, type ResponseWriter } from '../../src';

function esc(b: Buffer | string): string {
  const bytes = typeof b === 'string' ? bytesOf(b) : b;
  let out = '';
  for (const c of bytes) out += c < 0x20 || c >= 0x7f || c === 0x5c ? '\\x' + c.toString(16).padStart(2, '0') : String.fromCharCode(c);
  return out;
}

// Go sorts the keys as bytes; canonical keys are ASCII, so code-unit order is the same.
function fields(prefix: string, h: Header | null): string {
  if (h === null) return '';
  const keys = [...h.m.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return keys.map((k) => `${prefix}${esc(k)}=${esc(h.m.get(k)!.join('|'))}\n`).join('');
}

// Go's ContentLength is an int64; past 2^53 nethttp's number is the nearest double, so the exact value is taken
// from the field the server accepted (it is digits, and Go drops leading zeros as BigInt does).
function contentLength(r: Request): string {
  if (Number.isSafeInteger(r.contentLength)) return String(r.contentLength);
  return BigInt(r.header.get('Content-Length').trim()).toString();
}

/** The echo handler (see the module comment). */
export async function echoHandler(w: ResponseWriter, r: Request): Promise<void> {
  w.header().set('Content-Type', 'text/plain');
  if (r.url.path.startsWith('/hello')) {
    w.write('hello\n');
    return;
  }
  let s =
    `method=${esc(r.method)}\nuri=${esc(r.requestURI)}\nproto=${esc(r.proto)}\nhost=${esc(r.host)}\n` +
    `close=${r.close}\ncl=${contentLength(r)}\nte=${esc(r.transferEncoding.join('|'))}\n` +
    fields('h:', r.header);
  const parts: Buffer[] = [];
  let failed = false;
  try {
    for (;;) {
      const b = await r.body.read(65536);
      if (b === null) break;
      parts.push(Buffer.from(b));
    }
  } catch {
    failed = true;
  }
  const body = Buffer.concat(parts);
  s += `body=${body.length} ${esc(body)}\nbodyerr=${failed}\n` + fields('t:', r.trailer);
  w.write(s);
}
