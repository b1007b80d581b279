/**
 * Helpers for the file-server tests: the test tree of spec/fileserver.md (plus hostile neighbours for the traversal
 * corpus), a native server on 127.0.0.1:0, raw request/response exchange and Go-style masking of replies.
 */

import * as fsn from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Server, listen, type HandlerLike, type Listener } from '../../src';

/** The modification time of every file of the tree (FS test tree: `Tue, 02 Jan 2024 03:04:05 GMT`). */
export const TREE_TIME = new Date('2024-01-02T03:04:05Z');
export const HELLO = 'Hello, World! 0123456789abcdefghijklmnopqrstuvwxyz';
/** Content of the file outside the root that no request may ever see. */
export const SECRET = 'TOP-SECRET-7f3a9c51-never-served';
/** Content of a file outside the root reachable only through a symbolic link inside it (served, as in Go). */
export const LINKED = 'linked-outside-file';

/** Files of the tree, relative to the base directory; the served root is `root/`. */
const files: Record<string, string | Buffer> = {
  'secret.txt': SECRET,
  'outside/secret.txt': SECRET,
  'linked/linked.txt': LINKED,
  'root/hello.txt': HELLO,
  'root/page.html': '<p>page</p>\n',
  'root/noext': '<html>sniffed',
  'root/data.unknownext': Buffer.from([0x00, 0x01, 0x02, 0xff, 0xfe, 0x10, 0x20]),
  'root/x.unknown': '<html><body>x</body></html>',
  'root/empty.txt': '',
  'root/style.css': 'body {}\n',
  'root/UPPER.TXT': 'upper case extension\n',
  'root/.hidden': 'dot file\n',
  'root/sub/index.html': 'index.html says hello\n',
  'root/sub/other.txt': 'other\n',
  'root/list/Z.txt': 'z',
  'root/list/b.txt': 'b',
  'root/list/a dir/inner.txt': 'inner',
  'root/list/<tag>&.txt': 't',
  'root/list/c:d': 'c',
  'root/list/q?#.txt': 'q',
  'root/list/it\'s "q" 100%.txt': 'i',
  'root/list/caf\u00e9.txt': 'cafe',
  'root/idxdir/index.html/inside.txt': 'index.html is a directory here',
  'root/big.bin': Buffer.alloc(5000, 'x'),
  // Names that are text beyond ASCII (written as their UTF-8 bytes), and a bare name that sorts before `a-b.txt`
  // though `a/` would not.
  'root/intl/café.txt': 'café\n',
  'root/intl/José/inner.txt': 'inside José\n',
  'root/intl/snow ☃.txt': 'snow\n',
  'root/intl/😀.txt': 'emoji\n',
  'root/intl/\uff21.txt': 'fullwidth A\n',
  'root/intl/a-b.txt': 'a-b\n',
  'root/intl/a/x.txt': 'x\n',
};

/** Files whose names are not UTF-8, as raw bytes relative to the base directory. */
const rawNames: Array<[Buffer, string]> = [[Buffer.from('root/intl/x\xff.txt', 'latin1'), 'not utf-8\n']];

/** Creates the tree under a new temporary directory; returns its base (the served root is `base/root`). */
export function makeTree(): string {
  const base = fsn.mkdtempSync(path.join(os.tmpdir(), 'nethttp-fs-'));
  const dirs = new Set<string>([base]);
  for (const [rel, data] of Object.entries(files)) {
    const p = path.join(base, rel);
    fsn.mkdirSync(path.dirname(p), { recursive: true });
    for (let d = path.dirname(p); d.startsWith(base); d = path.dirname(d)) dirs.add(d);
    fsn.writeFileSync(p, data);
    fsn.utimesSync(p, TREE_TIME, TREE_TIME);
  }
  for (const [rel, data] of rawNames) {
    const p = Buffer.concat([Buffer.from(base + '/'), rel]);
    fsn.writeFileSync(p, data);
    fsn.utimesSync(p, TREE_TIME, TREE_TIME);
  }
  // Symbolic links inside the root pointing out of it: followed, as Go's Dir does (FS-2).
  fsn.symlinkSync('../linked/linked.txt', path.join(base, 'root', 'escape-link'));
  fsn.symlinkSync('../linked', path.join(base, 'root', 'dirlink'));
  for (const d of [...dirs].sort((a, b) => b.length - a.length)) fsn.utimesSync(d, TREE_TIME, TREE_TIME);
  return base;
}

