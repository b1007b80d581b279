import { ServeMux, WrappedWriter, type Handler } from 'nethttp';

export const lines: string[] = [];

// A logging middleware reads the status and the size through a WrappedWriter; flush() and the ResponseController
// (hijack, deadlines) still reach the real writer through it.
export function accessLog(next: Handler): Handler {
  return {
    async serveHTTP(w, r) {
      const ww = new WrappedWriter(w);
      const start = Date.now();
      await next.serveHTTP(ww, r);
      // A handler that wrote nothing is answered 200 by the server.
      lines.push(`${r.method} ${r.url.path} ${ww.status || 200} ${ww.bytes}B ${Date.now() - start}ms`);
    },
  };
}

const mux = new ServeMux();
mux.handleFunc('GET /hello', (w) => w.write('hello'));
mux.handleFunc('POST /things', (w) => w.writeHeader(201));

export const handler = accessLog(mux);
