import { Header, canonicalHeaderKey, isToken } from '../src/header';

describe('canonicalHeaderKey (REQ-40)', () => {
  test.each([
    ['accept-encoding', 'Accept-Encoding'],
    ['CONTENT-TYPE', 'Content-Type'],
    ['x-forwarded-for', 'X-Forwarded-For'],
    ['Foo-Bar', 'Foo-Bar'],
    ['foo-', 'Foo-'],
    ['-foo', '-Foo'],
    ['www-authenticate', 'Www-Authenticate'],
    ['a1-b2', 'A1-B2'],
    ['', ''],
    // Keys with a non-token byte are returned unchanged, as Go does.
    ['foo bar', 'foo bar'],
    ['x-bad\u0001', 'x-bad\u0001'],
    ['caf\u00e9', 'caf\u00e9'],
  ])('%j → %j', (input, want) => {
    expect(canonicalHeaderKey(input)).toBe(want);
    // Cached path gives the same answer.
    expect(canonicalHeaderKey(input)).toBe(want);
  });
});

describe('isToken', () => {
  test.each([
    ['Foo', true], ['x-y_z.w~', true], ["!#$%&'*+-.^_`|~", true],
    ['', false], ['a b', false], ['a:b', false], ['(x)', false], ['\u00e9', false],
  ])('%j → %s', (s, want) => expect(isToken(s)).toBe(want));
});

describe('Header', () => {
  test('get/set/add/del canonicalise keys; values keep order (REQ-32)', () => {
    const h = new Header();
    h.add('x-multi', 'one');
    h.add('X-MULTI', 'two');
    h.set('content-type', 'text/plain');
    expect(h.values('X-Multi')).toEqual(['one', 'two']);
    expect(h.get('x-multi')).toBe('one');
    expect(h.get('Content-Type')).toBe('text/plain');
    expect([...h.keys()]).toEqual(['X-Multi', 'Content-Type']);
    h.del('CONTENT-TYPE');
    expect(h.has('Content-Type')).toBe(false);
    expect(h.get('missing')).toBe('');
    expect(h.values('missing')).toEqual([]);
  });

  test('raw access keeps keys as given; an empty list is present but has no values (RSP-31, RSP-35)', () => {
    const h = new Header();
    h.setRaw('x-raw-key', ['stored as is']);
    h.setRaw('Content-Type', null);
    expect(h.getRaw('x-raw-key')).toEqual(['stored as is']);
    expect(h.get('x-raw-key')).toBe(''); // canonical lookup does not see the raw key
    expect(h.has('Content-Type')).toBe(true);
    expect(h.get('Content-Type')).toBe('');
    h.deleteRaw('x-raw-key');
    expect(h.hasRaw('x-raw-key')).toBe(false);
  });

  test('clone is deep', () => {
    const h = new Header({ 'x-a': ['1'], 'X-B': '2' });
    const c = h.clone();
    c.add('X-A', '3');
    expect(h.values('X-A')).toEqual(['1']);
    expect(c.values('X-A')).toEqual(['1', '3']);
    expect(c.get('x-b')).toBe('2');
    expect(h.toJSON()).toEqual({ 'X-A': ['1'], 'X-B': ['2'] });
  });
});
