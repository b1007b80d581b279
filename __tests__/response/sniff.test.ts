import { detectContentType, sniffLatin1 } from '../../src/response/sniff';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');
const html = 'text/html; charset=utf-8';
const text = 'text/plain; charset=utf-8';
const bin = 'application/octet-stream';

// Cases from ../shared/spec/sniff.md (verified against Go 1.23) and Go's sniff_test.go table.
const cases: Array<[string, string, string]> = [
  ['SNF-5 empty', '', text],
  ['SNF-5 whitespace', ' \t\n', text],
  ['binary', '\x01\x02\x03', bin],
  ['SNF-11 doctype', '<!DOCTYPE HTML>...', html],
  ['SNF-11 doctype lower', '<!doctype html>', html],
  ['SNF-11 leading ws', '  <html>', html],
  ['SNF-11 HTML space', '<HTML ', html],
  ['SNF-11 <a>', '<a>', html],
  ['SNF-11 <a href>', '<a href>', html],
  ['SNF-11 <p>', '<p>', html],
  ['SNF-11 comment', '<!-->', html],
  ['SNF-11 comment space', '<!-- x', html],
  ['SNF-11 html no terminator', '<html', text],
  ['SNF-11 htmlx', '<htmlx>', text],
  ['SNF-11 ab', '<ab>', text],
  ['SNF-11 <p', '<p', text],
  ['SNF-11 <!---', '<!---', text],
  ['SNF-11 newline', '<html\n<body>', text],
  ['SNF-11 tab', '<a\tx', text],
  ['SNF-11 doctype tab', '<!DOCTYPE\tHTML>', text],
  ['SNF-12 svg', '<svg>', text],
  ['SNF-12 XML upper', '<?XML', text],
  ['SNF-12 json', '{"a":1}', text],
  ['SNF-20 xml', '<?xml version="1.0"?>', 'text/xml; charset=utf-8'],
  ['SNF-4 xml after FF', '\f<?xml', 'text/xml; charset=utf-8'],
  ['SNF-4 html after FF', '\f<html>', html],
  ['SNF-4 html after VT', '\v<html>', bin],
  ['SNF-4 pdf after space', ' %PDF-', text],
  ['SNF-21 pdf', '%PDF-1.4', 'application/pdf'],
  ['SNF-22 ps', '%!PS-Adobe-3.0', 'application/postscript'],
  ['SNF-23 utf16be', '\xfe\xff\x00a', 'text/plain; charset=utf-16be'],
  ['SNF-24 utf16le', '\xff\xfea\x00', 'text/plain; charset=utf-16le'],
  ['SNF-25 utf8 bom', '\xef\xbb\xbfabc', text],
  ['SNF-56 short bom', '\xfe\xff', text],
  ['SNF-56 3-byte bom', '\xfe\xff\x00', bin],
  ['SNF-26 ico', '\x00\x00\x01\x00', 'image/x-icon'],
  ['SNF-27 cur', '\x00\x00\x02\x00', 'image/x-icon'],
  ['SNF-28 bmp', 'BM...', 'image/bmp'],
  ['SNF-29 gif87', 'GIF87a', 'image/gif'],
  ['SNF-30 gif89', 'GIF89a...', 'image/gif'],
  ['SNF-31 webp', 'RIFF\x00\x00\x00\x00WEBPVP', 'image/webp'],
  ['SNF-57 not webp', 'RIFF\x00\x00\x00\x00WEBPV', bin],
  ['SNF-32 png', '\x89PNG\r\n\x1a\n', 'image/png'],
  ['SNF-33 jpeg', '\xff\xd8\xff', 'image/jpeg'],
  ['SNF-34 aiff', 'FORM\x00\x00\x00\x00AIFF', 'audio/aiff'],
  ['SNF-35 mp3', 'ID3', 'audio/mpeg'],
  ['SNF-36 ogg', 'OggS\x00', 'application/ogg'],
  ['SNF-37 midi', 'MThd\x00\x00\x00\x06', 'audio/midi'],
  ['SNF-38 avi', 'RIFF\x00\x00\x00\x00AVI ', 'video/avi'],
  ['SNF-39 wav', 'RIFF\x00\x00\x00\x00WAVE', 'audio/wave'],
  ['SNF-50 mp4', '\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom', 'video/mp4'],
  ['SNF-50 mp4 isom', '\x00\x00\x00\x14ftypisom\x00\x00\x00\x00mp41', 'video/mp4'],
  ['SNF-50 mp4 major brand', '\x00\x00\x00\x0cftypmp4x', 'video/mp4'],
  ['SNF-50 mp4 size 0', '\x00\x00\x00\x00ftypmp42\x00\x00\x00\x00', bin],
  ['SNF-50 mp4 only at 12', '\x00\x00\x00\x10ftypisommp4x', bin],
  ['SNF-41 webm', '\x1a\x45\xdf\xa3', 'video/webm'],
  ['SNF-42 eot', '\x00'.repeat(34) + 'LP', 'application/vnd.ms-fontobject'],
  ['SNF-43 ttf', '\x00\x01\x00\x00', 'font/ttf'],
  ['SNF-44 otf', 'OTTO', 'font/otf'],
  ['SNF-45 ttc', 'ttcf', 'font/collection'],
  ['SNF-46 woff', 'wOFF', 'font/woff'],
  ['SNF-47 woff2', 'wOF2', 'font/woff2'],
  ['SNF-48 gzip', '\x1f\x8b\x08', 'application/x-gzip'],
  ['SNF-49 zip', 'PK\x03\x04', 'application/zip'],
  ['SNF-51 rar', 'Rar!\x1a\x07\x00', 'application/x-rar-compressed'],
  ['SNF-52 rar5', 'Rar!\x1a\x07\x01\x00', 'application/x-rar-compressed'],
  ['SNF-53 wasm', '\x00asm', 'application/wasm'],
  ['SNF-55 esc', 'hi\x1b', text],
  ['SNF-55 del', 'hi\x7f', text],
  ['SNF-55 high', 'h\xc3\xa9', text],
  ['SNF-55 nul', 'hi\x00', bin],
  ['SNF-55 vt', 'hi\v', bin],
  ['SNF-1 512 a then NUL', 'a'.repeat(512) + '\x00', text],
  ['SNF-1 tag past 512', ' '.repeat(600) + '<html>', text],
  ['SNF-1 <p> ends at 512', ' '.repeat(509) + '<p>', html],
  ['SNF-1 <p> past 512', ' '.repeat(511) + '<p>', text],
  // Every HTML row, in lower case and ended by a space.
  ...['<!DOCTYPE HTML', '<HTML', '<HEAD', '<SCRIPT', '<IFRAME', '<H1', '<DIV', '<FONT', '<TABLE', '<A', '<STYLE', '<TITLE',
    '<B', '<BODY', '<BR', '<P', '<!--'].map((p): [string, string, string] => [`SNF-10 ${p}`, p.toLowerCase() + ' ', html]),
];

