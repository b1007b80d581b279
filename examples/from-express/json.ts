import { ServeMux, readJSON, writeJSON } from 'nethttp';

export const mux = new ServeMux();

mux.handleFunc('POST /echo', async (w, r) => {
  // Express: app.use(express.json()) then res.json(...). readJSON answers for you: 400 (not JSON), 413 (too large),
  // 415 (with requireContentType: true).
  const v = await readJSON<{ msg: string }>(r, { maxBytes: 1 << 20, requireContentType: true });
  writeJSON(w, 200, { echoed: v.msg });
});

mux.handleFunc('POST /shout', async (w, r) => {
  // The body as text, as req.text() in Hono; r.body.json() parses it without the limits and checks above.
  const text = await r.body.text();
  w.write(text.toUpperCase());
});
