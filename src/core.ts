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
export * from './request/url';
export { bytesOf } from './internal/text';
export { type Body, NoBody, bytesBody } from './request/body';
export * from './handler';
export { chain, type Middleware } from './handlers/middleware';
export * from './request/request';
export { type Logger, stderrLogger } from './log';
export { error, notFound, notFoundHandler, HTTPError } from './handlers/http-error';
export { recoverHandler, type RecoverOptions } from './handlers/recover';
export { copy, type CopySource } from './response/copy';
export { WrappedWriter } from './response/wrapped-writer';
export { writeJSON, readJSON, JSONBodyError, type ReadJSONOptions } from './request/json';
export { detectContentType } from './response/sniff';
export { TrailerPrefix } from './response/response';
export { ResponseController, newResponseController, type Hijacked, type Unwrapper } from './response/response-controller';
export { ServeMux, type ServeMuxOptions, DefaultServeMux, handle, handleFunc } from './mux/servemux';
export { redirect, redirectHandler } from './handlers/redirect';
export { fallThrough } from './mux/fall-through';
export { stripPrefix, allowQuerySemicolons } from './handlers/handlers';
export { timeoutHandler } from './handlers/timeout-handler';
export { MultipartReader, Part, MultipartForm, FileHeader, ErrMessageTooLarge } from './request/multipart';
export { parseMediaType, type MediaType, ErrInvalidMediaParameter, MediaParameterError } from './request/media-type';
export {
  Cookie, type CookieInit, type SameSite, SameSiteDefaultMode, SameSiteLaxMode, SameSiteStrictMode, SameSiteNoneMode, setCookie, parseCookie,
  parseSetCookie, ErrBlankCookie, ErrEqualNotFoundInCookie, ErrInvalidCookieName, ErrInvalidCookieValue,
} from './request/cookie';
export { type ConnState, StateNew, StateActive, StateIdle, StateHijacked, StateClosed, connStateString } from './server/conn-state';
export { maxBytesReader, maxBytesHandler } from './handlers/max-bytes';
