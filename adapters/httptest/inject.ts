/**
 * inject: a request played through a handler with no socket, on light-my-request (Fastify's injector) over the
 * Node carrier.
 * @module
 * Not part of the public API (its declarations are left out of the published types).
 */

import lightInject = require('light-my-request');
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HandlerLike } from '../../src/index';
import { binaryOf } from '../../src/carrier';
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
 *
 * Header values are text, encoded as UTF-8 for the handler (`headers: { 'x-name': 'José' }` arrives as
 * `José`). The response is what a Node client reads: `rawPayload` the body's bytes, and header values one character
 * per byte as node:http gives them (`Buffer.from(res.headers['x-name'], 'latin1')` are the bytes).
 */
export function inject(handler: HandlerLike, options?: string | InjectOptions, listenerOptions: RequestListenerOptions = {}): InjectChain {
  const listener = requestListener(handler, listenerOptions);
  const dispatch = (req: IncomingMessage, res: ServerResponse): void => {
    textHeadersAsBytes(req);
    listener(req, res);
  };
  return lightInject(dispatch as unknown as lightInject.DispatchFunc, options);
}

/**
 * light-my-request passes header values as given, where node:http hands a listener one character per byte: a
 * value given as text is encoded as its UTF-8 bytes here, so the handler gets back the text the test gave.
 */
function textHeadersAsBytes(req: IncomingMessage): void {
  const raw = req.rawHeaders;
  for (let i = 1; i < raw.length; i += 2) raw[i] = binaryOf(raw[i]);
  const hs = req.headers as Record<string, string | string[] | undefined>;
  for (const k of Object.keys(hs)) {
    const v = hs[k];
    if (typeof v === 'string') hs[k] = binaryOf(v);
  }
}
