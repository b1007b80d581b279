/**
 * Re-records __tests__/file-server.golden.json from Go 1.23 (the oracle in __tests__/file-server-oracle/):
 *
 *   npx jest --testMatch '<rootDir>/__tests__/file-server.record.ts'
 *
 * needs Go 1.23: the `go` on PATH, or the binary named by the GO environment variable. Not part of `npm test`.
 */

import type { ChildProcess } from 'node:child_process';
import * as fsn from 'node:fs';
import * as path from 'node:path';
import { exchange, makeTree, mask, removeTree } from './file-server-util';
import { buildOracle, startOracle } from '../go-oracle';

/** Functional cases: [id, raw request] against the "mux" mode. */
function cases(): Array<[string, string]> {
  const get = (target: string, headers: Record<string, string> = {}, method = 'GET'): string => {
    let s = `${method} ${target} HTTP/1.1\r\nHost: example.com\r\n`;
    for (const [k, v] of Object.entries(headers)) s += `${k}: ${v}\r\n`;
    return s + 'Connection: close\r\n\r\n';
  };
  const out: Array<[string, string]> = [
    ['file-200', get('/hello.txt')],
    ['file-head', get('/hello.txt', {}, 'HEAD')],
    ['file-post', get('/hello.txt', {}, 'POST')],
    ['file-html', get('/page.html')],
    ['file-sniff-html', get('/noext')],
    ['file-sniff-binary', get('/data.unknownext')],
    ['file-sniff-unknown-ext', get('/x.unknown')],
    ['file-empty', get('/empty.txt')],
    ['file-css', get('/style.css')],
    ['file-upper-ext', get('/UPPER.TXT')],
    ['file-dotfile', get('/.hidden')],
    ['file-5000', get('/big.bin')],
    ['dir-redirect', get('/sub')],
    ['dir-redirect-query', get('/sub?x=1')],
    ['dir-index', get('/sub/')],
    ['dir-index-head', get('/sub/', {}, 'HEAD')],
    ['index-redirect', get('/sub/index.html')],
    ['index-redirect-query', get('/sub/index.html?q=1')],
    ['index-redirect-root', get('/index.html')],
    ['file-trailing-slash', get('/hello.txt/')],
    ['file-not-dir', get('/hello.txt/x')],
    ['not-found', get('/nope')],
    ['nul-500', get('/a%00b')],
    ['root-listing', get('/')],
    ['list', get('/list/')],
    ['list-head', get('/list/', {}, 'HEAD')],
    ['list-ims-304', get('/list/', { 'If-Modified-Since': 'Tue, 02 Jan 2024 03:04:05 GMT' })],
    ['list-ims-older', get('/list/', { 'If-Modified-Since': 'Tue, 02 Jan 2024 03:04:04 GMT' })],
    ['list-space-redirect', get('/list/a%20dir')],
    ['list-index-is-dir', get('/idxdir/')],
    ['symlink-file', get('/escape-link')],
    ['symlink-dir-listing', get('/dirlink/')],
    ['symlink-dir-file', get('/dirlink/linked.txt')],
    ['dotdot-dir-redirect', get('/sub/..')],
  ];
  const ranges: Array<[string, string]> = [
    ['0-4', 'bytes=0-4'], ['suffix-5', 'bytes=-5'], ['45-', 'bytes=45-'], ['40-1000', 'bytes=40-1000'], ['0-', 'bytes=0-'],
    ['items', 'items=0-1'], ['reversed', 'bytes=5-1'], ['abc', 'bytes=abc'], ['no-overlap', 'bytes=100-200'],
    ['too-much', 'bytes=0-30,10-40'], ['mixed-one-left', 'bytes=0-1, 100-200'], ['multi', 'bytes=0-1,4-5'],
    ['suffix-0', 'bytes=-0'], ['empty-spec', 'bytes='], ['dash-dash', 'bytes=--6'], ['first-and-suffix', 'bytes=0-0,-2'],
    ['spaces', 'bytes=   1 -2   ,  4- 5, 7 - 8 , ,,'], ['plus-sign', 'bytes=+5-7'], ['huge', 'bytes=0-99999999999999999999'],
    ['bytes-upper', 'Bytes=0-1'], ['overlap-multi', 'bytes=0-9,5-14,-3'],
  ];
  for (const [id, v] of ranges) out.push([`range-${id}`, get('/hello.txt', { Range: v })]);
  out.push(['range-head', get('/hello.txt', { Range: 'bytes=0-4' }, 'HEAD')]);
  out.push(['range-head-multi', get('/hello.txt', { Range: 'bytes=0-1,4-5' }, 'HEAD')]);
  out.push(['range-empty-file', get('/empty.txt', { Range: 'bytes=0-128' })]);
  out.push(['range-empty-file-1', get('/empty.txt', { Range: 'bytes=1-' })]);
  out.push(['range-post', get('/hello.txt', { Range: 'bytes=0-1' }, 'POST')]);
  out.push(['range-big', get('/big.bin', { Range: 'bytes=100-4999' })]);
  out.push(['range-multi-big', get('/big.bin', { Range: 'bytes=0-2999,1000-1999' })]);
  out.push(['range-sniffed-multi', get('/noext', { Range: 'bytes=0-1,3-4' })]);
  const T = 'Tue, 02 Jan 2024 03:04:05 GMT';
  const T1 = 'Tue, 02 Jan 2024 03:04:04 GMT';
  const conds: Array<[string, Record<string, string>, string?]> = [
    ['ims-equal', { 'If-Modified-Since': T }],
    ['ims-later', { 'If-Modified-Since': 'Wed, 03 Jan 2024 00:00:00 GMT' }],
    ['ims-earlier', { 'If-Modified-Since': T1 }],
    ['ims-garbage', { 'If-Modified-Since': 'garbage' }],
    ['ims-rfc850', { 'If-Modified-Since': 'Tuesday, 02-Jan-24 03:04:05 GMT' }],
    ['ims-ansic', { 'If-Modified-Since': 'Tue Jan  2 03:04:05 2024' }],
    ['ims-post', { 'If-Modified-Since': T }, 'POST'],
    ['ims-head', { 'If-Modified-Since': T }, 'HEAD'],
    ['ius-equal', { 'If-Unmodified-Since': T }],
    ['ius-earlier', { 'If-Unmodified-Since': T1 }],
    ['ius-garbage', { 'If-Unmodified-Since': 'nope' }],
    ['inm-star', { 'If-None-Match': '*' }],
    ['inm-star-put', { 'If-None-Match': '*' }, 'PUT'],
    ['inm-other', { 'If-None-Match': '"x"' }],
    ['inm-other-ims-equal', { 'If-None-Match': '"x"', 'If-Modified-Since': T }],
    ['im-star', { 'If-Match': '*' }],
    ['im-other', { 'If-Match': '"x"' }],
    ['im-malformed', { 'If-Match': 'x' }],
    ['im-star-ius-earlier', { 'If-Match': '*', 'If-Unmodified-Since': T1 }],
    ['ir-date-equal', { Range: 'bytes=0-4', 'If-Range': T }],
    ['ir-date-earlier', { Range: 'bytes=0-4', 'If-Range': T1 }],
    ['ir-etag-nomatch', { Range: 'bytes=0-4', 'If-Range': '"x"' }],
    ['ir-garbage', { Range: 'bytes=0-4', 'If-Range': 'garbage' }],
    ['ir-post', { Range: 'bytes=0-4', 'If-Range': T1 }, 'POST'],
  ];
  for (const [id, h, m] of conds) out.push([`cond-${id}`, get('/hello.txt', h, m ?? 'GET')]);

  // ServeContent with caller-set headers, through /_content/?h=Key:Value&name=&mod=&nilct=1&body=.
  const c = (q: string, headers: Record<string, string> = {}, method = 'GET'): string => get('/_content/?' + q, headers, method);
  const E = 'h=Etag:%22abc%22';
  const WE = 'h=Etag:W/%22abc%22';
  const M = 'mod=1704164645';
  out.push(
    ['content-plain', c('name=hello.txt&' + M)],
    ['content-etag', c(`name=hello.txt&${M}&${E}`)],
    ['content-no-name-sniff', c('')],
    ['content-zero-mod-ims', c('name=a.txt', { 'If-Modified-Since': T })],
    ['content-epoch-mod', c('name=a.txt&mod=0', { 'If-Modified-Since': T })],
    ['content-epoch-if-range', c('name=a.txt&mod=0', { Range: 'bytes=0-1', 'If-Range': 'Thu, 01 Jan 1970 00:00:00 GMT' })],
    ['content-zero-if-range', c('name=a.txt', { Range: 'bytes=0-1', 'If-Range': 'Thu, 01 Jan 1970 00:00:00 GMT' })],
    ['content-inm-match', c(`name=a.txt&${M}&${E}&h=Cache-Control:max-age=60`, { 'If-None-Match': '"abc"' })],
    ['content-inm-weak', c(`name=a.txt&${M}&${E}`, { 'If-None-Match': 'W/"abc"' })],
    ['content-inm-list', c(`name=a.txt&${M}&${E}`, { 'If-None-Match': '"x", "abc"' })],
    ['content-inm-malformed-first', c(`name=a.txt&${M}&${E}`, { 'If-None-Match': 'x, "abc"' })],
    ['content-inm-comma', c(`name=a.txt&${M}&${E}`, { 'If-None-Match': ',' })],
    ['content-inm-put', c(`name=a.txt&${M}&${E}`, { 'If-None-Match': '"abc"' }, 'PUT')],
    ['content-inm-weak-etag', c(`name=a.txt&${WE}`, { 'If-None-Match': '"baz", W/"abc"' })],
    ['content-im-match', c(`name=a.txt&${M}&${E}`, { 'If-Match': '"abc"' })],
    ['content-im-list', c(`name=a.txt&${M}&${E}`, { 'If-Match': '"z", "abc"' })],
    ['content-im-fail', c(`name=a.txt&${M}&${E}`, { 'If-Match': '"zzz"' })],
    ['content-im-weak', c(`name=a.txt&${M}&${WE}`, { 'If-Match': 'W/"abc"' })],
    ['content-im-true-ius-false', c(`name=a.txt&${M}&${E}`, { 'If-Match': '"abc"', 'If-Unmodified-Since': T1 })],
    ['content-im-false-ius-true', c(`name=a.txt&${M}&${E}`, { 'If-Match': '"zzz"', 'If-Unmodified-Since': T })],
    ['content-ir-etag', c(`name=a.txt&${M}&${E}`, { Range: 'bytes=0-4', 'If-Range': '"abc"' })],
    ['content-ir-etag-other', c(`name=a.txt&${M}&${E}`, { Range: 'bytes=0-4', 'If-Range': '"zzz"' })],
    ['content-ir-weak', c(`name=a.txt&${M}&${WE}`, { Range: 'bytes=0-4', 'If-Range': 'W/"abc"' })],
    ['content-nil-ct', c('name=a.txt&nilct=1')],
    ['content-nil-ct-multi', c('name=a.txt&nilct=1', { Range: 'bytes=0-1,4-5' })],
    ['content-set-ct', c('name=a.txt&h=Content-Type:icecream/chocolate')],
    ['content-encoding', c('name=a.txt&h=Content-Encoding:gzip')],
    ['content-encoding-range', c('name=a.txt&h=Content-Encoding:gzip', { Range: 'bytes=0-4' })],
    ['content-416-drops-headers', c(`name=a.txt&${M}&${E}&h=Cache-Control:immutable&h=Content-Encoding:gzip&h=Other:test`, { Range: 'bytes=100-200' })],
    ['content-416-invalid', c(`name=a.txt&${M}&${E}`, { Range: 'bytes=x' })],
    ['content-412-headers', c(`name=a.txt&${M}&${E}&h=Content-Type:text/x-custom`, { 'If-Match': '"zzz"' })],
    ['content-304-keeps-ct-deleted', c(`name=a.txt&${M}&h=Content-Type:text/x-custom&h=Content-Encoding:gzip`, { 'If-Modified-Since': T })],
    ['content-empty-body-ranges', c('name=a.txt&body=', { Range: 'bytes=0-0' })],
    ['content-css-name', c('name=dir/x.CSS')],
  );
  // ServeFile / ServeFileFS / FileServerFS / StripPrefix.
  out.push(
    ['servefile', get('/_servefile/?f=hello.txt')],
    ['servefile-dotdot', get('/_servefile/..%2f?f=hello.txt')],
    ['servefile-dotdot-backslash', get('/_servefile/..%5c?f=hello.txt')],
    ['servefile-dir-index', get('/_servefile/?f=sub')],
    ['servefile-dir-redirect', get('/_servefile/x?f=sub')],
    ['servefile-dir-listing', get('/_servefile/?f=list')],
    ['servefile-trailing-slash-file', get('/_servefile/?f=hello.txt/')],
    ['servefile-index-redirect', get('/_servefile/index.html?f=hello.txt')],
    ['servefile-missing', get('/_servefile/?f=missing.txt')],
    ['servefilefs', get('/_servefilefs/?f=hello.txt')],
    ['servefilefs-dir', get('/_servefilefs/?f=sub')],
    ['servefilefs-dot', get('/_servefilefs/?f=.')],
    ['servefilefs-invalid', get('/_servefilefs/?f=../secret.txt')],
    ['fsfs-file', get('/_fsfs/hello.txt')],
    ['fsfs-dir-redirect', get('/_fsfs/sub')],
    ['fsfs-dir-index', get('/_fsfs/sub/')],
    ['fsfs-root', get('/_fsfs/')],
    ['fsfs-nul', get('/_fsfs/a%00b')],
    ['fsfs-not-dir', get('/_fsfs/hello.txt/x')],
    ['fsfs-symlink', get('/_fsfs/escape-link')],
    ['fsfs-range', get('/_fsfs/hello.txt', { Range: 'bytes=0-1,4-5' })],
    ['static-dir-redirect', get('/_static/sub')],
    ['static-file', get('/_static/hello.txt')],
    ['static-index-redirect', get('/_static/sub/index.html')],
  );
  // Names beyond ASCII: found by their UTF-8 bytes (escaped or raw in the target), listed and escaped as Go does.
  out.push(
    ['intl-listing', get('/intl/')],
    ['intl-file', get('/intl/caf%C3%A9.txt')],
    ['intl-file-raw-target', get('/intl/caf\xc3\xa9.txt')],
    ['intl-dir-redirect', get('/intl/Jos%C3%A9')],
    ['intl-dir-listing', get('/intl/Jos%C3%A9/')],
    ['intl-dir-file', get('/intl/Jos%C3%A9/inner.txt')],
    ['intl-snow', get('/intl/snow%20%E2%98%83.txt')],
    ['intl-emoji', get('/intl/%F0%9F%98%80.txt')],
    ['intl-not-utf8-500', get('/intl/x%FF.txt')],
    ['intl-file-trailing-slash', get('/intl/caf%C3%A9.txt/')],
    ['intl-servefile', get('/_servefile/?f=intl/caf%C3%A9.txt')],
    ['intl-servefile-dir', get('/_servefile/x?f=intl/Jos%C3%A9')],
    ['intl-servefilefs', get('/_servefilefs/?f=intl/Jos%C3%A9/inner.txt')],
    ['intl-servefilefs-not-utf8', get('/_servefilefs/?f=intl/x%FF.txt')],
    ['intl-fsfs', get('/_fsfs/intl/snow%20%E2%98%83.txt')],
    ['intl-fsfs-listing', get('/_fsfs/intl/')],
    ['intl-static', get('/_static/intl/caf%C3%A9.txt')],
    ['intl-static-redirect', get('/_static/intl/Jos%C3%A9')],
  );
  return out;
}

