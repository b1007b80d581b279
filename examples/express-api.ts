/**
 * An Express app that moves its /api routes to a ServeMux: the mux answers what it matches, everything else
 * (including /api paths it does not know) falls through to the Express routes registered after it.
 *   node dist/examples/express-api.js   then   curl http://127.0.0.1:9092/api/users/7
 */

import express from 'express';
import * as http from '../src';
import { handleExpress, middleware } from '../adapters/express';

export function buildApp(): express.Express {
  const api = new http.ServeMux();
  api.handleFunc('GET /users/{id}', (w, r) => {
    w.header().set('Content-Type', 'application/json');
    w.write(JSON.stringify({ id: r.pathValue('id') }));
  });
  // A route copied from the Express app keeps its Express syntax.
  handleExpress(api, 'get', '/orders{/:status}', (w, r) => w.write(`orders: ${r.pathValue('status') || 'all'}\n`));

  const app = express();
  app.use('/api', middleware(api));
  app.get('/api/legacy', (_req, res) => void res.send('still served by Express\n'));
  app.use((_req, res) => void res.status(404).send('not found\n'));
  return app;
}

if (require.main === module) {
  buildApp().listen(9092, () => console.log('serving on :9092'));
}
