/**
 * Every documented handler that echoes its input runs here with non-ASCII input: the README, docs/*.md,
 * examples/*.ts and the TSDoc examples of src/ and adapters/ are searched for `handleFunc` and `handleExpress`
 * registrations whose handler reads a path value (or echoes the body); each handler is compiled from the text as
 * written, registered on a fresh mux and sent `José` (`Jos%C3%A9` in the path). The answer must carry `José`'s UTF-8
 * bytes — on the native server and through `inject` — never `JosÃ©`.
 */

import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import * as http from '../../src/index';
import { handleExpress } from '../../adapters/express';
import { inject, newServer } from '../../adapters/httptest';
import { httpSend } from '../adapters/carriers';

const root = path.join(__dirname, '..', '..');

interface Example {
  where: string;
  kind: 'handleFunc' | 'handleExpress';
  /** The pattern (handleFunc) or [method, Express path] (handleExpress). */
  args: string[];
  handler: string;
}

/** The text of every file that can hold documented code; in .ts files only their comments' code blocks count. */
function sources(): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const md = ['README.md', ...readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
  for (const f of md) out.push([f, readFileSync(path.join(root, f), 'utf8')]);
  for (const f of readdirSync(path.join(root, 'examples')).filter((x) => x.endsWith('.ts'))) {
    out.push([`examples/${f}`, readFileSync(path.join(root, 'examples', f), 'utf8')]);
  }
  const commented = (dir: string): void => {
    for (const e of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = `${dir}/${e.name}`;
      if (e.isDirectory()) commented(rel);
      else if (e.name.endsWith('.ts')) {
        // Code blocks of doc comments, with the comment's leading `*` removed.
        const text = readFileSync(path.join(root, rel), 'utf8');
        for (const m of text.matchAll(/\/\*\*([\s\S]*?)\*\//g)) {
          const body = m[1].replace(/^[ \t]*\* ?/gm, '');
          for (const b of body.matchAll(/```ts\n([\s\S]*?)```/g)) out.push([rel, b[1]]);
        }
      }
    }
  };
  commented('src');
  commented('adapters');
  return out;
}

/** Splits the top-level arguments of the call whose `(` is at `open`; null when it does not close. */
function callArgs(s: string, open: number): string[] | null {
  const args: string[] = [];
  let depth = 0;
  let start = open + 1;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (c === "'" || c === '"' || c === '`') {
      // Skip the string; template literals may nest `${…}`, which hold no quote of the same kind in these examples.
      const q = c;
      for (i++; i < s.length && s[i] !== q; i++) if (s[i] === '\\') i++;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0) {
        args.push(s.slice(start, i).trim());
        return args;
      }
    } else if (c === ',' && depth === 1) {
      args.push(s.slice(start, i).trim());
      start = i + 1;
    }
  }
  return null;
}

function examples(): Example[] {
  const found: Example[] = [];
  for (const [where, text] of sources()) {
    for (const m of text.matchAll(/\b(handleFunc|handleExpress)\(/g)) {
      const args = callArgs(text, m.index! + m[0].length - 1);
      if (args === null) continue;
      const kind = m[1] as Example['kind'];
      const handler = args[args.length - 1];
      const strings = args.slice(kind === 'handleFunc' ? 0 : 1, -1).map((a) => /^'([^']*)'$/.exec(a)?.[1]);
      if (strings.some((x) => x === undefined)) continue;
      // A handler that declines some values (fallThrough, or a thrown HTTPError) is not an echo of any input.
      const echoesPath = /pathValue\(/.test(handler) && !/fallThrough\(|new HTTPError\(/.test(handler) && strings.some((x) => /[{:]/.test(x!));
      const echoesBody = /readAll\(\)/.test(handler) && /w\.write\(body\)/.test(handler);
      if (echoesPath || echoesBody) found.push({ where, kind, args: strings as string[], handler });
    }
  }
  return found;
}

/** Compiles a handler's TypeScript text into a function, with the public API in scope as the examples use it. */
function compile(src: string): http.HandlerFunc {
  const js = ts.transpileModule(`__h = ${src};`, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS } }).outputText;
  const scope = { ...http };
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function('http', ...Object.keys(scope), `let __h; ${js}; return __h;`)(http, ...Object.values(scope)) as http.HandlerFunc;
}

const NAME = 'José';
const ESCAPED = encodeURIComponent(NAME);

/** Registers the example on a new mux; returns it with the request that feeds it non-ASCII text. */
function setUp(e: Example): { mux: http.ServeMux; method: string; target: string; body?: string } {
  const mux = new http.ServeMux();
  const fn = compile(e.handler);
  if (e.kind === 'handleExpress') {
    const [method, p] = e.args;
    handleExpress(mux, method as 'get', p, fn);
    const target = p.replace(/\{\/:(\w+)\}/g, '/' + ESCAPED).replace(/:(\w+)/g, ESCAPED);
    return { mux, method: method.toUpperCase(), target };
  }
  const pattern = e.args[0];
  mux.handleFunc(pattern, fn);
  const sp = pattern.indexOf(' ');
  const method = sp > 0 && !pattern.startsWith('/') ? pattern.slice(0, sp) : 'GET';
  const target = (sp > 0 ? pattern.slice(sp + 1) : pattern).replace(/\{\$\}/g, '').replace(/\{[^}]*\}/g, ESCAPED);
  return method === 'POST' ? { mux, method, target, body: `naïve ${NAME} ☃` } : { mux, method, target };
}

/** What the answer must contain: the name's UTF-8 bytes (or their hex, for the bytesOf example), or the body back. */
function check(body: Buffer, e: Example, sent?: string): void {
  if (sent !== undefined) {
    expect(body.equals(Buffer.from(sent))).toBe(true);
    return;
  }
  const utf8 = Buffer.from(NAME);
  const ok = body.includes(utf8) || body.toString('latin1').includes(utf8.toString('hex'));
  expect([e.where, ok, body.toString()]).toEqual([e.where, true, body.toString()]);
  expect(body.includes(Buffer.from('JosÃ©'))).toBe(false);
}

const all = examples();

test('the documented echo examples are found', () => {
  expect(all.length).toBeGreaterThanOrEqual(10);
  const where = new Set(all.map((e) => e.where));
  for (const f of ['README.md', 'docs/carriers.md', 'docs/testing.md', 'docs/express-migration.md', 'examples/express-api.ts',
    'adapters/node/index.ts', 'adapters/express/index.ts', 'src/mux/servemux.ts', 'src/internal/text.ts']) {
    expect([f, where.has(f)]).toEqual([f, true]);
  }
});

describe.each(all.map((e, i) => [`${e.where} #${i} ${e.args.join(' ')}`, e] as const))('%s', (_name, e) => {
  test('native server', async () => {
    const { mux, method, target, body } = setUp(e);
    const ts = await newServer(mux);
    try {
      const res = await httpSend(ts.listener.addr().port, { method, path: target, body });
      expect(res.status).toBe(200);
      check(res.body, e, body);
    } finally {
      await ts.close();
    }
  });
  test('inject', async () => {
    const { mux, method, target, body } = setUp(e);
    const res = await inject(mux, { method: method as 'GET', url: target, payload: body });
    expect(res.statusCode).toBe(200);
    check(res.rawPayload, e, body);
  });
});
