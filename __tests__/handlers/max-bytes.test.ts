/** maxBytesReader (RSP-140) and maxBytesHandler (RSP-142). */

import { MaxBytesError, bytesBody, maxBytesHandler, maxBytesReader, type Request } from '../../src';
import { newRecorder } from '../../adapters/httptest';
import { Client, serveOn } from '../raw-client';

describe('RSP-140: maxBytesReader', () => {
  test('a body of exactly n bytes reads to its end', async () => {
    expect((await maxBytesReader(newRecorder(), bytesBody('12345'), 5).readAll()).toString()).toBe('12345');
  });

  test('the bytes up to the limit come first, then MaxBytesError, for good', async () => {
    const b = maxBytesReader(newRecorder(), bytesBody('1234567890'), 5);
    expect((await b.read(100))?.toString()).toBe('12345');
    const err = await b.read(100).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MaxBytesError);
    expect((err as MaxBytesError).message).toBe('http: request body too large');
    expect((err as MaxBytesError).limit).toBe(5);
    await expect(b.read(100)).rejects.toBe(err);
  });

  test('a negative limit counts as 0', async () => {
    await expect(maxBytesReader(newRecorder(), bytesBody('x'), -3).readAll()).rejects.toBeInstanceOf(MaxBytesError);
    expect((await maxBytesReader(newRecorder(), bytesBody(''), -3).readAll()).length).toBe(0);
  });
});

test('RSP-142: maxBytesHandler limits a shallow copy of the request; parseForm reports the limit, the reply closes', async () => {
  let original: Request | null = null;
  const limited = maxBytesHandler(async (w, r) => {
    const err = await r.parseForm().then(() => null, (e: unknown) => e);
    w.write(`${r === original ? 'same' : 'copy'} ${err instanceof Error ? err.message : 'no error'}`);
  }, 5);
  const s = await serveOn((w, r) => {
    original = r;
    return limited.serveHTTP(w, r);
  });
  const body = 'a=1234567890';
  const c = new Client(s.port).send(
    `POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
  );
  await c.untilEnd();
  expect(c.text).toMatch(/^HTTP\/1\.1 200 OK\r\nConnection: close\r\n/);
  expect(c.text).toMatch(/\r\n\r\ncopy http: request body too large$/);
  await s.srv.close();
});
