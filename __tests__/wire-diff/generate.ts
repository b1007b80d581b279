/**
 * The seeded generator of the wire differential test: connections of one to four pipelined HTTP/1.1 requests
 * built from request lines, header fields, Content-Length and Transfer-Encoding combinations, bodies and chunk
 * syntax, with bare CR and LF put into every kind of position, then cut into pieces at random byte positions.
 * A case is a function of (seed, index) alone, so any case can be made again from its id.
 */

import { xorshift32 } from '../fuzz/xorshift';

/** One connection: the bytes sent (binary strings), in the pieces they are written in. */
export interface WireCase {
  id: string;
  pieces: string[];
  /** How many requests the generator meant to put in it (the server may see more or fewer). */
  requests: number;
}

type Rand = {
  int(n: number): number;
  chance(p: number): boolean;
  pick<T>(xs: readonly T[]): T;
};

function rand(seed: number, index: number): Rand {
  // Mix the index into the seed so neighbouring cases are unrelated.
  const next = xorshift32((Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35)) >>> 0);
  for (let i = 0; i < 4; i++) next();
  const int = (n: number): number => next() % n;
  return { int, chance: (p) => next() / 0x100000000 < p, pick: (xs) => xs[int(xs.length)] };
}

// Each component has its usual values and its odd ones; an odd one is picked with a small probability, so that
// most requests are well-formed but for one or two places (and the pipelined requests behind them get read).
const METHODS = ['GET', 'POST', 'POST', 'PUT', 'HEAD', 'DELETE', 'OPTIONS', 'BREW'];
const BAD_METHODS = ['G@T', 'get', '', 'GET\x00', '\xc3\xa9'];
const PATHS = ['/echo', '/echo', '/echo?a=1', '/hello', '/hello', '/e%20x', '/caf\xc3\xa9', '//echo', 'http://h.example/echo', '*'];
const BAD_PATHS = ['/%zz', 'echo', '/a b', '/\x7f', '/\x00', ''];
const VERSIONS = ['HTTP/1.1', 'HTTP/1.1', 'HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0'];
const BAD_VERSIONS = ['HTTP/1.2', 'HTTP/2.0', 'HTTP/1', 'http/1.1', 'HTTP/1.10', 'HTTP/0.9', 'HTTP/1.1 ', 'HTTP/1.1\r'];
const HOSTS = ['a', 'a', 'a.example:80', 'b', '[::1]'];
const BAD_HOSTS = ['', 'a b', 'h\xff', 'a/b'];
const CL_BAD = [' 5', '5 ', '+5', '-1', '0x5', '5,5', '', 'abc', '00000000000000000003', '9223372036854775807', '9223372036854775808',
  '99999999999999999999', '0005', '1', '100'];
const TE_VALUES = ['chunked', 'chunked', 'chunked', 'chunked', 'Chunked', 'CHUNKED', ' chunked', 'chunked '];
const TE_BAD = ['gzip', 'chunked, identity', 'identity', 'gzip, chunked', 'chunked;q=1', ''];
const NAMES = ['X-A', 'x-b', 'Accept', 'User-Agent', 'Foo_Bar', 'Expect-Ct'];
const BAD_NAMES = ['X Y', 'X\tY', '\xc3\xa9', '', 'X-\x00', '(x)'];
const VALUES = ['v', '', ' v ', 'a,b', 'caf\xc3\xa9', 'a\tb', 'close'];
const BAD_VALUES = ['x\x00y', 'x\x7fy', 'x\ry', '\x01'];
const CONNECTION = ['close', 'keep-alive', 'Close', 'close, te', 'x, close', 'closed', 'close\r\n\t1', 'keep-alive\r\n close', 'upgrade', 'KEEP-ALIVE'];
const TRAILERS = ['X-T: v\r\n', 'X-T: v\r\nX-U: w\r\n', 'Host: t\r\n', 'X-T: v\n', 'X-T: v\r\n\tw\r\n'];
const BAD_TRAILERS = ['X-T: v\r\r\n', 'X-T: v\r \r\n', '\rX-T: v\r\n', 'X-T\r\n', ' X-T: v\r\n', 'X-T: a\x00b\r\n', 'Content-Length: 3\r\n'];
const TRAILER_ENDS = ['\n', '\r\r\n', ''];
const LINE_ENDS = ['\n', '\n', '\r\r\n', '\r'];

