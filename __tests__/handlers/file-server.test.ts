/**
 * fileServer, fileServerFS, serveFile and serveFileFS (src/handlers/file-server.ts) on the native server:
 * - Go 1.23's own replies, byte for byte (Date and boundary masked), recorded by file-server.record.ts from the
 *   oracle in file-server-oracle/ over the tree of file-server-util.ts;
 * - the traversal corpus: hostile request-targets against a root whose neighbour holds a secret;
 * - Go's fs_test.go tables and cases, ported as data.
 */

import * as fsn from 'node:fs';
import * as path from 'node:path';
import {
  ErrNotExist, ErrPermission, ServeMux, dir, dirFS, errorIs, fileServer, fileServerFS, fs, memFS, newResponseController,
  serveContent, serveFile, serveFileFS, NetHTTPError, type File, type FileInfo, type FileSystem, type Handler,
  type HandlerLike, type Request, type ResponseWriter,
} from '../../src';
import {
  HELLO, LINKED, SECRET, TREE_TIME, exchange, makeTree, mask, parseReply, removeTree, request, start, type Running,
} from './file-server-util';

interface Golden {
  cases: Array<{ id: string; request: string; response: string }>;
  traversal: Array<{ target: string; raw?: string; status: Record<string, number> }>;
}
const golden = JSON.parse(fsn.readFileSync(path.join(__dirname, '..', 'file-server.golden.json'), 'utf8')) as Golden;

/** Go's StripPrefix, for mounting as the oracle does (the test must not depend on another module's progress). */
function stripPrefix(prefix: string, h: Handler): HandlerLike {
  return (w: ResponseWriter, r: Request) => {
    const p = r.url.path.startsWith(prefix) ? r.url.path.slice(prefix.length) : r.url.path;
    const rp = r.url.rawPath.startsWith(prefix) ? r.url.rawPath.slice(prefix.length) : r.url.rawPath;
    if (p.length < r.url.path.length && (r.url.rawPath === '' || rp.length < r.url.rawPath.length)) {
      const r2 = r.shallowCopy();
      r2.url = r.url.clone();
      r2.url.path = p;
      r2.url.rawPath = rp;
      return h.serveHTTP(w, r2);
    }
    w.writeHeader(404);
  };
}

/** The oracle's "mux" mode, mounted the same way. */
function oracleMux(root: string): ServeMux {
  const mux = new ServeMux();
  mux.handle('/', fileServer(dir(root)));
  mux.handle('/_fsfs/', stripPrefix('/_fsfs', fileServerFS(dirFS(root))));
  mux.handle('/_static/', stripPrefix('/_static', fileServer(dir(root))));
  mux.handleFunc('/_servefile/', (w, r) => serveFile(w, r, root + '/' + r.url.query().get('f')));
  mux.handleFunc('/_servefilefs/', (w, r) => serveFileFS(w, r, dirFS(root), r.url.query().get('f')));
  mux.handleFunc('/_content/', (w, r) => {
    const q = r.url.query();
    for (const kv of q.m.get('h') ?? []) {
      const i = kv.indexOf(':');
      w.header().add(kv.slice(0, i), kv.slice(i + 1));
    }
    if (q.get('nilct') === '1') w.header().setRaw('Content-Type', null);
    const mod = q.get('mod') !== '' ? new Date(Number(q.get('mod')) * 1000) : null;
    const body = q.get('body') !== '' ? q.get('body') : HELLO;
    return serveContent(w, r, q.get('name'), mod, Buffer.from(body, 'latin1'));
  });
  return mux;
}

let base: string;
let root: string;
beforeAll(() => {
  base = makeTree();
  root = path.join(base, 'root');
});
afterAll(() => removeTree(base));

describe('Go 1.23 goldens (FS-*), byte for byte', () => {
  let srv: Running;
  beforeAll(async () => {
    srv = await start(oracleMux(root));
  });
  afterAll(() => srv.close());

  test.each(golden.cases.map((c) => [c.id, c] as const))('%s', async (_id, c) => {
    const { text } = await exchange(srv.port, c.request);
    expect(mask(text)).toBe(c.response);
  });

  test('no error was logged', () => {
    expect(srv.logs).toEqual([]);
  });
});

