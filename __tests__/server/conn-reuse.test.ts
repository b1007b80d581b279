/**
 * What a native connection reuses from one request to the next (its request info, the body of requests without
 * one) must never show: handlers that keep earlier requests and responses see them unchanged while later requests
 * run on the same connection.
 */
import { Client, serveOn, get } from '../raw-client';
import type { Request, ResponseWriter } from '../../src';

describe('per-connection state reused across keep-alive requests', () => {
  test('kept requests and responses of earlier requests are unchanged by later ones on the connection', async () => {
    const kept: Array<{ r: Request; w: ResponseWriter; body: string }> = [];
    const { srv, port } = await serveOn(async (w, r) => {
      const body = (await r.body.readAll()).toString('latin1');
      kept.push({ r, w, body });
      w.write(`${kept.length}:${r.method}:${r.contentLength}:${body}|`);
    });
    const c = new Client(port);
    try {
      c.send(get('/a'));
      await c.until(() => c.text.includes('1:GET:0:|'));
      c.send('POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n');
      await c.until(() => c.text.includes('100 Continue'));
      c.send('hello');
      await c.until(() => c.text.includes('2:POST:5:hello|'));
      // A GET that asks for 100-continue has no body: no 100 Continue, and nothing of the POST's body state.
      c.send(get('/c', 'Expect: 100-continue\r\n'));
      await c.until(() => c.text.includes('3:GET:0:|'));
      c.send('PUT /d HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n');
      await c.until(() => c.text.includes('4:PUT:-1:abc|'));
      c.send(get('/e'));
      await c.until(() => c.text.includes('5:GET:0:|'));
      expect(c.text.split('100 Continue').length - 1).toBe(1);
      expect(kept.map((k) => `${k.r.method} ${k.r.url.path} ${k.r.contentLength} ${k.r.host} ${k.body}`)).toEqual([
        'GET /a 0 x ', 'POST /b 5 x hello', 'GET /c 0 x ', 'PUT /d -1 x abc', 'GET /e 0 x ',
      ]);
      // Earlier requests' bodies stay at their end; reading them again gives nothing new.
      for (const k of kept) expect(await k.r.body.read().catch(() => null)).toBeNull();
      expect(kept[1].r.header.get('Expect')).toBe('100-continue');
      expect(kept[3].r.transferEncoding).toEqual(['chunked']);
    } finally {
      c.close();
      await srv.close();
    }
  });
});
