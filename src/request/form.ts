/**
 * Forms: the query and `application/x-www-form-urlencoded` or `multipart/form-data` bodies parsed into
 * `Request.form`, `postForm` and `multipartForm` (Go's `Request.ParseForm`, `ParseMultipartForm` and friends).
 * @module
 * Not part of the public API (its declarations are left out of the published types).
 */

import { textOfBytes } from '../internal/text';
import { ErrBodyConsumed, ErrMissingBoundary, ErrMissingFile, ErrNotMultipart, NetHTTPError, errorIs, fresh } from '../errors';
import { parseMediaType, MediaParameterError } from './media-type';
import { MultipartReader, type FileHeader, type MultipartForm } from './multipart';
import type { Body } from './body';
import type { Header } from '../header';
import { parseQuery, Values } from './url';

/** Go's `defaultMaxMemory` for `formValue` and `formFile`: 32 MiB. */
export const defaultMaxMemory = 32 << 20;
const maxFormSize = 10 << 20; // "10 MB is a lot of text."

/** Marks a request whose body is read by `multipartReader()` (Go's multipartByReader). */
export const multipartByReader = Object.freeze({}) as unknown as MultipartForm;

/**
 * The parts of a Request the form parsers read and fill. Structural, so that request.ts (which calls these parsers
 * from its methods) stays above this module instead of in a circle with it.
 */
export interface FormTarget {
  readonly method: string;
  readonly header: Header;
  readonly body: Body;
  readonly url: { readonly rawQuery: string };
  form: Values | null;
  postForm: Values | null;
  multipartForm: MultipartForm | null;
}

function formError(message: string): NetHTTPError {
  return new NetHTTPError('FormError', message);
}

async function parsePostForm(r: FormTarget): Promise<{ vs: Values | null; err: Error | null }> {
  let ct = r.header.get('Content-Type');
  if (ct === '') ct = 'application/octet-stream';
  let err: Error | null = null;
  let mediaType = '';
  try {
    mediaType = parseMediaType(ct).mediaType;
  } catch (e) {
    err = e as Error;
    if (e instanceof MediaParameterError) mediaType = e.mediaType;
  }
  if (mediaType !== 'application/x-www-form-urlencoded') return { vs: null, err };
  // A body already limited by maxBytesReader is read to its own limit; others stop past 10 MB.
  const limited = isMaxBytes(r);
  const parts: Buffer[] = [];
  let n = 0;
  try {
    for (let b = await r.body.read(65536); b !== null; b = await r.body.read(65536)) {
      n += b.length;
      parts.push(b);
      if (!limited && n > maxFormSize) return { vs: null, err: formError('http: POST too large') };
    }
  } catch (e) {
    return { vs: null, err: err ?? (e as Error) };
  }
  const q = parseQuery(textOfBytes(Buffer.concat(parts, n)));
  return { vs: q.values, err: err ?? q.err };
}

function isMaxBytes(r: FormTarget): boolean {
  return (r.body as { maxBytes?: boolean }).maxBytes === true;
}

function copyValues(dst: Values, src: Values): void {
  for (const [k, vs] of src) for (const v of vs) dst.add(k, v);
}

/** @internal Go's ParseForm; returns the error instead of throwing (the maps are filled either way). */
export async function parseForm(r: FormTarget): Promise<Error | null> {
  let err: Error | null = null;
  if (r.postForm === null) {
    if (r.method === 'POST' || r.method === 'PUT' || r.method === 'PATCH') {
      const got = await parsePostForm(r);
      r.postForm = got.vs;
      err = got.err;
    }
    r.postForm ??= new Values();
  }
  if (r.form === null) {
    let form: Values | null = null;
    if (r.postForm.size > 0) {
      form = new Values();
      copyValues(form, r.postForm);
    }
    const q = parseQuery(r.url.rawQuery);
    err ??= q.err;
    if (form === null) form = q.values;
    else copyValues(form, q.values);
    r.form = form;
  }
  return err;
}

function multipartReaderFor(r: FormTarget, allowMixed: boolean): MultipartReader {
  const v = r.header.get('Content-Type');
  if (v === '') throw fresh(ErrNotMultipart);
  let d;
  try {
    d = parseMediaType(v);
  } catch {
    throw fresh(ErrNotMultipart);
  }
  if (!(d.mediaType === 'multipart/form-data' || (allowMixed && d.mediaType === 'multipart/mixed'))) throw fresh(ErrNotMultipart);
  const boundary = d.params.get('boundary');
  if (boundary === undefined) throw fresh(ErrMissingBoundary);
  return new MultipartReader(r.body, boundary);
}

/** @internal Go's ParseMultipartForm; throws what Go returns, except ParseForm's error, which it returns. */
export async function parseMultipartForm(r: FormTarget, maxMemory: number): Promise<Error | null> {
  if (r.multipartForm === multipartByReader) throw formError('http: multipart handled by MultipartReader');
  let parseFormErr: Error | null = null;
  if (r.form === null) parseFormErr = await parseForm(r);
  if (r.multipartForm !== null) return null;
  const mr = multipartReaderFor(r, false);
  const f = await mr.readForm(maxMemory);
  r.postForm ??= new Values();
  for (const [k, vs] of f.value) {
    for (const v of vs) {
      r.form!.add(k, v);
      r.postForm.add(k, v);
    }
  }
  r.multipartForm = f;
  return parseFormErr;
}

/** @internal Go's MultipartReader. */
export function multipartReader(r: FormTarget): MultipartReader {
  if (r.multipartForm === multipartByReader) throw formError('http: MultipartReader called twice');
  if (r.multipartForm !== null) throw formError('http: multipart handled by ParseMultipartForm');
  r.multipartForm = multipartByReader;
  return multipartReaderFor(r, true);
}

/** @internal Go's FormFile: the first file of `key`. */
export async function formFile(r: FormTarget, key: string): Promise<FileHeader> {
  if (r.multipartForm === multipartByReader) throw formError('http: multipart handled by MultipartReader');
  if (r.multipartForm === null) {
    const err = await parseMultipartForm(r, defaultMaxMemory);
    if (err !== null) throw err;
  }
  const fhs = r.multipartForm?.file.get(key);
  if (fhs !== undefined && fhs.length > 0) return fhs[0];
  throw fresh(ErrMissingFile);
}

/** @internal Go's FormValue/PostFormValue: parse (errors ignored, as Go does), then the first value. */
export async function ensureParsed(r: FormTarget): Promise<void> {
  if (r.form === null) {
    // ParseMultipartForm's first step, taken here to see its error: a body read by middleware before the handler
    // is a mistake of the server's setup, not the client's, and is not hidden behind an empty value.
    const formErr = await parseForm(r);
    if (formErr !== null && errorIs(formErr, ErrBodyConsumed)) throw formErr;
    try {
      await parseMultipartForm(r, defaultMaxMemory);
    } catch {
      // Go ignores the error here; what parsed is kept.
    }
  }
}

