/**
 * multipart/form-data: a streaming reader of parts, and `readForm` with Go's memory limits, spooling large files
 * to temporary files (Go's `mime/multipart`, Go 1.23).
 * @module
 */

import { BodyReader, PullBody, bytesBody, type Body, type BodySource } from './body';
import { ErrUnexpectedEOF, NetHTTPError, ProtocolError, fresh } from '../errors';
import { Header, canonicalHeaderKey } from '../header';
import { byteLengthOf, bytesOf, textOf, textOfBytes } from '../internal/text';
import { parseMediaType } from './media-type';
import { goQuote } from '../mux/pattern';

/** Thrown when a form exceeds its limits (Go's `multipart.ErrMessageTooLarge`). */
export const ErrMessageTooLarge = Object.freeze(new NetHTTPError('ErrMessageTooLarge', 'multipart: message too large')) as NetHTTPError;

function multipartError(message: string): NetHTTPError {
  return new NetHTTPError('MultipartError', message);
}

const PEEK = 4096; // Go's bufio size for boundary and header lines
const MAX_HEADERS_DEFAULT = 10000;
const MAX_HEADER_BYTES_DEFAULT = 10 << 20;
const MAX_PARTS = 1000;
const STAGE = 1 << 20;

/**
 * @internal Where a file part too large for memory goes: temporary files, on Node (src/node-runtime.ts registers
 * them when the package's main entry loads). This module imports no node: module, so that the request side loads
 * where there is none (the fetch carrier in a Worker); without temporary files, large parts stay in memory.
 */
export interface TempFiles {
  /** The default directory (the OS's temporary directory). */
  tmpdir(): string;
  /** Creates a new private file in `dir`. */
  create(dir: string): Promise<{ name: string; write(b: Buffer, len: number): Promise<void>; close(): Promise<void> }>;
  /** The content of file `name`, read as the body is read. */
  open(name: string): BodySource;
  /** Removes file `name`; a file already gone is not an error. */
  remove(name: string): Promise<void>;
}
let tempFiles: TempFiles | null = null;
/** @internal Registers the temporary files (see {@link TempFiles}). */
export function setTempFiles(t: TempFiles): void {
  tempFiles = t;
}

/**
 * Reads from a Body through a buffer, for line and boundary scanning. The buffer is the body's own piece (or, when
 * a boundary may straddle two pieces, a join of them); once it is used up, and unless a view of it went to someone
 * who may keep it ({@link Buffered.lent}), it goes back to the body for reuse: a file spooled to disk then streams
 * through a few reused pieces, with no garbage per piece.
 */
