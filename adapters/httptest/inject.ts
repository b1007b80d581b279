/**
 * inject: a request played through a handler with no socket, on light-my-request (Fastify's injector) over the
 * Node carrier.
 * @module
 * @internal
 */

import lightInject = require('light-my-request');
import type { HandlerLike } from '../../src/index';
import { requestListener, type RequestListenerOptions } from '../node/index';

/** Options of {@link inject}: light-my-request's (`method`, `url`, `headers`, `payload`, `query`, `remoteAddress`…). */
export type InjectOptions = lightInject.InjectOptions;
/** The injected response: `statusCode`, `headers`, `payload`, `rawPayload`, `trailers`, `json()`… */
export type InjectResponse = lightInject.Response;
/** light-my-request's chainable request builder (`.get('/x').headers({...}).end()`, or awaited directly). */
export type InjectChain = lightInject.Chain;

/**
 * inject plays one request through `handler` without a socket and resolves with the response (light-my-request).
 * With no options it returns the chainable builder: `await inject(mux).get('/users/7').headers({ accept: 'x' })`.
 * Errors a real server logs go to `listenerOptions.errorLog`.
 */
export function inject(handler: HandlerLike, options?: string | InjectOptions, listenerOptions: RequestListenerOptions = {}): InjectChain {
  const listener = requestListener(handler, listenerOptions);
  return lightInject(listener as unknown as lightInject.DispatchFunc, options);
}
