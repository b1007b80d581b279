/**
 * The conformance kit's `scenarios` protocol (see the kit's README): one plain handler dispatching on
 * `/s/<name>`, served by the native Server with Go's default settings.
 * Run: `npm run -s conformance:scenarios -- --port 0`.
 */

import * as http from '../../src';
import { jsonBytes, jsonList, jsonMultimap } from './json-bytes';

type Scenario = (w: http.ResponseWriter, r: http.Request) => unknown;

const fillLine = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-\n';

function fill(from: number, n: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = fillLine.charCodeAt((from + i) % 64);
  return b;
}

/** strconv.Atoi: optional sign, decimal digits, fits in 64 bits. */
function atoi(s: string): number | null {
  if (!/^[+-]?[0-9]+$/.test(s)) return null;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : null;
}

function intParam(r: http.Request, name: string, def: number, lo: number, hi: number): number {
  const n = atoi(r.url.query().get(name)) ?? def;
  return Math.max(lo, Math.min(hi, n));
}

function flush(w: http.ResponseWriter): void {
  (w as unknown as http.Flusher).flush();
}

function maskAddr(addr: string): string {
  const i = addr.lastIndexOf(':');
  if (i < 0) return addr;
  const port = addr.slice(i + 1);
  if (port === '' || !/^[0-9]+$/.test(port)) return addr;
  return addr.slice(0, i + 1) + 'PORT';
}

/** Waits `ms` or until the request context is done; true when the context ended first. */
function sleepOrDone(r: http.Request, ms: number): Promise<boolean> {
  const ctx = r.context();
  return new Promise((resolve) => {
    if (ctx.err() !== null) return resolve(true);
    const t = setTimeout(() => {
      ctx.signal.removeEventListener('abort', onAbort);
      resolve(false);
    }, ms);
    const onAbort = (): void => {
      clearTimeout(t);
      resolve(true);
    };
    ctx.signal.addEventListener('abort', onAbort, { once: true });
  });
}

function statusParam(r: http.Request): number {
  return atoi(r.url.query().get('code')) ?? 200;
}

async function readAllSafe(r: http.Request): Promise<{ body: Buffer; err: boolean }> {
  const parts: Buffer[] = [];
  try {
    for (;;) {
      const b = await r.body.read(65536);
      if (b === null) break;
      parts.push(Buffer.from(b));
    }
    return { body: Buffer.concat(parts), err: false };
  } catch {
    return { body: Buffer.concat(parts), err: true };
  }
}

