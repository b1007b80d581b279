/**
 * nethttp: Go's `net/http` server semantics for Node.js.
 * @module nethttp
 */

export * from './errors';
export * from './status';
export * from './header';
export * from './context';
export * from './url';
export { type Body, NoBody, bytesBody } from './body';
export * from './handler';
export * from './request';
export { type Logger, stderrLogger } from './log';
export { error, notFound, notFoundHandler } from './http-error';
