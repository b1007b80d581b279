/**
 * Part-header lines of multipart bodies are limited as Go limits them: by the part header's byte budget (10 MiB
 * by default), not by a 4 KiB read buffer (issue #14: a 4 KiB+ line got `bufio: buffer full`, which Go accepts).
 */

import { ErrMessageTooLarge, MultipartReader, bytesBody, errorIs } from '../src/index';

function form(headerLine: string): Buffer {
  return Buffer.from(
    `--b\r\nContent-Disposition: form-data; name="title"\r\n${headerLine}\r\n\r\nhello\r\n--b--\r\n`,
    'latin1',
  );
}

/** A body source that hands out `bytes` `piece` bytes at a time. */
function pieces(bytes: Buffer, piece: number): ReturnType<typeof bytesBody> {
  let i = 0;
  const src = bytesBody(bytes);
  return { ...src, read: async () => (i < bytes.length ? bytes.subarray(i, (i += piece)) : null) } as typeof src;
}

test.each([
  ['5 KiB', 5 << 10, 1 << 20],
  ['64 KiB in 100-byte pieces', 64 << 10, 100],
  ['1 MiB', 1 << 20, 64 << 10],
])('a %s part-header line is accepted', async (_name, n, piece) => {
  const mr = new MultipartReader(pieces(form(`X-Long: ${'a'.repeat(n)}`), piece), 'b');
  const part = await mr.nextPart();
  expect(part!.header.get('X-Long').length).toBe(n);
  expect((await part!.readAll()).toString()).toBe('hello');
  expect(await mr.nextPart()).toBeNull();
});

test('a part header past its 10 MiB budget is ErrMessageTooLarge', async () => {
  const mr = new MultipartReader(bytesBody(form(`X-Long: ${'a'.repeat(11 << 20)}`)), 'b');
  const err = await mr.nextPart().catch((e: unknown) => e);
  expect(errorIs(err, ErrMessageTooLarge)).toBe(true);
});

test('a 1 MiB part-header line in 64-byte pieces costs linear time', async () => {
  const t0 = process.hrtime.bigint();
  const mr = new MultipartReader(pieces(form(`X-Long: ${'a'.repeat(1 << 20)}`), 64), 'b');
  const part = await mr.nextPart();
  expect(part!.header.get('X-Long').length).toBe(1 << 20);
  expect(Number(process.hrtime.bigint() - t0) / 1e6).toBeLessThan(3000);
});