const scenarios: Record<string, Scenario> = {
  hello: (w) => void w.write('hello, world\n'),
  status: (w, r) => w.writeHeader(statusParam(r)),
  'status-body': (w, r) => {
    w.writeHeader(statusParam(r));
    w.write('status body\n');
  },
  'write-header-twice': (w) => {
    w.writeHeader(201);
    w.writeHeader(500);
    w.write('created\n');
  },
  'header-after-write': (w) => {
    w.write('body first\n');
    w.header().set('X-Late', 'too late');
  },
  'header-after-writeheader': (w) => {
    w.header().set('X-Early', 'yes');
    w.writeHeader(202);
    w.header().set('X-Late', 'too late');
    w.write('accepted\n');
  },
  headers: (w) => {
    const h = w.header();
    h.add('X-Multi', 'one');
    h.add('X-Multi', 'two');
    h.set('x-lower-set', 'canonicalised by Set');
    h.setRaw('x-raw-key', ['stored as is']);
    h.set('X-Empty', '');
    h.set('X-Newlines', 'a\r\nb\nc');
    h.set('X-Padded', '  padded\t ');
    h.setRaw('Bad Name', ['dropped']);
    h.setRaw('X-Bad-\x01', ['dropped']);
    w.write('headers\n');
  },
  'set-date': (w) => {
    w.header().set('Date', 'yesterday');
    w.write('dated\n');
  },
  'body-size': (w, r) => {
    const n = intParam(r, 'n', 0, 0, 8388608);
    if (n > 0) w.write(fill(0, n));
  },
  writes: (w, r) => {
    const n = intParam(r, 'n', 3, 0, 1024);
    const size = intParam(r, 'size', 1000, 0, 1048576);
    for (let i = 0; i < n; i++) w.write(fill(i * size, size));
  },
  stream: (w, r) => {
    const n = intParam(r, 'n', 5, 0, 1024);
    const size = intParam(r, 'size', 100, 0, 1048576);
    for (let i = 0; i < n; i++) {
      w.write(fill(i * size, size));
      flush(w);
    }
  },
  'flush-empty': (w) => flush(w),
  'cl-exact': (w) => {
    w.header().set('Content-Length', '6');
    w.write('exact\n');
  },
  'cl-short': (w) => {
    w.header().set('Content-Length', '10');
    w.write('short');
  },
  'cl-long': (w) => {
    w.header().set('Content-Length', '5');
    w.write('abc');
    w.write('defgh');
  },
  'cl-invalid': (w) => {
    w.header().set('Content-Length', 'five');
    w.write('invalid length\n');
  },
  'cl-flush': (w) => {
    w.header().set('Content-Length', '10');
    w.write('first');
    flush(w);
    w.write('secnd');
  },
  'te-chunked': (w) => {
    w.header().set('Transfer-Encoding', 'chunked');
    w.write('chunked on request\n');
  },
  'te-identity': (w) => {
    w.header().set('Transfer-Encoding', 'identity');
    w.write('identity until close\n');
  },
  'cl-and-te': (w) => {
    w.header().set('Content-Length', '5');
    w.header().set('Transfer-Encoding', 'chunked');
    w.write('hello');
  },
  sniff: async (w, r) => {
    const { body } = await readAllSafe(r);
    if (body.length > 0) w.write(body);
  },
  'sniff-after-flush': async (w, r) => {
    const { body } = await readAllSafe(r);
    const k = Math.min(5, body.length);
    w.write(body.subarray(0, k));
    flush(w);
    if (body.length > k) w.write(body.subarray(k));
  },
  'content-type': (w) => {
    w.header().set('Content-Type', 'application/json');
    w.write('{"ok":true}');
  },
  'content-type-nil': (w) => {
    w.header().setRaw('Content-Type', null);
    w.write('<html><body>no type</body></html>');
  },
  'content-encoding': (w) => {
    w.header().set('Content-Encoding', 'gzip');
    w.write('<html>not really gzip</html>');
  },
  'no-content': (w) => {
    w.header().set('Content-Type', 'text/plain');
    w.header().set('Content-Length', '7');
    w.writeHeader(204);
    w.write('ignored');
  },
  'not-modified': (w) => {
    w.header().set('Etag', '"v1"');
    w.header().set('Content-Type', 'text/plain');
    w.header().set('Content-Length', '7');
    w.writeHeader(304);
    w.write('ignored');
  },
  trailers: (w) => {
    w.header().set('Trailer', 'X-Checksum, X-Count');
    w.write('payload\n');
    w.header().set('X-Checksum', 'abc123');
    w.header().set('X-Count', '1');
    w.header().set('X-Undeclared', 'dropped');
  },
  'trailers-prefix': (w) => {
    w.write('payload\n');
    flush(w);
    w.header().setRaw(http.TrailerPrefix + 'X-Late', ['late value']);
  },
  'trailers-prefix-small': (w) => {
    w.write('payload\n');
    w.header().setRaw(http.TrailerPrefix + 'X-Late', ['late value']);
  },
  'early-hints': (w) => {
    const h = w.header();
    h.add('Link', '</style.css>; rel=preload; as=style');
    w.writeHeader(103);
    h.add('Link', '</app.js>; rel=preload; as=script');
    w.writeHeader(103);
    w.write('<!doctype html><title>hints</title>');
  },
  error: (w) => {
    w.header().set('Content-Length', '99');
    w.header().set('Content-Type', 'application/json');
    w.header().set('X-Kept', 'yes');
    http.error(w, 'something failed', 500);
  },
  'not-found': (w, r) => http.notFound(w, r),
  echo: async (w, r) => {
    const { body, err } = await readAllSafe(r);
    const j =
      `{"method":${jsonBytes(r.method)},"requestURI":${jsonBytes(r.requestURI)},"proto":${jsonBytes(r.proto)}` +
      `,"host":${jsonBytes(r.host)},"path":${jsonBytes(r.url.path)},"rawPath":${jsonBytes(r.url.rawPath)}` +
      `,"rawQuery":${jsonBytes(r.url.rawQuery)},"header":${jsonMultimap(r.header)}` +
      `,"contentLength":${r.contentLength},"transferEncoding":${jsonList(r.transferEncoding)}` +
      `,"close":${r.close},"remoteAddr":${jsonBytes(maskAddr(r.remoteAddr))},"body":${jsonBytes(body)}` +
      `,"bodyError":${err},"trailer":${jsonMultimap(r.trailer)}}`;
    w.header().set('Content-Type', 'application/json');
    w.write(j); // ASCII-only JSON; written as a string like Go's io.WriteString (RSP-4 boundaries)
  },
  'max-bytes': async (w, r) => {
    const n = intParam(r, 'n', 16, 0, 1 << 20);
    r.body = http.maxBytesReader(w, r.body, n);
    let data: Buffer;
    try {
      data = await r.body.readAll();
    } catch (err) {
      if (err instanceof http.MaxBytesError) http.error(w, err.message, 413);
      else http.error(w, 'body read error', 400);
      return;
    }
    w.write(`read ${data.length} bytes\n`);
  },
  'read-partial': async (w, r) => {
    const n = intParam(r, 'n', 4, 0, 1 << 20);
    let k = 0;
    try {
      while (k < n) {
        const b = await r.body.read(n - k);
        if (b === null) break;
        k += b.length;
      }
    } catch {
      // io.ReadFull's error is ignored by the scenario.
    }
    w.write(`read ${k} bytes\n`);
  },
  'ignore-body': (w) => void w.write('ignored\n'),
  'close-body': (w, r) => {
    r.body.close();
    w.write('closed\n');
  },
  'connection-close': (w) => {
    w.header().set('Connection', 'close');
    w.write('bye\n');
  },
  hijack: (w) => {
    let conn;
    try {
      ({ conn } = http.newResponseController(w).hijack());
    } catch {
      return;
    }
    conn.end('HTTP/1.1 200 OK\r\nX-Hijacked: yes\r\nContent-Length: 3\r\n\r\nhi\n');
    conn.resume();
    conn.on('end', () => conn.destroy());
    conn.on('finish', () => conn.destroy());
  },
  panic: () => {
    throw 'scenario panic';
  },
  'panic-buffered': (w) => {
    w.write('partial\n');
    throw 'scenario panic';
  },
  'panic-after-flush': (w) => {
    w.write('partial\n');
    flush(w);
    throw 'scenario panic';
  },
  'abort-handler': () => {
    throw http.ErrAbortHandler;
  },
  slow: async (w, r) => {
    await new Promise((res) => setTimeout(res, intParam(r, 'ms', 100, 0, 5000)));
    w.write('slept\n');
  },
  'wait-cancel': async (w, r) => {
    w.write((await sleepOrDone(r, intParam(r, 'ms', 1000, 0, 5000))) ? 'canceled\n' : 'not canceled\n');
  },
};