/** Hostile request-targets for the traversal corpus (each sent as `GET <target> HTTP/1.1`). */
export function traversalTargets(): string[] {
  return [
    '/../secret.txt', '/../../secret.txt', '/../../../../../../../../etc/passwd', '/%2e%2e/secret.txt',
    '/%2e%2e/%2e%2e/etc/passwd', '/%2E%2E/secret.txt', '/..%2fsecret.txt', '/..%2Fsecret.txt', '/%2e%2e%2fsecret.txt',
    '/%2e%2e%5csecret.txt', '/..%5csecret.txt', '/..%5c..%5csecret.txt', '\\..\\secret.txt', '/\\..\\secret.txt',
    '/..\\secret.txt', '/%00', '/%00../secret.txt', '/hello.txt%00.html', '/..%00/secret.txt', '/%252e%252e/secret.txt',
    '/%252e%252e%252fsecret.txt', '/..%252fsecret.txt', '/%c0%ae%c0%ae/secret.txt', '/%c0%af..%c0%afsecret.txt',
    '/%e0%80%ae%e0%80%ae/secret.txt', '/%c1%9c..%c1%9csecret.txt', '/..%c0%afsecret.txt',
    'http://example.com/../secret.txt', 'http://example.com/%2e%2e/secret.txt', 'http://example.com/..%2f..%2fsecret.txt',
    '//../secret.txt', '/./../secret.txt', '/sub/../../secret.txt', '/sub/%2e%2e/%2e%2e/secret.txt',
    '/dirlink/../secret.txt', '/dirlink/../../secret.txt', '/dirlink/%2e%2e/outside/secret.txt',
    '/dirlink/..%2foutside%2fsecret.txt', '/escape-link/../secret.txt', '/.../secret.txt', '/..../secret.txt',
    '/..;/secret.txt', '/%2e%2e;/secret.txt', '/..%u2216secret.txt', '/%%32%65%%32%65/secret.txt',
    '/%2e%2e%2f%2e%2e%2fetc%2fpasswd', '/../outside/secret.txt', '/%2e%2e/outside/secret.txt',
    '/./.././outside/./secret.txt', '/sub/./../../outside/secret.txt', '/..%2f..%2f..%2f..%2fetc%2fpasswd',
    '/%2f..%2fsecret.txt', '/..%09/secret.txt', '/%20../secret.txt', '/..%20/secret.txt', '*',
    '/hello.txt/..%2f..%2fsecret.txt', '/%2e%2e%00/secret.txt', '/%ef%bc%8e%ef%bc%8e/secret.txt',
    '/..%ef%bc%8fsecret.txt', '/%2e./secret.txt', '/.%2e/secret.txt', '/../root/hello.txt', '/sub/..', '/%2e%2e',
    '/..', '/../', '/%2e%2e%2f', '/dirlink/..%2f..%2fsecret.txt', '/..%2f.hidden', '/etc/passwd',
    'http://example.com/../../etc/passwd', '/.%2e/.%2e/etc/passwd', '/%5c..%5csecret.txt',
  ];
}