class Buffered {
  buf: Buffer = Buffer.alloc(0);
  pos = 0;
  eof = false;
  /** A view of `buf` went out to a caller who may keep it: `buf` is never given back. */
  lent = false;
  // Whether `buf` is a piece as the body gave it (not a join of two), the only kind given back.
  private isPiece = false;
  private readonly giveBack: ((b: Buffer) => void) | null;
  constructor(private readonly body: Body) {
    this.giveBack = body instanceof PullBody ? (b): void => body.recycle(b) : null;
  }
  avail(): Buffer {
    return this.buf.subarray(this.pos);
  }
  /** Reads more; false at the end of the body. */
  async fill(): Promise<boolean> {
    if (this.eof) return false;
    const b = await this.body.read(64 * 1024);
    if (b === null) {
      this.eof = true;
      return false;
    }
    const old = this.buf;
    const oldPiece = this.isPiece && !this.lent;
    const rest = old.length - this.pos;
    this.isPiece = rest === 0;
    this.buf = rest === 0 ? b : Buffer.concat([old.subarray(this.pos), b]);
    this.pos = 0;
    this.lent = false;
    // Given back after the read: the body has moved past them by then (its next piece is not in their memory).
    // Only the body's own pieces go back (a join's memory may be a pool's, shared with buffers lent out).
    if (this.giveBack !== null) {
      const same = old.buffer === b.buffer;
      if (oldPiece && (!same || !this.isPiece)) this.giveBack(old);
      // A piece joined to the rest was copied: free, unless its memory is the old piece's and that was lent.
      if (!this.isPiece && !same) this.giveBack(b);
    }
    return true;
  }
  /**
   * A line with its `\n` (as latin1), or what is left at the end; throws `tooLong` (by default bufio's "buffer
   * full") once `limit` bytes came without a line end. A long line is gathered piece by piece and joined once.
   */
  async readLine(limit: number, tooLong?: () => Error): Promise<{ line: string; eof: boolean }> {
    const fail = tooLong ?? ((): Error => multipartError('multipart: NextPart: bufio: buffer full'));
    const parts: Buffer[] = [];
    let len = 0;
    for (;;) {
      const i = this.buf.indexOf(0x0a, this.pos);
      if (i !== -1 && len + i - this.pos < limit) {
        parts.push(this.buf.subarray(this.pos, i + 1));
        len += i + 1 - this.pos;
        this.pos = i + 1;
        return { line: joined(parts, len), eof: false };
      }
      const rest = this.buf.length - this.pos;
      if (len + rest >= limit) throw fail();
      parts.push(this.buf.subarray(this.pos));
      // The piece is kept across the next fill, so its memory must not be reused.
      if (rest > 0) this.lent = true;
      len += rest;
      this.pos = this.buf.length;
      if (!(await this.fill())) return { line: joined(parts, len), eof: true };
    }
  }
}

function joined(parts: Buffer[], len: number): string {
  return (parts.length === 1 ? parts[0] : Buffer.concat(parts, len)).toString('latin1');
}

function skipLWSP(s: string): string {
  let i = 0;
  while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++;
  return s.slice(i);
}

/** -1: not a boundary; 0: undecided, need more; +1: a boundary (or its end). */
function matchAfterPrefix(buf: Buffer, prefixLen: number, eof: boolean): -1 | 0 | 1 {
  if (buf.length === prefixLen) return eof ? 1 : 0;
  const c = buf[prefixLen];
  if (c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a) return 1;
  if (c === 0x2d) {
    if (buf.length === prefixLen + 1) return eof ? -1 : 0;
    if (buf[prefixLen + 1] === 0x2d) return 1;
  }
  return -1;
}

function startsWith(buf: Buffer, prefix: Buffer): boolean {
  return buf.length >= prefix.length && buf.compare(prefix, 0, prefix.length, 0, prefix.length) === 0;
}
function isPrefixOf(buf: Buffer, whole: Buffer): boolean {
  return buf.length <= whole.length && whole.compare(buf, 0, buf.length, 0, buf.length) === 0;
}

/**
 * Part is one part of a multipart body (Go's `multipart.Part`): its MIME header and its content, read as a
 * {@link Body}. Reading the next part discards what is left of this one.
 */
export class Part extends BodyReader {
  /** The part's header fields, canonical keys (`Content-Transfer-Encoding: quoted-printable` is decoded and removed). */
  readonly header: Header;
  private done = false;
  private total = 0;
  private disposition: { type: string; params: Map<string, string> } | null = null;
  private qp: QPDecoder | null = null;

  /** @internal */
  constructor(private readonly mr: MultipartReader, header: Header) {
    super();
    this.header = header;
    const cte = header.get('Content-Transfer-Encoding');
    if (cte.toLowerCase() === 'quoted-printable') {
      header.del('Content-Transfer-Encoding');
      this.qp = new QPDecoder();
    }
  }