/** Scenarios built on handlers of other modules, added when those modules export them. */
function optionalScenarios(): void {
  const mod = http as unknown as Record<string, unknown>;
  if (typeof mod.redirect === 'function') {
    const redirect = mod.redirect as (w: http.ResponseWriter, r: http.Request, url: string, code: number) => void;
    scenarios.redirect = (w, r) => {
      const q = r.url.query();
      redirect(w, r, q.get('to'), atoi(q.get('code')) ?? 302);
    };
  }
  if (typeof mod.stripPrefix === 'function') {
    const stripPrefix = mod.stripPrefix as (p: string, h: http.HandlerLike) => http.Handler;
    const h = stripPrefix('/s/strip-prefix/api', (w: http.ResponseWriter, r: http.Request) => {
      w.header().set('Content-Type', 'application/json');
      w.write(`{"path":${jsonBytes(r.url.path)},"rawPath":${jsonBytes(r.url.rawPath)},"requestURI":${jsonBytes(r.requestURI)}}`);
    });
    scenarios['strip-prefix'] = (w, r) => h.serveHTTP(w, r);
  }
  if (typeof mod.setCookie === 'function') {
    scenarios.cookies = (w, r) => {
      const body = `{"cookies":[${r.cookies().map((c) => `[${jsonBytes(c.name)},${jsonBytes(c.value)}]`).join(',')}]}`;
      http.setCookie(w, { name: 'sid', value: 'abc123', path: '/', httpOnly: true });
      http.setCookie(w, { name: 'theme', value: 'dark mode', maxAge: 3600, sameSite: http.SameSiteLaxMode });
      w.header().set('Content-Type', 'application/json');
      w.write(body);
    };
  }
  if (typeof (http.Request.prototype as unknown as Record<string, unknown>).parseMultipartForm === 'function') {
    scenarios.form = async (w, r) => {
      let formError = false;
      let multipartError = false;
      try {
        await r.parseForm();
      } catch {
        formError = true;
      }
      try {
        await r.parseMultipartForm(1048576);
      } catch (err) {
        if (!http.errorIs(err, http.ErrNotMultipart)) multipartError = true;
      }
      const files: string[] = [];
      const mf = r.multipartForm;
      if (mf !== null && mf.file !== undefined) {
        for (const field of [...mf.file.keys()].sort()) {
          for (const fh of mf.file.get(field)!) {
            files.push(`[${jsonBytes(field)},${jsonBytes(fh.filename)},${jsonBytes(fh.header.get('Content-Type'))},${fh.size}]`);
          }
        }
      }
      w.header().set('Content-Type', 'application/json');
      w.write(
        `{"form":${jsonMultimap(r.form ?? [])},"postForm":${jsonMultimap(r.postForm ?? [])},"files":[${files.join(',')}],` +
          `"formError":${formError},"multipartError":${multipartError}}`,
      );
    };
  }
  if (typeof mod.timeoutHandler === 'function') {
    const timeoutHandler = mod.timeoutHandler as (h: http.HandlerLike, ms: number, msg: string) => http.Handler;
    const h = timeoutHandler(async (w: http.ResponseWriter, r: http.Request) => {
      const ms = intParam(r, 'ms', 1000, 0, 5000);
      if (ms > 0 && (await sleepOrDone(r, ms))) return;
      w.header().set('X-Inner', 'done');
      w.writeHeader(201);
      w.write('inner finished\n');
    }, 100, 'handler timed out\n');
    scenarios['timeout-handler'] = (w, r) => h.serveHTTP(w, r);
  }
}

/** The scenarios handler (exported for carriers' tests). */
export function scenariosHandler(): http.Handler {
  optionalScenarios();
  return {
    serveHTTP(w, r) {
      if (r.url.path.startsWith('/s/')) {
        let name = r.url.path.slice(3);
        const i = name.indexOf('/');
        if (i >= 0) name = name.slice(0, i);
        const h = Object.prototype.hasOwnProperty.call(scenarios, name) ? scenarios[name] : undefined;
        if (h !== undefined) return h(w, r);
      }
      http.error(w, 'unknown scenario', 404);
    },
  };
}

async function main(): Promise<void> {
  const i = process.argv.indexOf('--port');
  const port = i >= 0 ? process.argv[i + 1] : '0';
  const ln = await http.listen('tcp', `127.0.0.1:${port}`);
  process.stdout.write(`listening on ${ln.addr().toString()}\n`);
  const srv = new http.Server({ handler: scenariosHandler() });
  process.on('SIGTERM', () => {
    void srv.close().then(() => process.exit(0));
  });
  srv.serve(ln).catch((err) => {
    if (!http.errorIs(err, http.ErrServerClosed)) {
      console.error(err);
      process.exit(1);
    }
  });
}

if (require.main === module) void main();
