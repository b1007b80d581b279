/** timeoutHandler (Go's serve_test.go TestTimeoutHandler*, RSP-120…RSP-125). */

import { Canceled, ErrHandlerTimeout, errorIs, timeoutHandler, withCancel, type ResponseWriter } from '../../src/index';
import { newRecorder, newRequest } from '../../adapters/httptest';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('timeoutHandler', () => {
  test('a handler that finishes in time is sent as written (TestTimeoutHandler, first half)', async () => {
    const h = timeoutHandler(async (w) => {
      await sleep(5);
      w.header().set('X-Inner', 'yes');
      w.writeHeader(201);
      w.write('hi');
      w.write(' there');
    }, 1000);
    const w = newRecorder();
    await h.serveHTTP(w, newRequest('GET', '/'));
    const res = w.result();
    expect([res.statusCode, res.body.toString(), res.header.get('X-Inner')]).toEqual([201, 'hi there', 'yes']);
  });

  test('past the deadline: 503 with the default body, later writes get ErrHandlerTimeout (TestTimeoutHandler, RSP-123)', async () => {
    let writeErr: Error | null | undefined;
    let ctxErr: Error | null = null;
    const h = timeoutHandler(async (w, r) => {
      await sleep(60);
      ctxErr = r.context().err();
      writeErr = w.write('hi');
    }, 20);
    const w = newRecorder();
    await h.serveHTTP(w, newRequest('GET', '/'));
    const res = w.result();
    expect(res.statusCode).toBe(503);
    expect(res.body.toString()).toContain('<title>Timeout</title>');
    // Go's recorder sniffs only a write before any writeHeader; a server sniffs the 503's body (RSP-32).
    expect(res.header.get('Content-Type')).toBe('');
    await sleep(80);
    expect(writeErr).toBe(ErrHandlerTimeout);
    expect(ctxErr).not.toBeNull();
  });

  test('a custom message is the 503 body', async () => {
    const h = timeoutHandler(() => new Promise((resolve) => setTimeout(resolve, 50)), 10, 'too slow\n');
    const w = newRecorder();
    await h.serveHTTP(w, newRequest('GET', '/'));
    expect([w.code, w.body.toString()]).toEqual([503, 'too slow\n']);
  });

  test('an already cancelled request: 503 with no body, writes fail with Canceled (TestTimeoutHandlerContextCanceled)', async () => {
    const [ctx, cancel] = withCancel(newRequest('GET', '/').context());
    cancel();
    let err: Error | null = null;
    const h = timeoutHandler((w: ResponseWriter) => {
      w.header().set('Content-Type', 'text/plain');
      err = w.write('a');
    }, 1000);
    const w = newRecorder();
    await h.serveHTTP(w, newRequest('GET', '/', null, ctx));
    expect([w.code, w.body.toString()]).toEqual([503, '']);
    expect(errorIs(err, Canceled)).toBe(true);
  });

  test('an empty response is 200 (TestTimeoutHandlerEmptyResponse)', async () => {
    const w = newRecorder();
    await timeoutHandler(() => undefined, 300).serveHTTP(w, newRequest('GET', '/'));
    expect(w.code).toBe(200);
  });

  test('a throw before the deadline propagates (TestTimeoutHandlerPanicRecovery)', async () => {
    const h = timeoutHandler(async () => {
      throw new Error('intentional death for testing');
    }, 1000);
    await expect(Promise.resolve(h.serveHTTP(newRecorder(), newRequest('GET', '/')))).rejects.toThrow('intentional death for testing');
  });

  test('a throw after the deadline is dropped', async () => {
    const h = timeoutHandler(async () => {
      await sleep(40);
      throw new Error('late');
    }, 10);
    const w = newRecorder();
    await h.serveHTTP(w, newRequest('GET', '/'));
    await sleep(60);
    expect(w.code).toBe(503);
  });

  test('superfluous writeHeader calls are logged with the caller (TestTimeoutHandlerSuperfluousLogs)', async () => {
    const h = timeoutHandler((w: ResponseWriter) => {
      w.writeHeader(404);
      w.writeHeader(404);
      w.writeHeader(404);
    }, 1000);
    const w = newRecorder();
    await h.serveHTTP(w, newRequest('GET', '/'));
    expect(w.code).toBe(404);
    expect(w.logs).toHaveLength(2);
    for (const l of w.logs) expect(l).toMatch(/^http: superfluous response\.WriteHeader call from .*timeout-handler\.test\.ts:\d+\)$/);
  });

  test('invalid codes throw as Go panics', async () => {
    const h = timeoutHandler((w: ResponseWriter) => w.writeHeader(1000), 1000);
    await expect(Promise.resolve(h.serveHTTP(newRecorder(), newRequest('GET', '/')))).rejects.toThrow('invalid WriteHeader code 1000');
  });
});
