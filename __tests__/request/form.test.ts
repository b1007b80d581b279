/**
 * Forms against Go 1.23 itself: each request of __tests__/go-tables/form.json went through Go's ParseForm and
 * ParseMultipartForm; nethttp must fill form, postForm and the files identically and fail the same way.
 * Plus the Request API around them (formValue, postFormValue, formFile, multipartReader) and temp-file cleanup.
 */

import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ErrMissingFile, ErrNotMultipart, MultipartReader, ServeMux, bytesBody, errorIs, maxBytesReader, type Values } from '../../src/index';
import { newRecorder, newRequest, newServer } from '../../adapters/httptest';
import { httpSend } from '../adapters/carriers';
import { textOf } from '../../src/internal/text';

interface GoCase {
  Case: { Method: string; Target: string; ContentType: string; Body: string; MaxMemory: number };
  Form: Record<string, string[]> | null;
  PostForm: Record<string, string[]> | null;
  Files: [string, string, string, number, Record<string, string[]>][] | null;
  FormErr: string;
  MultipartErr: string;
  NotMultipart: boolean;
}
// The table holds Go's bytes, read one character per byte; a handler gets text, so expectations are decoded
// (textOf: UTF-8, a stray byte as U+DC80–U+DCFF).
const cases = (JSON.parse(readFileSync(path.join(__dirname, '..', 'go-tables', 'form.json'), 'latin1')) as { cases: GoCase[] }).cases;
function decoded<T>(v: T): T {
  if (typeof v === 'string') return textOf(v) as T;
  if (Array.isArray(v)) return v.map(decoded) as T;
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [textOf(k), decoded(x)])) as T;
  return v;
}

const obj = (v: Values | null): Record<string, string[]> => Object.fromEntries([...(v ?? [])].map(([k, vs]) => [k, [...vs]]));

describe('parseForm and parseMultipartForm agree with Go 1.23', () => {
  test.each(cases.map((c, i) => [i, `${c.Case.Method} ${c.Case.Target} ${c.Case.ContentType}`, c] as const))('#%i %s', async (_i, _n, c) => {
    const r = newRequest(c.Case.Method, textOf(c.Case.Target), Buffer.from(c.Case.Body, 'latin1'));
    if (c.Case.ContentType !== '') r.header.set('Content-Type', textOf(c.Case.ContentType));
    let formErr = '';
    try {
      await r.parseForm();
    } catch (e) {
      formErr = (e as Error).message;
    }
    let multipartErr = '';
    let notMultipart = false;
    if (c.Case.MaxMemory > 0) {
      try {
        await r.parseMultipartForm(c.Case.MaxMemory);
      } catch (e) {
        if (errorIs(e, ErrNotMultipart)) notMultipart = true;
        else multipartErr = (e as Error).message;
      }
    }
    expect({ formErr, multipartErr, notMultipart }).toEqual({ formErr: c.FormErr, multipartErr: c.MultipartErr, notMultipart: c.NotMultipart });
    expect(obj(r.form)).toEqual(decoded(c.Form ?? {}));
    expect(obj(r.postForm)).toEqual(decoded(c.PostForm ?? {}));
    const files: unknown[] = [];
    const mf = r.multipartForm;
    if (mf !== null) {
      for (const k of [...mf.file.keys()].sort()) {
        for (const fh of mf.file.get(k)!) {
          files.push([k, fh.filename, fh.header.get('Content-Type'), fh.size, Object.fromEntries(fh.header)]);
          const content = await fh.open().readAll();
          expect(content.length).toBe(fh.size);
        }
      }
      await mf.removeAll();
    }
    expect(files).toEqual(decoded(c.Files ?? []));
  });
});