describe('detectContentType (SNF-*)', () => {
  test.each(cases)('%s', (_name, input, want) => {
    expect(detectContentType(b(input))).toBe(want);
  });
});

// The response core sniffs a body written as one ASCII string without making its bytes (sniffLatin1): the same
// answers, including for text that one of the two rows matching any first byte (SNF-42's `LP` at 34, SNF-50's `ftyp`
// at 4) does match.
describe('sniffLatin1 agrees with detectContentType', () => {
  test.each(cases)('%s', (_name, input, want) => {
    expect(sniffLatin1(input)).toBe(want);
  });
  test.each([
    ['SNF-42 eot after text', 'a'.repeat(34) + 'LP', 'application/vnd.ms-fontobject'],
    ['SNF-42 eot after JSON', '{"k":"' + 'v'.repeat(28) + 'LP"}', 'application/vnd.ms-fontobject'],
    ['SNF-50 ftyp with a text box size', 'abcdftypmp42', text],
    ['SNF-50 mp4 behind a control byte', '\x00\x00\x00\x0cftypmp4x', 'video/mp4'],
    ['SNF-55 JSON', '{"id":7,"name":"Ann"}', text],
    ['SNF-55 ESC in text', 'ab\x1bcd', text],
    ['SNF-55 NUL late', 'Hello World!\x00', bin],
  ])('%s', (_name, input, want) => {
    expect(sniffLatin1(input)).toBe(want);
    expect(detectContentType(b(input))).toBe(want);
  });
  test('the same body again, and another after it, each get their own type (the last answer is remembered)', () => {
    const long = '<html>' + 'x'.repeat(300);
    const seq = ['<html>', '<html>', 'plain', 'plain', '\x00bin', '\x00bin', '<html>', long, long, 'plain', '', '', '%PDF-', 'Hello World!'];
    for (const s of seq) expect([s, sniffLatin1(s)]).toEqual([s, detectContentType(b(s))]);
    // An equal string made anew (not the same object) gets the same answer.
    const built = ['<ht', 'ml>'].join('');
    expect(sniffLatin1('<html>')).toBe(html);
    expect(sniffLatin1(built)).toBe(html);
  });
  test('random bodies built from the bytes the rows look at', () => {
    const alphabet = ['a', 'L', 'P', 'f', 't', 'y', 'p', '<', ' ', '\t', '{', '"', '%', 'R', '\x00', '\x01', '\x0c', '\x1b', '\x7f', '\xff'];
    let seed = 42;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const differ: string[] = [];
    for (let k = 0; k < 5000; k++) {
      const chars: string[] = [];
      const len = rnd(48);
      for (let i = 0; i < len; i++) chars.push(alphabet[rnd(alphabet.length)]);
      if (len >= 36 && rnd(3) === 0) chars.splice(34, 2, 'L', 'P');
      if (len >= 12 && rnd(3) === 0) chars.splice(4, 4, 'f', 't', 'y', 'p');
      const s = chars.join('');
      if (sniffLatin1(s) !== detectContentType(b(s))) differ.push(s);
    }
    expect(differ).toEqual([]);
  });
});