  private parsedDisposition(): { type: string; params: Map<string, string> } {
    if (this.disposition === null) {
      try {
        const d = parseMediaType(this.header.get('Content-Disposition'));
        this.disposition = { type: d.mediaType, params: d.params };
      } catch {
        this.disposition = { type: '', params: new Map() };
      }
    }
    return this.disposition;
  }
  /** formName is the `name` of a `Content-Disposition: form-data` part, else "" (Go's `Part.FormName`). */
  formName(): string {
    const d = this.parsedDisposition();
    return d.type === 'form-data' ? d.params.get('name') ?? '' : '';
  }
  /** fileName is the base name of the disposition's `filename`, or "" (Go's `Part.FileName`). */
  fileName(): string {
    const f = this.parsedDisposition().params.get('filename') ?? '';
    if (f === '') return '';
    let s = f;
    while (s.length > 1 && s.endsWith('/')) s = s.slice(0, -1);
    const i = s.lastIndexOf('/');
    return i === -1 || s === '/' ? s : s.slice(i + 1);
  }

  /** read resolves with the next piece of content, or null at the end of the part. */
  read(max = 65536): Promise<Buffer | null> {
    return this.readPiece(max, true);
  }
  /**
   * @internal Like {@link Part.read}, for a caller that is done with the piece before its next read (it copies the
   * bytes out): the reader may then reuse the piece's memory.
   */
  readTransient(max = 65536): Promise<Buffer | null> {
    return this.readPiece(max, false);
  }

  private async readPiece(max: number, keep: boolean): Promise<Buffer | null> {
    for (;;) {
      const raw = await this.readRaw(max, keep && this.qp === null);
      if (raw === null) {
        if (this.qp !== null) this.qp.end();
        return null;
      }
      if (this.qp === null) return raw;
      const d = this.qp.decode(raw);
      if (d.length > 0) return d;
    }
  }

  private async readRaw(max: number, keep: boolean): Promise<Buffer | null> {
    if (this.done) return null;
    const br = this.mr.br;
    for (;;) {
      const buf = br.avail();
      const [n, end] = this.mr.scan(buf, this.total, br.eof);
      if (n > 0) {
        const take = Math.min(n, max);
        // A view, not a copy: the reader never writes into a buffer it has handed out (fill makes new ones).
        const out = buf.subarray(0, take);
        if (keep) br.lent = true;
        br.pos += take;
        this.total += take;
        return out;
      }
      if (end) {
        this.done = true;
        return null;
      }
      if (br.eof) throw fresh(ErrUnexpectedEOF);
      await br.fill();
    }
  }

  /** close discards the rest of the part. */
  close(): void {
    this.closed = true;
  }
  /** @internal */ closed = false;
  /** @internal Reads to the end of the part. */
  async drain(): Promise<void> {
    while ((await this.readRaw(64 * 1024, false)) !== null);
  }
}

/** Quoted-printable decoding across chunk boundaries (RFC 2045 §6.7; Go decodes such parts). */
class QPDecoder {
  private carry = '';
  decode(b: Buffer): Buffer {
    const s = this.carry + b.toString('latin1');
    let out = '';
    let i = 0;
    for (; i < s.length; i++) {
      const c = s[i];
      if (c !== '=') {
        out += c;
        continue;
      }
      if (i + 2 >= s.length + (s[i + 1] === '\n' ? 1 : 0)) break; // need more input
      if (s[i + 1] === '\n') {
        i += 1;
        continue;
      }
      if (s[i + 1] === '\r' && s[i + 2] === '\n') {
        i += 2;
        continue;
      }
      const h = s.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(h)) throw multipartError(`quotedprintable: invalid bytes after =: ${goQuote(h)}`);
      out += String.fromCharCode(parseInt(h, 16));
      i += 2;
    }
    this.carry = s.slice(i);
    return Buffer.from(out, 'latin1');
  }
  end(): void {
    if (this.carry !== '' && this.carry !== '=') throw multipartError('quotedprintable: invalid unescaped = at end');
  }
}

/** FileHeader describes a file part of a parsed form (Go's `multipart.FileHeader`). */
export class FileHeader {
  /** The base name the client gave. */
  readonly filename: string;
  readonly header: Header;
  /** The size in bytes. */
  readonly size: number;
  /** @internal */ readonly content: Buffer | null;
  /** @internal */ readonly tmpfile: string;

  /** @internal */
  constructor(filename: string, header: Header, size: number, content: Buffer | null, tmpfile: string) {
    this.filename = filename;
    this.header = header;
    this.size = size;
    this.content = content;
    this.tmpfile = tmpfile;
  }