export function removeTree(base: string): void {
  fsn.rmSync(base, { recursive: true, force: true });
}

export interface Running {
  port: number;
  logs: string[];
  close(): Promise<void>;
}

/** Starts a native server with `handler` on 127.0.0.1:0. */
export async function start(handler: HandlerLike): Promise<Running> {
  const logs: string[] = [];
  const srv = new Server({ handler, errorLog: { error: (m: string) => logs.push(m) } });
  const ln: Listener = await listen('tcp', '127.0.0.1:0');
  const served = srv.serve(ln);
  served.catch(() => undefined);
  return {
    port: ln.addr().port,
    logs,
    close: async () => {
      await srv.close();
    },
  };
}

/** Sends raw bytes (latin1) on a new connection and collects the reply until close or `idleMs` of silence. */
export function exchange(port: number, data: string, idleMs = 1500): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let timer: NodeJS.Timeout | undefined;
    let finished = false;
    const done = (closed: boolean): void => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      s.destroy();
      resolve({ text: Buffer.concat(chunks).toString('latin1'), closed });
    };
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => done(false), idleMs);
    };
    s.on('data', (d: Buffer) => {
      chunks.push(d);
      arm();
    });
    s.on('end', () => done(true));
    s.on('close', () => done(true));
    s.on('error', () => done(true));
    s.on('connect', () => {
      s.write(data, 'latin1');
      arm();
    });
  });
}

export interface Reply {
  status: number;
  /** Header lines in wire order. */
  lines: [string, string][];
  header(name: string): string | undefined;
  /** The body, de-chunked, as a binary string. */
  body: string;
  raw: string;
}

/** Parses one HTTP/1.1 reply (Content-Length, chunked or read-to-close framing); `head` for a HEAD request. */
export function parseReply(raw: string, head = false): Reply {
  const end = raw.indexOf('\r\n\r\n');
  if (end === -1) throw new Error(`no head in ${JSON.stringify(raw.slice(0, 200))}`);
  const headLines = raw.slice(0, end).split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(headLines[0])?.[1] ?? NaN);
  const lines = headLines.slice(1).map((l): [string, string] => {
    const i = l.indexOf(':');
    return [l.slice(0, i), l.slice(i + 1).trim()];
  });
  const header = (name: string): string | undefined => lines.find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
  let rest = raw.slice(end + 4);
  let body = '';
  if (head || status === 304 || status === 204) {
    body = '';
  } else if (header('Transfer-Encoding') === 'chunked') {
    for (;;) {
      const i = rest.indexOf('\r\n');
      const n = parseInt(rest.slice(0, i), 16);
      if (!(n > 0)) break;
      body += rest.slice(i + 2, i + 2 + n);
      rest = rest.slice(i + 2 + n + 2);
    }
  } else if (header('Content-Length') !== undefined) {
    body = rest.slice(0, Number(header('Content-Length')));
  } else {
    body = rest;
  }
  return { status, lines, header, body, raw };
}

/** A GET (or `method`) of `target` with `headers`, on its own connection that closes after the reply. */
export async function request(port: number, target: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Reply> {
  let req = `${method} ${target} HTTP/1.1\r\nHost: example.com\r\n`;
  for (const [k, v] of Object.entries(headers)) req += `${k}: ${v}\r\n`;
  req += 'Connection: close\r\n\r\n';
  const { text } = await exchange(port, req);
  return parseReply(text, method === 'HEAD');
}

/** Masks what differs from run to run: the Date value and the multipart boundary (60 random hex digits). */
export function mask(raw: string): string {
  let out = raw.replace(/\r\nDate: [^\r]*\r\n/, '\r\nDate: <DATE>\r\n');
  const b = /boundary=([0-9a-f]{60})\r\n/.exec(out);
  if (b !== null) out = out.split(b[1]).join('<BOUNDARY>');
  return out;
}
