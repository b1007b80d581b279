/**
 * The wire divergences from Go 1.23 that issue #14 listed and the differential run found, each minimized into a
 * named case with Go's answer (checked against Go 1.23's server with run.ts's oracle). Each plays raw bytes to the
 * native server running the echo handler (echo.ts): `/hello…` answers without reading the body, other paths echo
 * the request as parsed.
 */

import { exchange, type Outcome } from './exchange';
import { splitResponses, startOurs } from './replay';

let ours: { port: number; close(): Promise<void> };
beforeAll(async () => {
  ours = await startOurs();
});
afterAll(() => ours.close());

const play = (...pieces: string[]): Promise<Outcome> => exchange(ours.port, pieces, { quietMs: 120 });
const statuses = (s: string): string[] => splitResponses(s).map((r) => r.slice(9, 12));
const bodies = (s: string): string[] => splitResponses(s).map((r) => r.slice(r.indexOf('\r\n\r\n') + 4));
const BAD = 'HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request';
const chunkedPost = (path: string): string => `POST ${path} HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n`;
const next = 'GET /echo?next HTTP/1.1\r\nHost: a\r\n\r\n';

describe('request smuggling: a trailer section ended by a bare LF (SRV-110)', () => {
  test("the issue's exchange: the POST after `0\\n\\n` is a request, the GET inside its body is not", async () => {
    const smuggled = 'GET /echo?SMUGGLED HTTP/1.1\r\nHost: evil.example\r\n\r\n';
    expect(smuggled.length).toBe(51);
    const o = await play(`${chunkedPost('/hello')}0\n\nPOST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 51\r\n\r\n${smuggled}`);
    expect(statuses(o.all)).toEqual(['200', '200']);
    const [hello, echo] = bodies(o.all);
    expect(hello).toBe('hello\n');
    expect(echo).toContain('method=POST\nuri=/echo\n');
    expect(echo).toContain('body=51 GET /echo?SMUGGLED HTTP/1.1');
    // Both answered before the client's end of input, as Go does (it does not wait for more trailer lines).
    expect(statuses(o.early)).toEqual(['200', '200']);
  });

  test.each([['0\n\n'], ['0\r\n\n'], ['0\r\nX-T: v\n\r\n'], ['0\r\nX-T: v\r\n\n']])('%j ends the body; the next request is served', async (end) => {
    const o = await play(chunkedPost('/echo') + '3\r\nabc\r\n' + end + next);
    expect(statuses(o.early)).toEqual(['200', '200']);
    expect(bodies(o.all)[0]).toContain('body=3 abc\nbodyerr=false\n');
    expect(bodies(o.all)[1]).toContain('uri=/echo?next\n');
  });
});

describe('a folded field whose first line has no colon (REQ-31; found by wire-diff seed 31)', () => {
  test.each([
    ['the minimized case (Go 400, was 501)', 'T h: HTTP/1.1\nt:\nTransfer-Encoding:\nn\n\t:\n\n'],
    ['a name-less line folded into a colon', 'GET /echo HTTP/1.1\r\nHost: a\r\nn\r\n\t: v\r\n\r\n'],
  ])('%s: 400', async (_name, bytes) => {
    const o = await play(bytes + next);
    expect(o.all).toBe(BAD);
  });
});

describe('CR is not whitespace in a field line (SRV-109)', () => {
  test.each([
    ['a leading CR before Transfer-Encoding', 'POST /echo HTTP/1.1\r\nHost: a\r\n\rTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'],
    ['a leading CR before Host', 'GET /echo HTTP/1.1\r\n\rHost: a\r\n\r\n'],
    ['a CR before the line end', 'POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\r\n\r\n0\r\n\r\n'],
    ['a CR after a blank before the line end', 'GET /echo HTTP/1.1\r\nHost: a\r\nX-A: v\r \r\n\r\n'],
    ['a CR ending a folded line', 'GET /echo HTTP/1.1\r\nHost: a\r\nX-A: v\r\n w\r\r\n\r\n'],
  ])('%s: 400', async (_name, bytes) => {
    const o = await play(bytes + next);
    expect(o.all).toBe(BAD);
  });

  test('a CR before a trailer line end: the body read fails and the connection closes', async () => {
    const o = await play(chunkedPost('/echo') + '3\r\nabc\r\n0\r\nX-T: v\r\r\n\r\n' + next);
    expect(statuses(o.all)).toEqual(['200']);
    expect(bodies(o.all)[0]).toContain('bodyerr=true\n');
    expect(o.all).toContain('Connection: close\r\n');
  });
});

