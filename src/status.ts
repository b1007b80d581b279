/**
 * HTTP status codes and their standard texts (Go's `status.go`).
 * @module
 */

/* eslint-disable @typescript-eslint/naming-convention */
export const StatusContinue = 100;
export const StatusSwitchingProtocols = 101;
export const StatusProcessing = 102;
export const StatusEarlyHints = 103;
export const StatusOK = 200;
export const StatusCreated = 201;
export const StatusAccepted = 202;
export const StatusNonAuthoritativeInfo = 203;
export const StatusNoContent = 204;
export const StatusResetContent = 205;
export const StatusPartialContent = 206;
export const StatusMultiStatus = 207;
export const StatusAlreadyReported = 208;
export const StatusIMUsed = 226;
export const StatusMultipleChoices = 300;
export const StatusMovedPermanently = 301;
export const StatusFound = 302;
export const StatusSeeOther = 303;
export const StatusNotModified = 304;
export const StatusUseProxy = 305;
export const StatusTemporaryRedirect = 307;
export const StatusPermanentRedirect = 308;
export const StatusBadRequest = 400;
export const StatusUnauthorized = 401;
export const StatusPaymentRequired = 402;
export const StatusForbidden = 403;
export const StatusNotFound = 404;
export const StatusMethodNotAllowed = 405;
export const StatusNotAcceptable = 406;
export const StatusProxyAuthRequired = 407;
export const StatusRequestTimeout = 408;
export const StatusConflict = 409;
export const StatusGone = 410;
export const StatusLengthRequired = 411;
export const StatusPreconditionFailed = 412;
export const StatusRequestEntityTooLarge = 413;
export const StatusRequestURITooLong = 414;
export const StatusUnsupportedMediaType = 415;
export const StatusRequestedRangeNotSatisfiable = 416;
export const StatusExpectationFailed = 417;
export const StatusTeapot = 418;
export const StatusMisdirectedRequest = 421;
export const StatusUnprocessableEntity = 422;
export const StatusLocked = 423;
export const StatusFailedDependency = 424;
export const StatusTooEarly = 425;
export const StatusUpgradeRequired = 426;
export const StatusPreconditionRequired = 428;
export const StatusTooManyRequests = 429;
export const StatusRequestHeaderFieldsTooLarge = 431;
export const StatusUnavailableForLegalReasons = 451;
export const StatusInternalServerError = 500;
export const StatusNotImplemented = 501;
export const StatusBadGateway = 502;
export const StatusServiceUnavailable = 503;
export const StatusGatewayTimeout = 504;
export const StatusHTTPVersionNotSupported = 505;
export const StatusVariantAlsoNegotiates = 506;
export const StatusInsufficientStorage = 507;
export const StatusLoopDetected = 508;
export const StatusNotExtended = 510;
export const StatusNetworkAuthenticationRequired = 511;

const texts: Record<number, string> = {
  100: 'Continue', 101: 'Switching Protocols', 102: 'Processing', 103: 'Early Hints',
  200: 'OK', 201: 'Created', 202: 'Accepted', 203: 'Non-Authoritative Information', 204: 'No Content',
  205: 'Reset Content', 206: 'Partial Content', 207: 'Multi-Status', 208: 'Already Reported', 226: 'IM Used',
  300: 'Multiple Choices', 301: 'Moved Permanently', 302: 'Found', 303: 'See Other', 304: 'Not Modified',
  305: 'Use Proxy', 307: 'Temporary Redirect', 308: 'Permanent Redirect',
  400: 'Bad Request', 401: 'Unauthorized', 402: 'Payment Required', 403: 'Forbidden', 404: 'Not Found',
  405: 'Method Not Allowed', 406: 'Not Acceptable', 407: 'Proxy Authentication Required', 408: 'Request Timeout',
  409: 'Conflict', 410: 'Gone', 411: 'Length Required', 412: 'Precondition Failed', 413: 'Request Entity Too Large',
  414: 'Request URI Too Long', 415: 'Unsupported Media Type', 416: 'Requested Range Not Satisfiable',
  417: 'Expectation Failed', 418: "I'm a teapot", 421: 'Misdirected Request', 422: 'Unprocessable Entity',
  423: 'Locked', 424: 'Failed Dependency', 425: 'Too Early', 426: 'Upgrade Required', 428: 'Precondition Required',
  429: 'Too Many Requests', 431: 'Request Header Fields Too Large', 451: 'Unavailable For Legal Reasons',
  500: 'Internal Server Error', 501: 'Not Implemented', 502: 'Bad Gateway', 503: 'Service Unavailable',
  504: 'Gateway Timeout', 505: 'HTTP Version Not Supported', 506: 'Variant Also Negotiates',
  507: 'Insufficient Storage', 508: 'Loop Detected', 510: 'Not Extended', 511: 'Network Authentication Required',
};

/** statusText returns the standard text of `code` (RSP-9), or "" when it has none. */
export function statusText(code: number): string {
  return texts[code] ?? '';
}