/** Usually one of `good`, now and then one of `bad`. */
function either<T>(r: Rand, good: readonly T[], bad: readonly T[], p = 0.04): T {
  return r.chance(p) ? r.pick(bad) : r.pick(good);
}

function lineEnd(r: Rand): string {
  return r.chance(0.96) ? '\r\n' : r.pick(LINE_ENDS);
}

function hex(n: number, r: Rand): string {
  let h = n.toString(16);
  if (r.chance(0.15)) h = h.toUpperCase();
  if (r.chance(0.1)) h = '0' + h;
  return h;
}

/** A chunked body of `data`, with syntax variations. */
function chunked(r: Rand, data: string): string {
  let out = '';
  let i = 0;
  while (i < data.length) {
    const n = Math.min(data.length - i, 1 + r.int(6));
    let size = hex(n, r);
    if (r.chance(0.08)) size += r.pick([';ext', ';a=b', ' ', '\t', ' ;x', ';"q"']);
    if (r.chance(0.02)) size = r.pick(['g', '', '-1', '0x' + size, size + 'z', '1'.repeat(17)]);
    let chunk = data.slice(i, i + n);
    if (r.chance(0.02)) chunk = chunk.slice(1) + r.pick(['', 'xx']);
    out += size + lineEnd(r) + chunk + (r.chance(0.97) ? '\r\n' : r.pick(['\n', '', '\r', 'x\r\n', '\r\r\n']));
    i += n;
  }
  if (r.chance(0.95)) {
    let last = r.pick(['0', '0', '0', '00', '0;ext', '0 ', '000']);
    last += r.chance(0.9) ? '\r\n' : r.pick(['\n', '\r\r\n']);
    let trailer = r.chance(0.75) ? '' : either(r, TRAILERS, BAD_TRAILERS, 0.3);
    if (trailer !== '' && r.chance(0.2)) trailer = trailer.replace(/\r\n/g, '\n');
    out += last + trailer + (r.chance(0.9) ? '\r\n' : r.pick(TRAILER_ENDS));
  }
  return out;
}

const DATA = 'hello world 0123456789 abcdefghij';