  /** open returns the file's content as a {@link Body}, from memory or from its temporary file. */
  open(): Body {
    if (this.content !== null) return bytesBody(this.content);
    return new PullBody(tempFiles!.open(this.tmpfile));
  }
}

/** MultipartForm is a parsed multipart form (Go's `multipart.Form`): values and files by field name. */
export class MultipartForm {
  readonly value = new Map<string, string[]>();
  readonly file = new Map<string, FileHeader[]>();
  /** removeAll deletes the temporary files of the form (the server does it after the handler returns). */
  async removeAll(): Promise<void> {
    let first: unknown = null;
    for (const fhs of this.file.values()) {
      for (const fh of fhs) {
        if (fh.tmpfile === '') continue;
        try {
          await tempFiles!.remove(fh.tmpfile);
        } catch (err) {
          first ??= err;
        }
      }
    }
    if (first !== null) throw first;
  }
}

/**
 * MultipartReader reads the parts of a multipart body (Go's `multipart.Reader`). Get one from
 * `Request.multipartReader()` to stream parts, or let `Request.parseMultipartForm` read them into a form.
 */
export class MultipartReader {
  /** @internal */ readonly br: Buffered;
  private nl = Buffer.from('\r\n');
  private nlDashBoundary: Buffer;
  private readonly dashBoundary: Buffer;
  private readonly dashBoundaryDash: Buffer;
  private partsRead = 0;
  private current: Part | null = null;
  /** Where temporary files go; default the OS's temporary directory. */
  tempDir = tempFiles !== null ? tempFiles.tmpdir() : '';

  /** newReader: a reader of `body` with the given boundary (Go's `multipart.NewReader`); the boundary is matched as its bytes. */
  constructor(body: Body, boundary: string) {
    this.br = new Buffered(body);
    this.nlDashBoundary = bytesOf('\r\n--' + boundary);
    this.dashBoundary = bytesOf('--' + boundary);
    this.dashBoundaryDash = bytesOf('--' + boundary + '--');
  }

  /** @internal How many bytes of `buf` are part content, and whether the part ends there (Go's scanUntilBoundary). */
  scan(buf: Buffer, total: number, eof: boolean): [number, boolean] {
    if (total === 0) {
      if (startsWith(buf, this.dashBoundary)) {
        const m = matchAfterPrefix(buf, this.dashBoundary.length, eof);
        if (m === -1) return [this.dashBoundary.length, false];
        return [0, m === 1];
      }
      if (isPrefixOf(buf, this.dashBoundary)) return [0, false];
    }
    const nlb = this.nlDashBoundary;
    const i = buf.indexOf(nlb);
    if (i >= 0) {
      const m = matchAfterPrefix(buf.subarray(i), nlb.length, eof);
      if (m === -1) return [i + nlb.length, false];
      return [i, m === 1];
    }
    if (isPrefixOf(buf, nlb)) return [0, false];
    const j = buf.lastIndexOf(nlb[0]);
    if (j >= 0 && isPrefixOf(buf.subarray(j), nlb)) return [j, false];
    return [buf.length, false];
  }

  private isFinalBoundary(line: string): boolean {
    const dbd = this.dashBoundaryDash.toString('latin1');
    if (!line.startsWith(dbd)) return false;
    const rest = skipLWSP(line.slice(dbd.length));
    return rest.length === 0 || rest === this.nl.toString('latin1');
  }
  private isBoundaryDelimiterLine(line: string): boolean {
    const db = this.dashBoundary.toString('latin1');
    if (!line.startsWith(db)) return false;
    const rest = skipLWSP(line.slice(db.length));
    // Lines ending in a bare \n on the first boundary switch the reader to \n mode (seen in practice).
    if (this.partsRead === 0 && rest === '\n') {
      this.nl = Buffer.from('\n');
      this.nlDashBoundary = this.nlDashBoundary.subarray(1);
    }
    return rest === this.nl.toString('latin1');
  }

