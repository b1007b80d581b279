import express from 'express';
import cors from 'cors';
import helmet from 'helmet';
import compression from 'compression';
import { ServeMux, chain } from 'nethttp';
import { expressRequest, fromExpress } from 'nethttp/adapters/express';
import { newServer } from 'nethttp/httptest';

const mux = new ServeMux();
mux.handleFunc('POST /api/notes', (w, r) => {
  const note = expressRequest<express.Request>(r)?.body as { text: string };
  w.header().set('Content-Type', 'application/json');
  w.writeHeader(201);
  w.write(JSON.stringify({ saved: note.text }));
});

// Express middleware in front of the mux, on the native Server: no Express app.
const handler = chain(
  fromExpress(cors({ origin: 'https://app.example' })),
  fromExpress(helmet()),
  fromExpress(compression()),
  fromExpress(express.json()),
)(mux);

test('cors, helmet, compression and express.json before a ServeMux', async () => {
  const ts = await newServer(handler);
  try {
    // The CORS preflight is answered by cors() itself.
    const pre = await fetch(ts.url + '/api/notes', {
      method: 'OPTIONS',
      headers: { Origin: 'https://app.example', 'Access-Control-Request-Method': 'POST' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('https://app.example');

    const res = await fetch(ts.url + '/api/notes', {
      method: 'POST',
      headers: { Origin: 'https://app.example', 'Content-Type': 'application/json' },
      body: JSON.stringify({ text: 'buy milk' }),
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff'); // helmet
    expect(await res.json()).toEqual({ saved: 'buy milk' });

    // A malformed body: express.json() calls next(err), answered as Express answers it (400).
    const bad = await fetch(ts.url + '/api/notes', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{' });
    expect(bad.status).toBe(400);
  } finally {
    await ts.close();
  }
});
