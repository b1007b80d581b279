/**
 * serverHandler: where every native request enters application code — the server's handler, or
 * DefaultServeMux, with `OPTIONS *` answered by the global options handler (SRV-101…SRV-106).
 * @module
 * Not part of the public API (its declarations are left out of the published types).
 */

import type { Handler, ResponseWriter } from '../handler';
import { maxBytesReader } from '../handlers/max-bytes';
import type { Request } from '../request/request';
import { DefaultServeMux } from '../mux/servemux';

/** Go's globalOptionsHandler: `Content-Length: 0`, and at most 4 KiB of body read (SRV-102, SRV-103). */
async function globalOptions(w: ResponseWriter, r: Request): Promise<void> {
  w.header().set('Content-Length', '0');
  if (r.contentLength !== 0) {
    const mb = maxBytesReader(w, r.body, 4096);
    try {
      while ((await mb.read(4096)) !== null);
    } catch {
      // The limit or a read error: the connection closes after the reply (SRV-103).
    }
  }
}

/** @internal */
export class ServerHandler implements Handler {
  constructor(
    private readonly handler: Handler | null,
    private readonly disableGeneralOptionsHandler: boolean,
  ) {}
  serveHTTP(w: ResponseWriter, r: Request): unknown {
    // `OPTIONS *` is answered here unless turned off (SRV-12); no handler means DefaultServeMux (SRV-6).
    if (!this.disableGeneralOptionsHandler && r.requestURI === '*' && r.method === 'OPTIONS') return globalOptions(w, r);
    return (this.handler ?? DefaultServeMux).serveHTTP(w, r);
  }
}