  /** nextPart resolves with the next part, or null after the last (Go's `NextPart`, io.EOF as null). */
  async nextPart(): Promise<Part | null> {
    return this.next(MAX_HEADER_BYTES_DEFAULT, MAX_HEADERS_DEFAULT);
  }

  /** @internal */
  async next(maxHeaderBytes: number, maxHeaders: number): Promise<Part | null> {
    if (this.current !== null) {
      await this.current.drain();
      this.current = null;
    }
    if (this.dashBoundary.length === 2) throw multipartError('multipart: boundary is empty');
    let expectNewPart = false;
    for (;;) {
      const { line, eof } = await this.br.readLine(PEEK);
      if (eof && this.isFinalBoundary(line)) return null;
      if (eof) throw multipartError('multipart: NextPart: EOF');
      if (this.isBoundaryDelimiterLine(line)) {
        this.partsRead++;
        const header = await this.readHeader(maxHeaderBytes, maxHeaders);
        this.current = new Part(this, header);
        return this.current;
      }
      if (this.isFinalBoundary(line)) return null;
      if (expectNewPart) throw multipartError(`multipart: expecting a new Part; got line ${goQuote(line)}`);
      if (this.partsRead === 0) continue; // preamble
      if (line === this.nl.toString('latin1')) {
        expectNewPart = true;
        continue;
      }
      throw multipartError(`multipart: unexpected line in Next(): ${goQuote(line)}`);
    }
  }