describe('Request form API', () => {
  const body = ['--b', 'Content-Disposition: form-data; name="title"', '', 'hello', '--b',
    'Content-Disposition: form-data; name="doc"; filename="a.txt"', 'Content-Type: text/plain', '', 'x'.repeat(5000), '--b--', ''].join('\r\n');
  const multipart = () => {
    const r = newRequest('POST', '/?title=query&only=q', body);
    r.header.set('Content-Type', 'multipart/form-data; boundary=b');
    return r;
  };

  test('formValue parses on demand; multipart values come after the query (Go FormValue)', async () => {
    const r = multipart();
    expect(await r.formValue('title')).toBe('query');
    expect(await r.formValue('only')).toBe('q');
    expect(await r.postFormValue('title')).toBe('hello');
    expect(await r.postFormValue('only')).toBe('');
    expect(r.form!.values('title')).toEqual(['query', 'hello']);
  });

  test('formFile: in memory under maxMemory; ErrMissingFile otherwise', async () => {
    const r = multipart();
    const fh = await r.formFile('doc');
    expect([fh.filename, fh.size, fh.header.get('Content-Type')]).toEqual(['a.txt', 5000, 'text/plain']);
    expect((await fh.open().readAll()).toString()).toBe('x'.repeat(5000));
    await expect(r.formFile('nope')).rejects.toMatchObject({ code: 'ErrMissingFile' });
  });

  test('files past maxMemory are spooled to a temp file, removed with removeAll', async () => {
    const r = multipart();
    await r.parseMultipartForm(100);
    const fh = r.multipartForm!.file.get('doc')![0];
    expect(fh.tmpfile).not.toBe('');
    expect(existsSync(fh.tmpfile)).toBe(true);
    expect((await fh.open().readAll()).length).toBe(5000);
    await r.multipartForm!.removeAll();
    expect(existsSync(fh.tmpfile)).toBe(false);
  });

  test('multipartReader streams parts; then parseMultipartForm refuses (Go)', async () => {
    const r = multipart();
    const mr = r.multipartReader();
    expect(mr).toBeInstanceOf(MultipartReader);
    const names: [string, string, number][] = [];
    for (let p = await mr.nextPart(); p !== null; p = await mr.nextPart()) names.push([p.formName(), p.fileName(), (await p.readAll()).length]);
    expect(names).toEqual([['title', '', 5], ['doc', 'a.txt', 5000]]);
    await expect(r.parseMultipartForm(1 << 20)).rejects.toThrow('http: multipart handled by MultipartReader');
    expect(() => r.multipartReader()).toThrow('http: MultipartReader called twice');
  });

  test('a urlencoded body over 10 MB is refused (http: POST too large)', async () => {
    const r = newRequest('POST', '/', 'a=' + 'x'.repeat(10 << 20));
    r.header.set('Content-Type', 'application/x-www-form-urlencoded');
    await expect(r.parseForm()).rejects.toThrow('http: POST too large');
  });

  test('a maxBytesReader body is read to its own limit instead', async () => {
    const r = newRequest('POST', '/', 'a=12345');
    r.header.set('Content-Type', 'application/x-www-form-urlencoded');
    r.body = maxBytesReader(newRecorder(), r.body, 4);
    await expect(r.parseForm()).rejects.toThrow('http: request body too large');
  });

  test('the native server removes spooled files when the handler returns', async () => {
    let spooled = '';
    const mux = new ServeMux();
    mux.handleFunc('POST /up', async (w, r) => {
      await r.parseMultipartForm(10);
      spooled = r.multipartForm!.file.get('doc')![0].tmpfile;
      w.write(String(existsSync(spooled)));
    });
    const ts = await newServer(mux);
    try {
      const res = await httpSend(ts.listener.addr().port, { method: 'POST', path: '/up', body, headers: { 'content-type': 'multipart/form-data; boundary=b' } });
      expect(res.body.toString()).toBe('true');
      expect(spooled).not.toBe('');
      // Removed after the response went out (Go's finishRequest), so the client may read the reply first.
      for (let i = 0; i < 100 && existsSync(spooled); i++) await new Promise((r) => setTimeout(r, 20));
      expect(existsSync(spooled)).toBe(false);
    } finally {
      await ts.close();
    }
  });

  test('a part split across many small reads is reassembled', async () => {
    const bytes = Buffer.from(body);
    let i = 0;
    const src = bytesBody(bytes);
    const slow = { ...src, read: async () => (i < bytes.length ? bytes.subarray(i, (i += 3)) : null) };
    const mr = new MultipartReader(slow as typeof src, 'b');
    const form = await mr.readForm(1 << 20);
    expect(form.value.get('title')).toEqual(['hello']);
    expect(form.file.get('doc')![0].size).toBe(5000);
  });
});