describe('Content-Length as Go reads it (SRV-108)', () => {
  test('an invalid Content-Length beside chunked: 400', async () => {
    const o = await play('POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: abc\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n');
    expect(o.all).toBe(BAD);
  });

  test('20 digits with leading zeros are a length', async () => {
    const o = await play('POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 00000000000000000003\r\n\r\nabc' + next);
    expect(statuses(o.early)).toEqual(['200', '200']);
    expect(bodies(o.all)[0]).toContain('cl=3\n');
    expect(bodies(o.all)[0]).toContain('body=3 abc\n');
  });

  test('2^63-1 is accepted (a body that never ends: the reply closes), 2^63 is not', async () => {
    const o = await play('GET /hello HTTP/1.1\r\nHost: a\r\nContent-Length: 9223372036854775807\r\n\r\nabc');
    expect(statuses(o.all)).toEqual(['200']);
    expect(o.all).toContain('Connection: close\r\n');
    const p = await play('GET /hello HTTP/1.1\r\nHost: a\r\nContent-Length: 9223372036854775808\r\n\r\n');
    expect(p.all).toBe(BAD);
  });
});

describe('a bad line is answered when Go meets it, not at the end of the head (SRV-111)', () => {
  test.each([
    ['a request line without spaces', 'Xi\n'],
    ['a form feed for a space', 'GET /echo\fHTTP/1.1\r\nHost:'],
    ['a bad target', 'GET /%zz HTTP/1.1\r\nHo'],
    ['a field line without a colon', 'GET /echo HTTP/1.1\r\nnocolon\r\n'],
    ['a first field line starting with a blank', 'GET /echo HTTP/1.1\r\n Host: a\r\n'],
    ['a bad name, once the next line begins', 'GET /echo HTTP/1.1\r\nX(: a\r\nH'],
  ])('%s: 400 before the end of input, then close', async (_name, bytes) => {
    const o = await play(bytes);
    expect(o.early).toBe(BAD);
    expect(o.closedEarly).toBe(true);
  });

  test('a folded field with an empty name, once the line after its continuation begins (seed 14/1165)', async () => {
    const o = await play('GET /echo HTTP/1.1\r\n:\r\n \r\nh');
    expect(o.early).toBe(BAD);
  });

  test('a field that may still be continued waits', async () => {
    const o = await play('GET /echo HTTP/1.1\r\nX(: a\r\n');
    expect(o.early).toBe('');
    expect(o.all).toBe(BAD);
  });
});

describe('the handler answers only once an unread chunked body has ended, as Go does (SRV-86)', () => {
  test.each([['5\r\nhel'], ['5\r\nhello\r\n0\r\n'], ['5\r\nhello\r\n0\r\nX-T: v\r\n']])('after %j: nothing until the input ends', async (part) => {
    const o = await play(chunkedPost('/hello') + part);
    expect(o.early).toBe('');
    expect(statuses(o.all)).toEqual(['200']);
    expect(o.all).toContain('Connection: close\r\n');
  });

  test('once the trailer has ended, the reply goes out and the connection stays', async () => {
    const o = await play(chunkedPost('/hello') + '5\r\nhello\r\n0\r\n\r\n');
    expect(statuses(o.early)).toEqual(['200']);
    expect(o.closedEarly).toBe(false);
  });
});

test('`Connection: close` folded with `\\t1` is "close 1": r.close is false, the reply still closes (REQ-56)', async () => {
  const o = await play('GET /echo HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\t1\r\n\r\n');
  expect(bodies(o.all)[0]).toContain('close=false\n');
  expect(bodies(o.all)[0]).toContain('h:Connection=close 1\n');
  expect(o.all).toContain('Connection: close\r\n');
  expect(o.closedEarly).toBe(true);
});

test('HTTP/1.0 keep-alive with a length: the automatic `Connection: keep-alive` stays when an unfinished body closes the connection, as in Go (SRV-77, seed 14/6327)', async () => {
  const o = await play('GET /hello HTTP/1.0\r\nHost: a\r\nContent-Length: 33\r\nConnection: keep-alive\r\n\r\nhi');
  expect(o.early).toBe('');
  expect(statuses(o.all)).toEqual(['200']);
  expect(o.all).toContain('\r\nContent-Length: 6\r\nConnection: keep-alive\r\n\r\nhello\n');
});

describe('a read-header timeout with a line cut short reads it as if it had ended, as Go does (SRV-70)', () => {
  let slow: { port: number; close(): Promise<void> };
  beforeAll(async () => {
    slow = await startOurs({ readHeaderTimeout: 300 });
  });
  afterAll(() => slow.close());

  test.each([
    ['a field line without its colon yet', 'GET /ping HTTP/1.1\r\nHo', BAD],
    ['a first field line that starts with a blank', 'GET /ping HTTP/1.1\r\n Ho', BAD],
    ['a complete bad field awaiting its continuation', 'GET /ping HTTP/1.1\r\nX(: a\r\n', BAD],
    ['a value with a control byte', 'GET /ping HTTP/1.1\r\nX: a\x01', BAD],
    ['a request line cut short', 'GET /pi', BAD],
    ['a field line that parses', 'GET /ping HTTP/1.1\r\nHost: a', ''],
    ['a continuation that parses', 'GET /ping HTTP/1.1\r\nHost: a\r\n  x', ''],
  ])('%s: %j', async (_name, bytes, reply) => {
    const o = await exchange(slow.port, [bytes], { quietMs: 600 });
    expect(o.early).toBe(reply);
    expect(o.closedEarly).toBe(true);
  });
});
