/**
 * ConnState: the states a native connection goes through, reported to `ServerOptions.connState` (SRV-41…SRV-48).
 * @module
 */

/** ConnState is the state of a client connection (Go's `http.ConnState`). */
export type ConnState = 0 | 1 | 2 | 3 | 4;
/** StateNew: a connection that was just accepted; it is served next (SRV-41). */
export const StateNew: ConnState = 0;
/** StateActive: a connection that read at least one byte of a request (SRV-42). */
export const StateActive: ConnState = 1;
/** StateIdle: a kept-alive connection between requests (SRV-43). */
export const StateIdle: ConnState = 2;
/** StateHijacked: a hijacked connection; terminal (SRV-44). */
export const StateHijacked: ConnState = 3;
/** StateClosed: a closed connection; terminal (SRV-45). */
export const StateClosed: ConnState = 4;

const names = ['new', 'active', 'idle', 'hijacked', 'closed'];

/** connStateString returns Go's text for a state: `new`, `active`, `idle`, `hijacked`, `closed`. */
export function connStateString(s: ConnState): string {
  return names[s] ?? `ConnState(${s})`;
}
