/**
 * The part of nethttp's public API that imports no node: module: handlers, the ServeMux, requests and the response
 * writer, headers, URLs, contexts, cookies, forms, JSON and the helper handlers. The main entry re-exports all of it;
 * the fetch carrier (`nethttp/adapters/fetch`) re-exports it too, so that code for a Worker imports nothing else.
 * @module
 */

export * from './errors';
export * from './status';
export * from './method';
export * from './header';
export * from './context';
export * from './url';
export { bytesOf } from './internal/text';
export { type Body, NoBody, bytesBody } from './body';
export * from './handler';
export { chain, type Middleware } from './middleware';
export * from './request';
export { type Logger, stderrLogger } from './log';
export { error, notFound, notFoundHandler, HTTPError } from './http-error';
export { recoverHandler, type RecoverOptions } from './recover';
export { copy, type CopySource } from './copy';
export { WrappedWriter } from './wrapped-writer';
export { writeJSON, readJSON, JSONBodyError, type ReadJSONOptions } from './json';
export { detectContentType } from './sniff';
export { TrailerPrefix } from './response';
export { ResponseController, newResponseController, type Hijacked, type Unwrapper } from './response-controller';
export { ServeMux, type ServeMuxOptions, DefaultServeMux, handle, handleFunc } from './servemux';
export { redirect, redirectHandler } from './redirect';
export { fallThrough } from './fall-through';
export { stripPrefix, allowQuerySemicolons } from './handlers';
export { timeoutHandler } from './timeout-handler';
export { MultipartReader, Part, MultipartForm, FileHeader, ErrMessageTooLarge } from './multipart';
export { parseMediaType, type MediaType, ErrInvalidMediaParameter, MediaParameterError } from './media-type';
export {
  Cookie, type CookieInit, type SameSite, SameSiteDefaultMode, SameSiteLaxMode, SameSiteStrictMode, SameSiteNoneMode, setCookie, parseCookie,
  parseSetCookie, ErrBlankCookie, ErrEqualNotFoundInCookie, ErrInvalidCookieName, ErrInvalidCookieValue,
} from './cookie';
export { type ConnState, StateNew, StateActive, StateIdle, StateHijacked, StateClosed, connStateString } from './conn-state';
export { maxBytesReader, maxBytesHandler } from './max-bytes';
