/**
 * ServeMux: the request router. This first version routes on exact paths and `/prefix/` subtrees only, which is
 * what the seed's program needs; Go 1.22+ patterns (methods, hosts, wildcards, precedence) replace it.
 * @module
 */

import { toHandler, type Handler, type HandlerLike, type ResponseWriter } from './handler';
import { notFoundHandler } from './http-error';
import type { Request } from './request';
import { PatternError } from './errors';

/**
 * The outcome of a mux lookup, for carriers that must tell "nothing matched" from a response (the Express adapter
 * falls through to `next()` on `notFound`, and optionally on `methodNotAllowed`).
 * @internal
 */
export interface MuxMatch {
  kind: 'found' | 'redirect' | 'notFound' | 'methodNotAllowed';
  handler: Handler;
  /** The matched pattern's text ("" for notFound / methodNotAllowed). */
  pattern: string;
  /** Wildcard names and their decoded values, in pattern order (null when none). */
  names: string[] | null;
  values: string[] | null;
}

/** ServeMux is an HTTP request multiplexer (Go's `http.ServeMux`). */
export class ServeMux implements Handler {
  private readonly exact = new Map<string, Handler>();
  private readonly prefixes: Array<[string, Handler]> = [];

  /** handle registers `handler` for `pattern`; a duplicate registration throws {@link PatternError}. */
  handle(pattern: string, handler: HandlerLike): void {
    const h = toHandler(handler);
    if (!pattern.startsWith('/')) throw new PatternError(pattern, `parsing "${pattern}": missing "/"`);
    if (this.exact.has(pattern)) {
      throw new PatternError(pattern, `pattern "${pattern}" conflicts with pattern "${pattern}"`, pattern);
    }
    this.exact.set(pattern, h);
    if (pattern.endsWith('/')) {
      this.prefixes.push([pattern, h]);
      this.prefixes.sort((a, b) => b[0].length - a[0].length);
    }
  }

  /** handleFunc registers a function for `pattern`. */
  handleFunc(pattern: string, fn: (w: ResponseWriter, r: Request) => void | Promise<void>): void {
    this.handle(pattern, fn);
  }

  /** handler returns the handler and pattern that would serve `r` (a 404 handler and "" when none). */
  handler(r: Request): { handler: Handler; pattern: string } {
    const path = r.url.path;
    const h = this.exact.get(path);
    if (h !== undefined) return { handler: h, pattern: path };
    for (const [p, ph] of this.prefixes) if (path.startsWith(p)) return { handler: ph, pattern: p };
    return { handler: notFoundHandler(), pattern: '' };
  }

  /** @internal Looks `r` up without serving it. */
  match(r: Request): MuxMatch {
    const { handler, pattern } = this.handler(r);
    return { kind: pattern === '' ? 'notFound' : 'found', handler, pattern, names: null, values: null };
  }

  /** @internal Serves `r` with the outcome of {@link ServeMux.match}: sets `r.pattern` and the path values. */
  serveMatch(w: ResponseWriter, r: Request, m: MuxMatch): void | Promise<void> {
    r.pattern = m.pattern;
    r.patNames = m.names;
    r.matches = m.values;
    return m.handler.serveHTTP(w, r);
  }

  /** serveHTTP dispatches the request to the handler whose pattern matches. */
  serveHTTP(w: ResponseWriter, r: Request): void | Promise<void> {
    return this.serveMatch(w, r, this.match(r));
  }
}

/** DefaultServeMux is the ServeMux used by {@link handle}, {@link handleFunc} and servers without a handler. */
export const DefaultServeMux = new ServeMux();

/** handle registers `handler` for `pattern` on {@link DefaultServeMux}. */
export function handle(pattern: string, handler: HandlerLike): void {
  DefaultServeMux.handle(pattern, handler);
}

/** handleFunc registers a function for `pattern` on {@link DefaultServeMux}. */
export function handleFunc(pattern: string, fn: (w: ResponseWriter, r: Request) => void | Promise<void>): void {
  DefaultServeMux.handleFunc(pattern, fn);
}
