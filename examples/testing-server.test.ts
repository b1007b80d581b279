import { newServer } from 'nethttp/httptest';

test('a real server on a loopback port', async () => {
  const ts = await newServer((w, r) => w.write(`hi ${r.url.path}`));
  try {
    const res = await fetch(ts.url + '/there');
    expect(await res.text()).toBe('hi /there');
  } finally {
    await ts.close();
  }
});
