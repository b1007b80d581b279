import { readFile } from 'node:fs/promises';
import { ServeMux, type Handler } from 'nethttp';

export const mux = new ServeMux();

mux.handleFunc('GET /file', async (w) => {
  // Express: fs.readFile(p, (err, data) => res.send(data)). Here the handler awaits: the response ends when the
  // handler's promise settles, so work left in a callback or a timer would be too late.
  const text = await readFile(__filename, 'utf8');
  w.header().set('Content-Type', 'text/plain; charset=utf-8');
  w.write(text.split('\n')[0]);
});

mux.handleFunc('GET /later', async (w) => {
  await new Promise((resolve) => setTimeout(resolve, 10));
  w.write('done');
});

// A middleware returns (or awaits) what next.serveHTTP returns. Without it the response would end first, empty, and
// the late writes would be dropped with a log line naming the missing await or return.
export function poweredBy(next: Handler): Handler {
  return {
    serveHTTP(w, r) {
      w.header().set('X-Powered-By', 'nethttp');
      return next.serveHTTP(w, r);
    },
  };
}

export const handler = poweredBy(mux);
