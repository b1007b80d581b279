/**
 * What the Node carriers (requestListener, Express, injection) need beyond src/carrier.ts: the Node request, the
 * ServerResponse sink and the serve step over them. Kept apart so that src/carrier.ts, which the fetch carrier uses,
 * loads nothing of Node's.
 * @module
 * Not part of the public API (its declarations are left out of the published types).
 */

export { nodeToRequest, type NodeRequest } from './carriers/node-request';
export { NodeSink, type NodeResponse } from './carriers/node-sink';
export { NodeExchange, PASSES_ON, serveNode, badRequest, type ServeNodeOptions } from './carriers/serve-node';
