/**
 * What a carrier needs beyond the public API, in one place: the sink interfaces (src/sink.ts), the response core,
 * and the Node carrier's parts that the Node and Express adapters share. Adapters import only from src/index.ts and
 * this module; nothing in src imports it, so it closes no circle.
 * @module
 * Not part of the public API (its declarations are left out of the published types).
 */

export type { ResponseHead, ResponseSink, SinkResponse } from './sink';
// What a carrier needs beyond the public API. Adapters import only from 'src/index' and this module.
export { Response, bodyAllowedForStatus, hasToken, type ResponseRequestInfo } from './response';
export { PullBody, type BodySource } from './body';
export { ServerHandler } from './server-handler';
export { httpDate } from './internal/date';
export { logf } from './log';
export { nodeToRequest, type NodeRequest } from './node-request';
export { NodeSink, type NodeResponse } from './node-sink';
export { serveNode, badRequest, type ServeNodeOptions } from './serve-node';
export { panicLine } from './log';
export { textOf, binaryOf } from './internal/text';