describe('traversal corpus: nothing outside the root is served', () => {
  const modes: Record<string, () => HandlerLike> = {
    bare: () => fileServer(dir(root)),
    mux: () => {
      const m = new ServeMux();
      m.handle('/', fileServer(dir(root)));
      return m;
    },
    barefs: () => fileServerFS(dirFS(root)),
  };
  const servers: Record<string, Running> = {};
  beforeAll(async () => {
    for (const [name, make] of Object.entries(modes)) servers[name] = await start(make());
  });
  afterAll(async () => {
    for (const s of Object.values(servers)) await s.close();
  });

  const corpus = golden.traversal;
  test('the corpus has at least 50 hostile requests', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(50);
    expect(new Set(corpus.map((c) => c.target)).size).toBe(corpus.length);
  });

  const passwd = fsn.existsSync('/etc/passwd') ? fsn.readFileSync('/etc/passwd', 'latin1').split('\n')[0] : 'root:x:0:0:';
  test.each(corpus.map((c) => [c.target, c] as const))('%j', async (_t, c) => {
    const raw = c.raw ?? `GET ${c.target} HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n`;
    const got: Record<string, number> = {};
    for (const [mode, s] of Object.entries(servers)) {
      const { text } = await exchange(s.port, raw);
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(passwd);
      expect(text).not.toContain(LINKED); // no hostile target reaches even the linked file's directory by `..`
      got[mode] = Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0);
    }
    expect(got).toEqual(c.status);
  });

  test('every server is still up and served nothing it logged as an error', async () => {
    for (const s of Object.values(servers)) {
      const res = await request(s.port, '/hello.txt');
      expect([res.status, res.body]).toEqual([200, HELLO]);
      expect(s.logs).toEqual([]);
    }
  });

  test('FS-2: a symbolic link inside the root is followed out of it, as Go documents for Dir', async () => {
    for (const s of Object.values(servers)) {
      const res = await request(s.port, '/escape-link');
      expect([res.status, res.body]).toEqual([200, LINKED]);
    }
  });
});

// --------------------------------------------------------------------------------------------------------------
// Go's fs_test.go, ported.

/** Go's fakeFileInfo / fakeFS: an in-memory FileSystem whose entries can fail and change. */
interface FakeInfo {
  dir?: boolean;
  basename?: string;
  modtime?: Date;
  ents?: FakeInfo[];
  contents?: string;
  err?: unknown;
}
function fakeFS(m: Record<string, FakeInfo>, log?: string[]): FileSystem {
  return {
    open(name: string): File {
      log?.push(name);
      const f = m[path.posix.normalize(name).replace(/(.)\/$/, '$1')];
      if (f === undefined) throw ErrNotExist;
      if (f.err !== undefined) throw f.err;
      const data = Buffer.from(f.contents ?? '');
      return {
        stat: (): FileInfo => ({ name: f.basename ?? '', size: data.length, modTime: f.modtime ?? null, isDir: f.dir === true }),
        read: (buf: Uint8Array, pos: number) => {
          const n = Math.max(0, Math.min(buf.length, data.length - pos));
          buf.set(data.subarray(pos, pos + n));
          return n;
        },
        readdir: () => (f.ents ?? []).map((e) => ({ name: e.basename ?? '', isDir: e.dir === true })),
        close: () => undefined,
      };
    },
  };
}

async function serving<T>(h: HandlerLike, fn: (port: number, s: Running) => Promise<T>): Promise<T> {
  const s = await start(h);
  try {
    return await fn(s.port, s);
  } finally {
    await s.close();
  }
}

const FILE = 'Hello world'; // Go's testdata/file (11 bytes)

// Go's ServeFileRangeTests: [Range, status, ranges as [start, end) pairs].
const serveFileRangeTests: Array<[string, number, Array<[number, number]>]> = [
  ['', 200, []],
  ['bytes=0-4', 206, [[0, 5]]],
  ['bytes=2-', 206, [[2, 11]]],
  ['bytes=-5', 206, [[6, 11]]],
  ['bytes=3-7', 206, [[3, 8]]],
  ['bytes=0-0,-2', 206, [[0, 1], [9, 11]]],
  ['bytes=0-1,5-8', 206, [[0, 2], [5, 9]]],
  ['bytes=0-1,5-', 206, [[0, 2], [5, 11]]],
  ['bytes=5-1000', 206, [[5, 11]]],
  ['bytes=0-,1-,2-,3-,4-', 200, []],
  ['bytes=0-9', 206, [[0, 10]]],
  ['bytes=0-10', 206, [[0, 11]]],
  ['bytes=0-11', 206, [[0, 11]]],
  ['bytes=10-11', 206, [[10, 11]]],
  ['bytes=10-', 206, [[10, 11]]],
  ['bytes=11-', 416, []],
  ['bytes=11-12', 416, []],
  ['bytes=12-12', 416, []],
  ['bytes=11-100', 416, []],
  ['bytes=12-100', 416, []],
  ['bytes=100-', 416, []],
  ['bytes=100-1000', 416, []],
];

