/**
 * Testing nethttp handlers, as Go's `net/http/httptest`: a {@link ResponseRecorder} to call a handler directly,
 * {@link newRequest} to build its request, {@link newServer} for a real loopback server, and {@link inject} to play
 * requests without a socket (light-my-request).
 *
 * ```ts
 * import { newRecorder, newRequest } from 'nethttp/httptest';
 *
 * const w = newRecorder();
 * await mux.serveHTTP(w, newRequest('GET', '/users/7'));
 * expect(w.code).toBe(200);
 * expect(w.result().header.get('Content-Type')).toBe('text/plain; charset=utf-8');
 * ```
 * @module nethttp/httptest
 */

export { ResponseRecorder, newRecorder, type RecordedResponse } from './recorder';
export { newRequest, type RequestBody } from './request';
export { newServer, type TestServer } from './server';
export { inject, type InjectOptions, type InjectResponse, type InjectChain } from './inject';
