import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ServeMux, copy, toWritable } from 'nethttp';

export const mux = new ServeMux();

mux.handleFunc('GET /file', async (w) => {
  // Express: fs.createReadStream(p).pipe(res). Here: await copy(w, stream), which waits for the client as it goes.
  w.header().set('Content-Type', 'text/plain; charset=utf-8');
  await copy(w, createReadStream(__filename));
});

mux.handleFunc('GET /lines', async (w) => {
  // toWritable(w) is a Node Writable view of w, for pipeline() and .pipe(); await it before returning.
  await pipeline(Readable.from(['one\n', 'two\n', 'three\n']), toWritable(w));
});

mux.handleFunc('GET /web', async (w) => {
  // A web ReadableStream, such as the body of (await fetch(url)).
  const upstream = new Response('from a web stream\n');
  await copy(w, upstream.body!);
});