/** Splits a multipart/byteranges body into its parts' Content-Range and bytes. */
function parseMultipart(body: string, boundary: string): Array<{ range: string; type: string; data: string }> {
  const parts = body.split(`--${boundary}`);
  expect(parts[0]).toBe('');
  expect(parts[parts.length - 1]).toBe('--\r\n');
  return parts.slice(1, -1).map((p, i) => {
    const start = i === 0 ? 2 : 2; // each part begins with CRLF after the delimiter line
    const headEnd = p.indexOf('\r\n\r\n');
    const head = p.slice(start, headEnd).split('\r\n');
    const get = (k: string): string => head.find((l) => l.startsWith(k + ': '))?.slice(k.length + 2) ?? '';
    return { range: get('Content-Range'), type: get('Content-Type'), data: p.slice(headEnd + 4, p.length - 2) };
  });
}

describe("Go's fs_test.go", () => {
  let tdir: string;
  beforeAll(() => {
    tdir = fsn.mkdtempSync(path.join(base, 'testdata-'));
    fsn.writeFileSync(path.join(tdir, 'file'), FILE);
    fsn.writeFileSync(path.join(tdir, 'index.html'), 'index.html says hello\n');
    fsn.writeFileSync(path.join(tdir, 'style.css'), 'body {}\n');
  });

  test('TestServeFile: every method gets the file, HEAD only its length, ServeFileRangeTests', async () => {
    await serving((w, r) => serveFile(w, r, path.join(tdir, 'file')), async (port) => {
      for (const m of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE']) {
        expect([m, (await request(port, '/', {}, m)).body]).toEqual([m, FILE]);
      }
      const head = await request(port, '/', {}, 'HEAD');
      expect([head.body, head.header('Content-Length')]).toEqual(['', '11']);
      for (const [rng, code, ranges] of serveFileRangeTests) {
        const res = await request(port, '/', rng === '' ? {} : { Range: rng });
        expect([rng, res.status]).toEqual([rng, code]);
        if (code === 416) continue;
        const ct = res.header('Content-Type') ?? '';
        expect(res.header('Content-Range') ?? '').toBe(ranges.length === 1 ? `bytes ${ranges[0][0]}-${ranges[0][1] - 1}/11` : '');
        if (ranges.length === 1) {
          expect(res.body).toBe(FILE.slice(ranges[0][0], ranges[0][1]));
          expect(ct.startsWith('multipart/byteranges')).toBe(false);
        }
        if (ranges.length > 1) {
          const m = /^multipart\/byteranges; boundary=([0-9a-f]{60})$/.exec(ct);
          expect(m).not.toBeNull();
          expect(Number(res.header('Content-Length'))).toBe(res.body.length);
          const parts = parseMultipart(res.body, m![1]);
          expect(parts.map((p) => [p.range, p.data])).toEqual(ranges.map(([s, e]) => [`bytes ${s}-${e - 1}/11`, FILE.slice(s, e)]));
          expect(parts.every((p) => p.type === 'text/plain; charset=utf-8')).toBe(true);
        }
      }
    });
  });

  test('TestServeFile_DotDot (FS-30)', async () => {
    const tests: Array<[string, number]> = [
      ['/testdata/file', 200], ['/../file', 400], ['/..', 400], ['/../', 400], ['/../foo', 400], ['/..\\foo', 400],
      ['/file/a', 200], ['/file/a..', 200], ['/file/a/..', 400], ['/file/a\\..', 400],
    ];
    // No mux in front: the request path reaches serveFile as sent.
    await serving((w, r) => serveFile(w, r, path.join(tdir, 'file')), async (port) => {
      for (const [target, want] of tests) {
        const { text } = await exchange(port, `GET ${target} HTTP/1.1\r\nHost: foo\r\nConnection: close\r\n\r\n`);
        expect([target, parseReply(text).status]).toEqual([target, want]);
      }
    });
  });

  test('TestServeFileDirPanicEmptyPath: an empty path to a directory redirects', async () => {
    await serving((w, r) => {
      r.url.path = '';
      return serveFile(w, r, tdir);
    }, async (port) => {
      const res = await request(port, '/');
      expect([res.status, res.header('Location')]).toEqual([301, './']);
    });
  });

  test('TestFSRedirect: under StripPrefix the redirects stay relative', async () => {
    const h = stripPrefix('/test', fileServer(dir(base)));
    const rel = path.basename(tdir);
    await serving(h, async (port) => {
      expect((await request(port, '/test/index.html')).header('Location')).toBe('./');
      expect((await request(port, `/test/${rel}`)).header('Location')).toBe(`${rel}/`);
      expect((await request(port, `/test/${rel}/file/`)).header('Location')).toBe('../file');
    });
  });

  test('TestFileServerCleans: the name opened is the cleaned path', async () => {
    const opened: string[] = [];
    const h = fileServer({
      open(name: string): File {
        opened.push(name);
        throw new NetHTTPError('X', 'file does not exist');
      },
    });
    await serving(h, async (port) => {
      for (const [target, want] of [['/foo.txt', '/foo.txt'], ['//foo.txt', '/foo.txt'], ['/%2e%2e/foo.txt', '/foo.txt']]) {
        opened.length = 0;
        await request(port, target);
        expect(opened).toEqual([want]);
      }
    });
  });

  test('TestFileServerEscapesNames (FS-22)', async () => {
    const tests: Array<[string, string]> = [
      ['simple_name', '<a href="simple_name">simple_name</a>'],
      ['"\'<>&', '<a href="%22%27%3C%3E&">&#34;&#39;&lt;&gt;&amp;</a>'],
      ['?foo=bar#baz', '<a href="%3Ffoo=bar%23baz">?foo=bar#baz</a>'],
      ['<combo>?foo', '<a href="%3Ccombo%3E%3Ffoo">&lt;combo&gt;?foo</a>'],
      ['foo:bar', '<a href="./foo:bar">foo:bar</a>'],
    ];
    const m: Record<string, FakeInfo> = {};
    tests.forEach(([name], i) => {
      const file: FakeInfo = { basename: name };
      m[`/${i}`] = { dir: true, modtime: new Date(1e12), ents: [file] };
      m[`/${i}/${name}`] = file;
    });
    await serving(fileServer(fakeFS(m)), async (port) => {
      for (let i = 0; i < tests.length; i++) {
        const res = await request(port, `/${i}/`);
        const prefix = '<!doctype html>\n<meta name="viewport" content="width=device-width">\n<pre>\n';
        expect(res.body).toBe(prefix + tests[i][1] + '\n</pre>\n');
      }
    });
  });

  test('TestFileServerSortsNames', async () => {
    const m: Record<string, FakeInfo> = {
      '/': {
        dir: true, modtime: new Date(123000),
        ents: [{ basename: 'b', contents: 'x' }, { basename: 'a', contents: 'x' }, { basename: 'B', dir: true }],
      },
    };
    await serving(fileServer(fakeFS(m)), async (port) => {
      expect((await request(port, '/')).body).toContain('<a href="B/">B/</a>\n<a href="a">a</a>\n<a href="b">b</a>');
    });
  });

  test('TestFileServerImplicitLeadingSlash', async () => {
    const d = fsn.mkdtempSync(path.join(base, 'implicit-'));
    fsn.writeFileSync(path.join(d, 'foo.txt'), 'Hello world');
    await serving(stripPrefix('/bar/', fileServer(dir(d))), async (port) => {
      expect((await request(port, '/bar/')).body).toContain('>foo.txt<');
      expect((await request(port, '/bar/foo.txt')).body).toBe('Hello world');
    });
  });

  test('TestDirJoin: every spelling opens the same file, never above the root', async () => {
    if (!fsn.existsSync('/etc/hosts')) return;
    const want = fsn.statSync('/etc/hosts');
    const same = async (fsys: FileSystem, name: string): Promise<void> => {
      const f = await fsys.open(name);
      try {
        const fi = await f.stat();
        expect([name, fi.size, fi.isDir]).toEqual([name, want.size, false]);
      } finally {
        await f.close();
      }
    };
    for (const d of ['/etc/', '/etc']) for (const n of ['/hosts', 'hosts', '../../../../hosts']) await same(dir(d), n);
    for (const n of ['', '/', '../']) await same(dir('/etc/hosts'), n);
  });

  test('TestEmptyDirOpenCWD', async () => {
    const cwd = process.cwd();
    for (const d of ['', '.', './']) await (await dir(d).open('package.json')).close();
    expect(process.cwd()).toBe(cwd);
  });

  test('TestServeFileContentType: set, nil (no sniffing) and default (FS-60)', async () => {
    await serving((w, r) => {
      const o = r.url.query().get('override');
      if (o === '1') w.header().set('Content-Type', 'icecream/chocolate');
      if (o === '2') w.header().setRaw('Content-Type', []);
      return serveFile(w, r, path.join(tdir, 'file'));
    }, async (port) => {
      expect((await request(port, '/?override=0')).header('Content-Type')).toBe('text/plain; charset=utf-8');
      expect((await request(port, '/?override=1')).header('Content-Type')).toBe('icecream/chocolate');
      expect((await request(port, '/?override=2')).header('Content-Type')).toBeUndefined();
    });
  });

  test('TestServeFileMimeType, TestServeFileFromCWD', async () => {
    await serving((w, r) => serveFile(w, r, r.url.path === '/cwd' ? 'package.json' : path.join(tdir, 'style.css')), async (port) => {
      expect((await request(port, '/')).header('Content-Type')).toBe('text/css; charset=utf-8');
      const res = await request(port, '/cwd');
      expect([res.status, res.header('Content-Type')]).toEqual([200, 'application/json']);
    });
  });

  test('TestServeDirWithoutTrailingSlash', async () => {
    await serving((w, r) => serveFile(w, r, '.'), async (port) => {
      expect((await request(port, '/testdata')).header('Location')).toBe('testdata/');
    });
  });

  test('TestServeFileWithContentEncoding: no Content-Length from serveContent (FS-41)', async () => {
    await serving((w, r) => {
      w.header().set('Content-Encoding', 'foo');
      return serveFile(w, r, path.join(tdir, 'file')).then(() => newResponseController(w).flush());
    }, async (port) => {
      const res = await request(port, '/');
      expect([res.header('Content-Length'), res.header('Transfer-Encoding'), res.body]).toEqual([undefined, 'chunked', FILE]);
    });
  });

  test('TestServeFileNotModified (FS-55)', async () => {
    await serving((w, r) => {
      w.header().set('Content-Type', 'application/json');
      w.header().set('Content-Encoding', 'foo');
      w.header().set('Etag', '"123"');
      return serveFile(w, r, path.join(tdir, 'file')).then(() => newResponseController(w).flush());
    }, async (port) => {
      const res = await request(port, '/', { 'If-None-Match': '"123"' });
      expect([res.status, res.body, res.header('Content-Type'), res.header('Content-Encoding')]).toEqual([304, '', undefined, undefined]);
      expect(res.header('Content-Length')).toBeUndefined();
    });
  });

  test('TestServeIndexHtml, TestServeIndexHtmlFS: dir, fs(dirFS) and an FS handed to fileServer', async () => {
    const rel = path.basename(tdir);
    for (const h of [fileServer(dir(base)), fileServer(fs(dirFS(base))), fileServer(dirFS(base) as unknown as FileSystem)]) {
      await serving(h, async (port) => {
        expect((await request(port, `/${rel}/`)).body).toBe('index.html says hello\n');
        const res = await request(port, `/${rel}/index.html`);
        expect([res.status, res.header('Location')]).toEqual([301, './']);
      });
    }
  });

  test('TestFileServerZeroByte, TestFileServerNamesEscape', async () => {
    await serving(fileServer(dir(tdir)), async (port) => {
      const { text } = await exchange(port, 'GET /..\x00 HTTP/1.0\r\n\r\n');
      expect(parseReply(text).status).not.toBe(200);
      for (const p of ['/../testdata/file', '/NUL']) {
        const s = (await request(port, p)).status;
        expect(s >= 400 && s <= 599).toBe(true);
      }
    });
  });

  test('TestDirectoryIfNotModified: the index decides, not the directory', async () => {
    const fileMod = new Date(1e12);
    const indexFile: FakeInfo = { basename: 'index.html', modtime: fileMod, contents: 'I am a fake index.html file' };
    const m: Record<string, FakeInfo> = { '/': { dir: true, modtime: new Date(123000), ents: [indexFile] }, '/index.html': indexFile };
    await serving(fileServer(fakeFS(m)), async (port) => {
      const res = await request(port, '/');
      expect(res.body).toBe('I am a fake index.html file');
      const lastMod = res.header('Last-Modified')!;
      expect(lastMod).toBe(fileMod.toUTCString());
      expect((await request(port, '/', { 'If-Modified-Since': lastMod })).status).toBe(304);
      indexFile.modtime = new Date(fileMod.getTime() + 3600_000);
      expect((await request(port, '/', { 'If-Modified-Since': lastMod })).status).toBe(200);
    });
  });

  test('TestServerFileStatError: a stat refused for permission is 403', async () => {
    const fsys: FileSystem = {
      open: () => ({
        stat: () => {
          throw ErrPermission;
        },
        read: () => 0,
        readdir: () => [],
        close: () => undefined,
      }),
    };
    await serving((w, r) => serveFileFS(w, r, fsys, 'file.txt'), async (port) => {
      const res = await request(port, '/');
      expect([res.status, res.body]).toEqual([403, '403 Forbidden\n']);
    });
  });

  test('TestFileServerErrorMessages: fixed texts, success headers dropped (FS-4)', async () => {
    const eacces = Object.assign(new Error('EACCES: permission denied, open /x'), { code: 'EACCES' });
    const inner = fileServer(fakeFS({ '/500': { err: new Error('random error') }, '/403': { err: eacces } }));
    await serving((w, r) => {
      w.header().set('Etag', '\u00e9tude');
      w.header().set('Cache-Control', 'yes');
      w.header().set('Content-Type', 'awesome');
      w.header().set('Last-Modified', 'yesterday');
      return inner.serveHTTP(w, r);
    }, async (port) => {
      for (const [code, text] of [[403, '403 Forbidden'], [404, '404 page not found'], [500, '500 Internal Server Error']] as const) {
        const res = await request(port, `/${code}`);
        expect([res.status, res.body]).toEqual([code, text + '\n']);
        for (const k of ['Etag', 'Last-Modified', 'Cache-Control']) expect(res.header(k)).toBeUndefined();
        expect(res.header('Content-Type')).toBe('text/plain; charset=utf-8');
      }
    });
  });

  test('TestFileServerNotDirError: a file in the middle of a path is not-exist (FS-3)', async () => {
    fsn.writeFileSync(path.join(tdir, 'index.html.tmp'), 'x');
    for (const make of [(p: string) => dir(p), (p: string) => fs(dirFS(p))]) {
      await serving(fileServer(make(tdir)), async (port) => {
        expect((await request(port, '/index.html/not-a-file')).status).toBe(404);
      });
      for (const p of [tdir, path.relative(process.cwd(), tdir)]) {
        const fsys = make(p);
        for (const name of ['/index.html/not-a-file', '/index.html/not-a-dir/not-a-file']) {
          const err = await Promise.resolve(fsys.open(name)).then(() => null, (e: unknown) => e);
          expect(errorIs(err, ErrNotExist)).toBe(true);
        }
      }
    }
  });

  test('TestFileServerCleanPath: the opens and the code', async () => {
    const tests: Array<[string, number, string[]]> = [
      ['/', 200, ['/', '/index.html']],
      ['/dir', 301, ['/dir']],
      ['/dir/', 200, ['/dir', '/dir/index.html']],
    ];
    for (const [p, code, opens] of tests) {
      const log: string[] = [];
      const fsys: FileSystem = {
        open: (name) => {
          log.push(name);
          if (name === '/' || name === '/dir' || name === '/dir/') return dir('.').open('.');
          throw ErrNotExist;
        },
      };
      await serving(fileServer(fsys), async (port) => {
        expect((await request(port, p)).status).toBe(code);
      });
      expect(log).toEqual(opens);
    }
  });

  test('TestServeFileRejectsInvalidSuffixLengths', async () => {
    const tests: Array<[string, number, string]> = [
      ['bytes=--6', 416, 'invalid range\n'], ['bytes=--0', 416, 'invalid range\n'], ['bytes=---0', 416, 'invalid range\n'],
      ['bytes=-6', 206, 'hello\n'], ['bytes=6-', 206, 'html says hello\n'], ['bytes=-6-', 416, 'invalid range\n'],
      ['bytes=-0', 206, ''], ['bytes=', 200, 'index.html says hello\n'],
    ];
    // Go's client follows /index.html's redirect (FS-10) to "/" with the Range header; ask "/" directly.
    await serving(fileServer(dir(tdir)), async (port) => {
      expect((await request(port, '/index.html', { Range: 'bytes=-6' })).header('Location')).toBe('./');
      for (const [r, code, body] of tests) {
        const res = await request(port, '/', { Range: r });
        expect([r, res.status, res.body]).toEqual([r, code, body]);
      }
    });
    await serving((w, r) => serveFile(w, r, path.join(tdir, 'index.html')), async (port) => {
      for (const [r, code, body] of tests) {
        const res = await request(port, '/', { Range: r });
        expect([r, res.status, res.body]).toEqual([r, code, body]);
      }
    });
  });

  test('TestFileServerMethods', async () => {
    await serving(fileServer(dir(tdir)), async (port) => {
      for (const m of ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE']) {
        const res = await request(port, '/file', {}, m);
        expect([m, res.body, res.header('Content-Length')]).toEqual([m, m === 'HEAD' ? '' : FILE, '11']);
      }
    });
  });

  test('TestFileServerFS, TestServeFileFS over memFS (FS-1, FS-32)', async () => {
    const fsys = memFS({ 'index.html': 'index.html says hello' });
    await serving(fileServerFS(fsys), async (port) => {
      expect((await request(port, '/index.html')).status).toBe(301);
      expect((await request(port, '/')).body).toBe('index.html says hello');
    });
    await serving((w, r) => serveFileFS(w, r, fsys, 'index.html'), async (port) => {
      expect((await request(port, '/index.html')).status).toBe(301);
      expect((await request(port, '/x')).body).toBe('index.html says hello');
    });
  });

  test('TestServeFileZippingResponseWriter: a wrapping writer that changes the bytes', async () => {
    // A writer that upper-cases the body (standing in for gzip): Content-Encoding set, so no Content-Length.
    await serving((w, r) => {
      w.header().set('Content-Encoding', 'x-upper');
      const up: ResponseWriter = {
        header: () => w.header(),
        writeHeader: (c) => w.writeHeader(c),
        write: (d) => w.write(Buffer.from(Buffer.from(d).toString('latin1').toUpperCase(), 'latin1')),
        drained: () => w.drained(),
      };
      return serveFileFS(up, r, memFS({ 'index.html': 'contents will be sent' }), 'index.html');
    }, async (port) => {
      const res = await request(port, '/x');
      expect([res.body, res.header('Content-Length')]).toEqual(['CONTENTS WILL BE SENT', '21']);
    });
  });

  test('TestFileServerDirWithRootFile: a root that is a file is 500 (FS-12; bodies as Go 1.23 sends them)', async () => {
    const file = path.join(tdir, 'index.html');
    const cases: Array<[Handler, string]> = [
      // dir opens the file itself for "/": FileServer's own check.
      [fileServer(dir(file)), 'http: attempting to traverse a non-directory\n'],
      // dirFS opens "file/.", which fails (ENOTDIR) and is not a not-exist after the prefix check.
      [fileServerFS(dirFS(file)), '500 Internal Server Error\n'],
    ];
    for (const [h, body] of cases) {
      await serving(h, async (port) => {
        const res = await request(port, '/');
        expect([res.status, res.body]).toEqual([500, body]);
      });
    }
  });
});

