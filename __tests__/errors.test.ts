import {
  NetHTTPError, errorIs, ErrServerClosed, ErrBodyNotAllowed, ErrAbortHandler, MaxBytesError, PatternError,
  ErrHandlerTimeout, ErrContentLength, ErrHijacked, ErrBodyReadAfterClose, ErrNotSupported, ErrMissingFile,
  ErrNoCookie, ErrNotMultipart, ErrMissingBoundary, ProtocolError,
} from '../src/errors';

describe('errors (RSP-150, SRV-21, SRV-99)', () => {
  test.each([
    [ErrServerClosed, 'http: Server closed'],
    [ErrBodyNotAllowed, 'http: request method or response status code does not allow body'],
    [ErrHijacked, 'http: connection has been hijacked'],
    [ErrContentLength, 'http: wrote more than the declared Content-Length'],
    [ErrHandlerTimeout, 'http: Handler timeout'],
    [ErrBodyReadAfterClose, 'http: invalid Read on closed Body'],
    [ErrAbortHandler, 'net/http: abort Handler'],
    [ErrNotSupported, 'feature not supported'],
    [ErrMissingFile, 'http: no such file'],
    [ErrNoCookie, 'http: named cookie not present'],
    [ErrNotMultipart, "request Content-Type isn't multipart/form-data"],
    [ErrMissingBoundary, 'no multipart boundary param in Content-Type'],
  ])('%s has Go\'s text', (err, text) => {
    expect(err.message).toBe(text);
    expect(err).toBeInstanceOf(NetHTTPError);
    expect(Object.isFrozen(err)).toBe(true);
  });

  test('errorIs follows cause chains and matches a sentinel from another copy of the module by code', () => {
    const wrapped = new Error('wrap', { cause: ErrServerClosed });
    expect(errorIs(wrapped, ErrServerClosed)).toBe(true);
    expect(errorIs(wrapped, ErrBodyNotAllowed)).toBe(false);
    const otherCopy = new NetHTTPError('ErrServerClosed', 'http: Server closed');
    expect(errorIs(otherCopy, ErrServerClosed)).toBe(true);
    expect(errorIs(null, ErrServerClosed)).toBe(false);
  });

  test('instanceof works through the brand, not the prototype', () => {
    const fake = Object.create(null) as object;
    expect(fake instanceof NetHTTPError).toBe(false);
    const m = new MaxBytesError(5);
    expect(m).toBeInstanceOf(MaxBytesError);
    expect(m).toBeInstanceOf(NetHTTPError);
    expect(m.limit).toBe(5);
    expect(m.message).toBe('http: request body too large');
    expect(new ProtocolError('x')).not.toBeInstanceOf(MaxBytesError);
    const p = new PatternError('/a', 'bad', '/b');
    expect(p).toBeInstanceOf(PatternError);
    expect(p.conflictsWith).toBe('/b');
  });
});
