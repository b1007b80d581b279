/**
 * SRV-56: after a POST, up to four CR or LF bytes before the next request line are skipped, whether they arrive
 * with the next request (decided without waiting, src/server/conn.ts bufferedHead) or on their own (the wait for
 * four bytes, readHead); a fifth, or such bytes after any other method, leave an empty request line: 400.
 */

import { Client, serveOn } from '../raw-client';

const post = 'POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi';
const getReq = 'GET /g HTTP/1.1\r\nHost: x\r\n\r\n';
const count = (text: string, s: string): number => text.split(s).length - 1;

async function run(steps: string[]): Promise<string> {
  const { srv, port } = await serveOn((w, r) => void w.write(`${r.method} ${r.url.path}`));
  const c = new Client(port);
  try {
    for (const s of steps) {
      c.send(s);
      await new Promise((r) => setTimeout(r, 30));
    }
    await c.until(() => c.ended || count(c.text, 'HTTP/1.1 ') >= steps.join('').split(' HTTP/1.1\r\n').length - 1, 3000).catch(() => undefined);
    return c.text;
  } finally {
    c.sock.destroy();
    await srv.close();
  }
}

describe('SRV-56', () => {
  for (const [name, gap] of [['CRLF CRLF', '\r\n\r\n'], ['LF', '\n'], ['CR LF LF CR', '\r\n\n\r']] as const) {
    test(`${name} after a POST, in the same write as the next request: skipped`, async () => {
      const text = await run([post + gap + getReq]);
      expect(count(text, 'HTTP/1.1 200 OK')).toBe(2);
      expect(text).toContain('GET /g');
    });
    test(`${name} after a POST, in a write of its own: skipped`, async () => {
      const text = await run([post, gap, getReq]);
      expect(count(text, 'HTTP/1.1 200 OK')).toBe(2);
      expect(text).toContain('GET /g');
    });
  }
  test('five CR/LF bytes after a POST: 400', async () => {
    const text = await run([post + '\r\n\r\n\n' + getReq]);
    expect(count(text, 'HTTP/1.1 200 OK')).toBe(1);
    expect(text).toContain('HTTP/1.1 400 Bad Request');
  });
  test('CRLF after a GET: 400', async () => {
    const text = await run([getReq + '\r\n' + getReq]);
    expect(count(text, 'HTTP/1.1 200 OK')).toBe(1);
    expect(text).toContain('HTTP/1.1 400 Bad Request');
  });
  test('a POST after a POST, with the tolerance between them', async () => {
    const text = await run([post + '\r\n' + post + '\r\n\r\n' + getReq]);
    expect(count(text, 'HTTP/1.1 200 OK')).toBe(3);
  });
});
