import { HTTPError, ServeMux, recoverHandler, writeJSON } from 'nethttp';

const users = new Map([['7', { id: '7', name: 'Ann' }]]);

export const mux = new ServeMux();

mux.handleFunc('GET /users/{id}', (w, r) => {
  const user = users.get(r.pathValue('id'));
  // Express: res.status(404).send('no such user'). Here: throw an HTTPError (or call error(w, msg, 404) and return).
  if (user === undefined) throw new HTTPError(404, 'no such user');
  writeJSON(w, 200, user);
});

mux.handleFunc('POST /users', async (w, r) => {
  // A body that is not JSON rejects with a JSONBodyError: answered 400 with the parser's message.
  const body = await r.body.json<{ name?: unknown }>();
  // An error carrying a 4xx/5xx `status` (or `statusCode`), as Express and Fastify code throws them.
  if (typeof body.name !== 'string') throw Object.assign(new Error('name is required'), { status: 422 });
  writeJSON(w, 201, { id: '8', name: body.name });
});

mux.handleFunc('GET /crash', () => {
  throw new Error('database is down'); // logged with its stack; the client gets 500 Internal Server Error
});

// The one line: throws and rejections become answers instead of Go's panic (an aborted connection).
export const handler = recoverHandler(mux);
