/**
 * nethttp/httputil: Go's `net/http/httputil` for servers — {@link ReverseProxy} and
 * {@link newSingleHostReverseProxy}, with the outbound side on undici.
 *
 * ```ts
 * import { Server } from 'nethttp';
 * import { newSingleHostReverseProxy } from 'nethttp/httputil';
 *
 * const proxy = newSingleHostReverseProxy('http://127.0.0.1:9000/base');
 * await new Server({ addr: ':8080', handler: proxy }).listenAndServe();
 * ```
 * @module nethttp/httputil
 */

export { ReverseProxy, ProxyRequest, newSingleHostReverseProxy, type ProxyResponse, type ReverseProxyOptions } from './reverse-proxy';
