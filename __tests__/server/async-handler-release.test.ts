/**
 * A handler that returns a promise: the connection holds its request only until the promise settles (conn.ts keeps
 * the request state in one field for the settling callbacks it makes once per connection). On an idle keep-alive
 * connection the request and its response can then be collected.
 */

import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

test('an idle keep-alive connection keeps no request of an async handler alive', () => {
  // npm test builds dist/ first (pretest); the check needs a collector it can run (--expose-gc).
  const entry = path.join(__dirname, '..', '..', 'dist', 'src', 'index.js');
  const script = `
    const http = require(${JSON.stringify(entry)});
    const net = require('node:net');
    let ref = null;
    (async () => {
      const ln = await http.listen('tcp', '127.0.0.1:0');
      const srv = new http.Server({ handler: async (w, r) => { ref = new WeakRef(r); await new Promise((res) => setTimeout(res, 5)); w.write('ok'); } });
      srv.serve(ln).catch(() => undefined);
      const c = net.connect(ln.addr().port, '127.0.0.1');
      await new Promise((res) => { c.on('data', res); c.write('GET / HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n'); });
      for (let i = 0; i < 5 && ref.deref() !== undefined; i++) { await new Promise((res) => setTimeout(res, 20)); gc(); }
      process.stdout.write(String(ref.deref() === undefined));
      c.destroy();
      await srv.close();
    })();`;
  expect(execFileSync(process.execPath, ['--expose-gc', '-e', script], { timeout: 30_000 }).toString()).toBe('true');
});
