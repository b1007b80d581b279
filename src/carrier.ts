/**
 * What a carrier needs beyond the public API, in one place: the sink interfaces (src/response/sink.ts), the response core and
 * the serve step every carrier shares. Adapters import only from src/index.ts, src/core.ts (the node-free public
 * API), this module and src/carrier-node.ts (the Node carriers' parts); nothing in src imports it, so it closes no
 * circle. Nothing this module loads imports a node: module, so the fetch carrier built on it loads in a Worker.
 * @module
 * Not part of the public API (its declarations are left out of the published types).
 */

export type { ResponseHead, ResponseSink, SinkResponse } from './response/sink';
export { Response, bodyAllowedForStatus, hasToken, headerLines, kLogLine, notBytes, validTrailerHeader, type ResponseRequestInfo } from './response/response';
export { PullBody, type BodySource } from './request/body';
export { ServerHandler } from './server/server-handler';
export { httpDate } from './internal/date';
export { logf, panicLine } from './log';
export { textOf, binaryOf } from './internal/text';
export { runHandler, settleHandler, type HandlerRun } from './carriers/serve-run';
export { fetchToRequest } from './carriers/fetch-request';
export { serveFetch, type NodeOutgoing, type ServeFetchOptions } from './carriers/serve-fetch';