describe('beyond Go’s tests', () => {
  test('names given as text: serveFile, serveFileFS and the FS types find café.txt, José/ and snow ☃ by their UTF-8 bytes', async () => {
    const mux = new ServeMux();
    mux.handleFunc('GET /sf/{name...}', (w, r) => serveFile(w, r, path.join(root, 'intl', r.pathValue('name'))));
    mux.handleFunc('GET /lit/', (w, r) => serveFile(w, r, `${root}/intl/café.txt`));
    const mem = memFS({ 'José/inner.txt': 'inside', 'snow ☃.txt': 'snow' });
    mux.handleFunc('GET /sfs/', (w, r) => serveFileFS(w, r, mem, 'José/inner.txt'));
    mux.handle('/mem/', stripPrefix('/mem', fileServer(mem)));
    mux.handle('/dir/', stripPrefix('/dir', fileServer(dir(path.join(root, 'intl')))));
    await serving(mux, async (port) => {
      for (const [target, status, body] of [
        ['/sf/caf%C3%A9.txt', 200, 'caf\xc3\xa9\n'],
        ['/sf/Jos%C3%A9/inner.txt', 200, 'inside Jos\xc3\xa9\n'],
        ['/sf/snow%20%E2%98%83.txt', 200, 'snow\n'],
        ['/lit/', 200, 'caf\xc3\xa9\n'],
        ['/sfs/', 200, 'inside'],
        ['/mem/snow%20%E2%98%83.txt', 200, 'snow'],
        ['/mem/Jos%C3%A9/inner.txt', 200, 'inside'],
        ['/dir/%F0%9F%98%80.txt', 200, 'emoji\n'],
      ] as const) {
        const res = await request(port, target);
        expect([target, res.status, res.body]).toEqual([target, status, body]);
      }
      const redirect = await request(port, '/mem/Jos%C3%A9');
      expect([redirect.status, redirect.header('Location')]).toEqual([301, 'Jos\xc3\xa9/']);
      const listing = await request(port, '/mem/');
      expect(listing.body).toContain('<a href="Jos%C3%A9/">Jos\xc3\xa9/</a>\n<a href="snow%20%E2%98%83.txt">snow \xe2\x98\x83.txt</a>');
    });
  });

  test('FS-24: a directory that cannot be read logs and answers 500, keeping Last-Modified', async () => {
    const fsys: FileSystem = {
      open: () => ({
        stat: () => ({ name: 'd', size: 0, modTime: TREE_TIME, isDir: true }),
        read: () => 0,
        readdir: () => Promise.reject(new Error('EIO: i/o error')),
        close: () => undefined,
      }),
    };
    await serving(fileServer(fsys), async (port, s) => {
      const res = await request(port, '/');
      expect([res.status, res.body, res.header('Last-Modified')]).toEqual([500, 'Error reading directory\n', 'Tue, 02 Jan 2024 03:04:05 GMT']);
      expect(s.logs).toEqual(['http: error reading directory: EIO: i/o error']);
    });
  });

  test('FS-23: a listing over 2048 bytes is chunked; names keep their bytes', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 200; i++) files[`file-${String(i).padStart(3, '0')}.txt`] = 'x';
    files['caf\u00e9.txt'] = 'y';
    await serving(fileServerFS(memFS(files)), async (port) => {
      const res = await request(port, '/');
      expect(res.header('Transfer-Encoding')).toBe('chunked');
      const lines = res.body.split('\n');
      expect(lines[3]).toBe('<a href="caf%C3%A9.txt">caf\u00c3\u00a9.txt</a>');
      expect(lines[4]).toBe('<a href="file-000.txt">file-000.txt</a>');
      expect(lines.length).toBe(3 + 201 + 2);
    });
  });

  test('every opened file is closed, whatever the reply', async () => {
    let open = 0;
    const inner = dir(root);
    const counting: FileSystem = {
      async open(name) {
        const f = await inner.open(name);
        open++;
        return { stat: () => f.stat(), read: (b, p) => f.read(b, p), readdir: () => f.readdir(), close: () => (open--, f.close()) };
      },
    };
    await serving(fileServer(counting), async (port) => {
      for (const [p, h] of [
        ['/hello.txt', {}], ['/sub/', {}], ['/sub', {}], ['/list/', {}], ['/hello.txt/', {}], ['/hello.txt', { Range: 'bytes=x' }],
        ['/hello.txt', { 'If-None-Match': '*' }], ['/hello.txt', { Range: 'bytes=0-1,3-4' }], ['/idxdir/', {}],
      ] as Array<[string, Record<string, string>]>) {
        await request(port, p, h);
        expect([p, open]).toEqual([p, 0]);
      }
    });
  });
});