  // A MIME header block (Go's textproto.ReadMIMEHeader with limits): `Key: value` lines, folded continuations.
  private async readHeader(maxBytes: number, maxHeaders: number): Promise<Header> {
    const h = new Header();
    let budget = maxBytes;
    let count = maxHeaders;
    let lastKey = '';
    for (let first = true; ; first = false) {
      // A line may be as long as the header's byte budget allows, as in Go (not bufio's 4 KiB).
      const { line, eof } = await this.br.readLine(budget, () => fresh(ErrMessageTooLarge));
      if (eof && line === '') throw fresh(ErrUnexpectedEOF);
      const text = line.endsWith('\r\n') ? line.slice(0, -2) : line.endsWith('\n') ? line.slice(0, -1) : line;
      if (text === '') {
        // Read and limited as bytes; handed out as text (src/internal/text.ts).
        for (const vs of h.m.values()) for (let i = 0; i < vs.length; i++) vs[i] = textOf(vs[i]);
        return h;
      }
      if (text[0] === ' ' || text[0] === '\t') {
        if (first || lastKey === '') throw new ProtocolError(`malformed MIME header initial line: ${text}`);
        const vs = h.getRaw(lastKey)!;
        vs[vs.length - 1] += ' ' + text.trim();
        continue;
      }
      const colon = text.indexOf(':');
      if (colon === -1) throw new ProtocolError(`malformed MIME header: missing colon: ${goQuote(text)}`);
      const key = text.slice(0, colon);
      if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(key)) throw new ProtocolError(`malformed MIME header line: ${text}`);
      const value = text.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '');
      budget -= key.length + value.length + 200;
      if (--count < 0 || budget < 0) throw fresh(ErrMessageTooLarge);
      lastKey = canonicalHeaderKey(key);
      h.add(lastKey, value);
    }
  }

  /**
   * readForm reads every part into a {@link MultipartForm} (Go's `Reader.ReadForm`): values in memory, files in
   * memory up to `maxMemory` bytes in total and in temporary files beyond; Go's limits apply (10 MiB of non-file
   * data beyond `maxMemory`, 1000 parts), past which it throws {@link ErrMessageTooLarge}. Temporary files are
   * removed if it fails.
   */
  async readForm(maxMemory: number): Promise<MultipartForm> {
    const form = new MultipartForm();
    try {
      await this.fillForm(form, maxMemory);
      return form;
    } catch (err) {
      await form.removeAll().catch(() => undefined);
      throw err;
    }
  }

  private async fillForm(form: MultipartForm, maxMemory: number): Promise<void> {
    let maxFileMemory = maxMemory;
    let maxMemoryBytes = maxMemory + (10 << 20);
    if (maxMemoryBytes <= 0) maxMemoryBytes = maxMemory < 0 ? 0 : Number.MAX_SAFE_INTEGER;
    let parts = MAX_PARTS;
    let maxHeaders = MAX_HEADERS_DEFAULT;
    for (;;) {
      const p = await this.next(maxMemoryBytes, maxHeaders);
      if (p === null) return;
      if (parts <= 0) throw fresh(ErrMessageTooLarge);
      parts--;
      const name = p.formName();
      if (name === '') continue;
      const filename = p.fileName();
      maxMemoryBytes -= byteLengthOf(name) + 200;
      if (maxMemoryBytes < 0) throw fresh(ErrMessageTooLarge);
      if (filename === '') {
        const chunks: Buffer[] = [];
        let n = 0;
        for (let b = await p.read(); b !== null; b = await p.read()) {
          n += b.length;
          if (n > maxMemoryBytes) throw fresh(ErrMessageTooLarge);
          chunks.push(b);
        }
        maxMemoryBytes -= n;
        const vs = form.value.get(name);
        const v = textOfBytes(Buffer.concat(chunks, n));
        if (vs === undefined) form.value.set(name, [v]);
        else vs.push(v);
        continue;
      }
      let headerSize = 0;
      for (const [k, vv] of p.header) {
        headerSize += k.length + 200;
        for (const v of vv) headerSize += v.length;
        maxHeaders -= vv.length;
      }
      maxMemoryBytes -= headerSize + 200 + 100;
      if (maxMemoryBytes < 0) throw fresh(ErrMessageTooLarge);
      const fh = await this.readFile(p, filename, maxFileMemory);
      if (fh.content !== null) {
        maxFileMemory -= fh.size;
        maxMemoryBytes -= fh.size;
      }
      const list = form.file.get(name);
      if (list === undefined) form.file.set(name, [fh]);
      else list.push(fh);
      // Registered before the next part so that a failure later removes this file too.
    }
  }

  // Keeps the file in memory while it fits `maxFileMemory`, else spools it (with what was read) to a temp file.
  private async readFile(p: Part, filename: string, maxFileMemory: number): Promise<FileHeader> {
    const chunks: Buffer[] = [];
    let n = 0;
    let b = await p.read();
    for (; b !== null; b = await p.read()) {
      if (n + b.length > maxFileMemory) break;
      chunks.push(b);
      n += b.length;
    }
    if (b === null || tempFiles === null) {
      // Where there are no temporary files, a large part stays in memory.
      for (; b !== null; b = await p.read()) {
        chunks.push(b);
        n += b.length;
      }
      return new FileHeader(filename, p.header, n, Buffer.concat(chunks, n), '');
    }
    const fh = await tempFiles.create(this.tempDir);
    const file = fh.name;
    let size = 0;
    // Incoming pieces are copied into one staging buffer written 1 MiB at a time: fewer writes in flight, and the
    // socket's buffers become garbage at once instead of waiting for the disk.
    const stage = Buffer.allocUnsafe(STAGE);
    let used = 0;
    const put = async (c: Buffer): Promise<void> => {
      let off = 0;
      while (off < c.length) {
        const n = c.copy(stage, used, off);
        used += n;
        off += n;
        if (used === STAGE) {
          await fh.write(stage, used);
          used = 0;
        }
      }
      size += c.length;
    };
    try {
      for (const c of chunks) await put(c);
      // Each piece is copied into the stage before the next read, so the reader may reuse its memory.
      for (; b !== null; b = await p.readTransient()) await put(b);
      if (used > 0) await fh.write(stage, used);
    } catch (err) {
      await fh.close().catch(() => undefined);
      await tempFiles.remove(file).catch(() => undefined);
      throw err;
    }
    await fh.close();
    return new FileHeader(filename, p.header, size, null, file);
  }
}
