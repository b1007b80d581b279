/**
 * HTTP method names (Go's `http.MethodGet` …), for handlers and patterns that prefer constants to strings.
 * @module
 */

/** `GET` */ export const MethodGet = 'GET';
/** `HEAD` */ export const MethodHead = 'HEAD';
/** `POST` */ export const MethodPost = 'POST';
/** `PUT` */ export const MethodPut = 'PUT';
/** `PATCH` (RFC 5789) */ export const MethodPatch = 'PATCH';
/** `DELETE` */ export const MethodDelete = 'DELETE';
/** `CONNECT` */ export const MethodConnect = 'CONNECT';
/** `OPTIONS` */ export const MethodOptions = 'OPTIONS';
/** `TRACE` */ export const MethodTrace = 'TRACE';