/** Raw requests that are hostile as a whole message rather than as a target. */
export function traversalRaw(): Array<[string, string]> {
  return [
    ['raw-nul-http10', 'GET /..\x00 HTTP/1.0\r\n\r\n'],
    ['raw-dotdot-http10', 'GET /../secret.txt HTTP/1.0\r\n\r\n'],
    ['raw-nul-in-name', 'GET /secret.txt\x00 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'],
    ['raw-space-target', 'GET /.. /secret.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'],
    ['raw-tab-dotdot', 'GET /..\t/secret.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'],
  ];
}

function oracle(root: string, mode: string, bin: string): Promise<{ child: ChildProcess; port: number }> {
  return startOracle(bin, ['-root', root, '-mode', mode]);
}

test('record goldens from Go', async () => {
  const bin = buildOracle('file-server-oracle');
  const base = makeTree();
  const root = path.join(base, 'root');
  const golden: {
    cases: Array<{ id: string; request: string; response: string }>;
    traversal: Array<{ target: string; raw?: string; status: Record<string, number> }>;
  } = { cases: [], traversal: [] };
  try {
    const mux = await oracle(root, 'mux', bin);
    for (const [id, request] of cases()) {
      const { text } = await exchange(mux.port, request);
      golden.cases.push({ id, request, response: mask(text) });
    }
    mux.child.kill();
    const modes: Record<string, number> = {};
    const kids: ChildProcess[] = [];
    for (const mode of ['bare', 'mux', 'barefs']) {
      const o = await oracle(root, mode, bin);
      kids.push(o.child);
      modes[mode] = o.port;
    }
    const statusOf = (t: string): number => Number(/^HTTP\/1\.[01] (\d{3})/.exec(t)?.[1] ?? 0);
    for (const target of traversalTargets()) {
      const status: Record<string, number> = {};
      for (const [mode, port] of Object.entries(modes)) {
        const { text } = await exchange(port, `GET ${target} HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n`);
        status[mode] = statusOf(text);
      }
      golden.traversal.push({ target, status });
    }
    for (const [id, raw] of traversalRaw()) {
      const status: Record<string, number> = {};
      for (const [mode, port] of Object.entries(modes)) status[mode] = statusOf((await exchange(port, raw)).text);
      golden.traversal.push({ target: id, raw, status });
    }
    for (const k of kids) k.kill();
  } finally {
    removeTree(base);
  }
  fsn.writeFileSync(path.join(__dirname, '..', 'file-server.golden.json'), JSON.stringify(golden, null, 1) + '\n');
}, 120_000);
