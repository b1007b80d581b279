/** A 20-route API in Express syntax, the paths wrk requests round-robin, and the reply each route writes. */

export const routes: [method: string, path: string][] = [
  ['get', '/'],
  ['get', '/health'],
  ['get', '/users'],
  ['post', '/users'],
  ['get', '/users/:id'],
  ['put', '/users/:id'],
  ['delete', '/users/:id'],
  ['get', '/users/:id/posts'],
  ['get', '/users/:id/posts/:post'],
  ['get', '/posts'],
  ['get', '/posts/:post'],
  ['get', '/posts/:post/comments'],
  ['get', '/posts/:post/comments/:comment'],
  ['get', '/tags'],
  ['get', '/tags/:tag'],
  ['get', '/search'],
  ['get', '/orgs/:org'],
  ['get', '/orgs/:org/members'],
  ['get', '/orgs/:org/repos/:repo'],
  ['get', '/files/*path'],
];

/** GET paths, one per GET route, in route order. */
export const getPaths = [
  '/', '/health', '/users', '/users/42', '/users/42/posts', '/users/42/posts/7', '/posts', '/posts/7',
  '/posts/7/comments', '/posts/7/comments/3', '/tags', '/tags/go', '/search', '/orgs/acme', '/orgs/acme/members',
  '/orgs/acme/repos/web', '/files/a/b/c.txt',
];

export const reply = 'ok';