/** One request: its bytes, and whether a body may follow (for the POST tolerance of CR/LF after it). */
function request(r: Rand): string {
  const method = either(r, METHODS, BAD_METHODS);
  const path = either(r, PATHS, BAD_PATHS);
  const version = either(r, VERSIONS, BAD_VERSIONS);
  let line = r.chance(0.98) ? `${method} ${path} ${version}` : r.pick([`${method}  ${path} ${version}`, `${method} ${path}`, `${method}\t${path} ${version}`, `${method} ${path}\f${version}`, 'Xi', `${method} ${path} ${version} x`]);
  if (r.chance(0.02)) line = r.pick(['\r', '\n', ' ', '\t']) + line;
  let head = line + lineEnd(r);
  const fieldLines: string[] = [];
  // Host: usually one.
  const hosts = r.chance(0.97) ? 1 : r.pick([0, 2]);
  for (let k = 0; k < hosts; k++) fieldLines.push(`${r.chance(0.9) ? 'Host' : either(r, ['host', 'HOST'], ['Host '], 0.2)}: ${r.chance(0.85) ? 'a' : either(r, HOSTS, BAD_HOSTS, 0.2)}`);
  // Framing.
  const bodyLen = r.pick([0, 1, 3, 5, 5, 7, 11, 33]);
  const data = DATA.slice(0, bodyLen);
  const framing = r.pick(['none', 'none', 'cl', 'cl', 'te', 'te', 'te', 'both']);
  if (framing === 'cl' || framing === 'both') {
    const v = r.chance(0.85) ? String(bodyLen) : r.pick(CL_BAD);
    fieldLines.push(`Content-Length: ${v}`);
    if (r.chance(0.05)) fieldLines.push(`Content-Length: ${r.chance(0.5) ? v : r.pick(CL_BAD)}`);
  }
  if (framing === 'te' || framing === 'both') {
    fieldLines.push(`${r.chance(0.95) ? 'Transfer-Encoding' : 'transfer-encoding'}: ${either(r, TE_VALUES, TE_BAD, 0.06)}`);
    if (r.chance(0.03)) fieldLines.push(`Transfer-Encoding: ${r.pick(TE_VALUES)}`);
  }
  if (r.chance(0.15)) fieldLines.push(`Connection: ${r.pick(CONNECTION)}`);
  if (r.chance(0.1)) fieldLines.push(`Trailer: ${r.pick(['X-T', 'X-T, X-U', 'Host', 'Content-Length', 'Transfer-Encoding', 'x-t'])}`);
  for (let k = r.int(3); k > 0; k--) fieldLines.push(`${either(r, NAMES, BAD_NAMES)}:${r.chance(0.8) ? ' ' : ''}${either(r, VALUES, BAD_VALUES)}`);
  // Shuffle a little, then write with mostly CRLF.
  if (fieldLines.length > 1 && r.chance(0.5)) {
    const a = r.int(fieldLines.length);
    const b = r.int(fieldLines.length);
    [fieldLines[a], fieldLines[b]] = [fieldLines[b], fieldLines[a]];
  }
  for (let f of fieldLines) {
    if (r.chance(0.015)) f = r.pick(['\r', ' ', '\t']) + f;
    if (r.chance(0.02)) f = f + r.pick(['\r', ' \r', '\r ', '\t', ' ']);
    if (r.chance(0.02)) f = f + '\r\n ' + r.pick(['folded', '', 'close']);
    head += f + lineEnd(r);
  }
  head += r.chance(0.95) ? '\r\n' : r.pick(['\n', '\r\r\n', '\r\n\r\n']);
  let body = '';
  if (framing === 'te' || framing === 'both') body = chunked(r, data);
  else if (framing === 'cl') body = r.chance(0.95) ? data : data.slice(0, Math.max(0, bodyLen - 1 - r.int(3)));
  else if (r.chance(0.04)) body = data.slice(0, 1 + r.int(5)); // stray bytes where no body is declared
  // POST tolerance and stray line ends between requests.
  if (r.chance(0.04)) body += r.pick(['\r\n', '\n', '\r\n\r\n', '\r\n\r\n\r\n', '\r']);
  return head + body;
}

/** Inserts a bare CR or LF at a random position (the cases the issue calls "bare CR/LF in every position"). */
function stray(r: Rand, s: string): string {
  const at = r.int(s.length + 1);
  return s.slice(0, at) + r.pick(['\r', '\n', '\r\n', '\n\n', '\r\r']) + s.slice(at);
}

/** The `index`-th case of `seed`. */
export function generateCase(seed: number, index: number): WireCase {
  const r = rand(seed, index);
  const n = r.pick([1, 1, 2, 2, 2, 3, 4]);
  let bytes = '';
  for (let k = 0; k < n; k++) {
    let q = request(r);
    if (r.chance(0.05)) q = stray(r, q);
    bytes += q;
  }
  // A plain request after them: whether it is answered shows how the server framed what came before.
  if (r.chance(0.5)) bytes += 'GET /echo?last HTTP/1.1\r\nHost: a\r\n\r\n';
  const pieces: string[] = [];
  const cuts = bytes.length > 1 ? r.pick([0, 0, 1, 1, 2, 3]) : 0;
  const at = new Set<number>();
  for (let k = 0; k < cuts; k++) at.add(1 + r.int(bytes.length - 1));
  let prev = 0;
  for (const c of [...at].sort((a, b) => a - b)) {
    pieces.push(bytes.slice(prev, c));
    prev = c;
  }
  pieces.push(bytes.slice(prev));
  return { id: `${seed}/${index}`, pieces, requests: n + (bytes.endsWith('?last HTTP/1.1\r\nHost: a\r\n\r\n') ? 1 : 0) };
}
