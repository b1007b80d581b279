/**
 * The native sink keeps the last plain head and its two parts around the length (src/server/conn-writer.ts,
 * plainHead): heads built from kept parts must be the heads built afresh (RSP-12's order) whatever changes from
 * one response to the next — length, status, the handler's frozen lines (writeJSON's type), Connection, protocol.
 */

import { writeJSON } from '../../src';
import { Client, serveOn } from '../raw-client';

test('consecutive heads of changing length, status, type and Connection are each what they must be', async () => {
  const { srv, port } = await serveOn((w, r) => {
    const n = Number(r.url.query().get('n'));
    const status = Number(r.url.query().get('s') ?? '200');
    if (r.url.path === '/json') writeJSON(w, status, { v: 'x'.repeat(n) });
    else {
      w.writeHeader(status);
      w.write('y'.repeat(n));
    }
  });
  const cases: Array<[string, string, string]> = [];
  // Orders in which each part changes alone from one response to the next.
  for (const s of [200, 201]) {
    for (const [proto, extra] of [['HTTP/1.1', ''], ['HTTP/1.1', 'Connection: close\r\n'], ['HTTP/1.0', 'Connection: keep-alive\r\n']]) {
      for (const n of [1, 2, 10, 100, 1]) {
        for (const path of ['/json', '/text', '/text', '/json', '/json']) cases.push([`${path}?n=${n}&s=${s}`, proto, extra]);
      }
    }
  }
  try {
    for (const [target, proto, extra] of cases) {
      const c = new Client(port);
      c.send(`GET ${target} ${proto}\r\nHost: x\r\n${extra}\r\n`);
      const q = new URLSearchParams(target.split('?')[1]);
      const n = Number(q.get('n'));
      const s = Number(q.get('s'));
      const json = target.startsWith('/json');
      const body = json ? JSON.stringify({ v: 'x'.repeat(n) }) + '\n' : 'y'.repeat(n);
      await c.until(() => c.text.includes('\r\n\r\n') && c.text.length >= c.text.indexOf('\r\n\r\n') + 4 + body.length);
      c.sock.destroy();
      const head = c.text.slice(0, c.text.indexOf('\r\n\r\n') + 4).replace(/\r\nDate: [^\r]+/, '\r\nDate: D');
      const status = s === 200 ? '200 OK' : '201 Created';
      const type = json ? 'application/json' : 'text/plain; charset=utf-8';
      let want = `${proto.startsWith('HTTP/1.1') ? 'HTTP/1.1' : 'HTTP/1.0'} ${status}\r\n`;
      if (json) want += `Content-Type: ${type}\r\n`;
      want += `Date: D\r\nContent-Length: ${body.length}\r\n`;
      if (!json) want += `Content-Type: ${type}\r\n`;
      if (extra === 'Connection: close\r\n') want += 'Connection: close\r\n';
      if (proto === 'HTTP/1.0') want += 'Connection: keep-alive\r\n';
      want += '\r\n';
      expect([target, proto, extra, head]).toEqual([target, proto, extra, want]);
      expect(c.text.slice(head.length - 'Date: D'.length + c.text.match(/Date: [^\r]+/)![0].length)).toBe(body);
    }
  } finally {
    await srv.close();
  }
});
