/**
 * nethttp: Go's `net/http` server semantics for Node.js.
 * @module nethttp
 */

// What `require` returns is a plain object of data properties, filled with the exports once they are all defined
// (at the end of this module). TypeScript's CommonJS output defines each re-exported name as a getter, on an object
// V8 keeps in dictionary mode once it has 200-odd of them: each `http.writeJSON(…)` in a handler was a getter call
// after a dictionary look-up (about 200 instructions). Nothing exported is ever reassigned, so copied values lose
// no live binding. (Reassigned here, before the re-exports: Node's scan of the names `import { … }` can take from
// this module ignores re-exports made before such an assignment.)
const api: Record<string, unknown> = {};
module.exports = api;

export * from './core';
// Node's parts of modules that import no node: module: multipart temporary files, util.inspect in panic lines.
import './node-runtime';
export { toWritable } from './response/stream';
export {
  Server, type ServerOptions, DefaultMaxHeaderBytes, ServerContextKey, LocalAddrContextKey,
  listenAndServe, listenAndServeTLS, serve,
} from './server/server';
export { listen, type Listener, type Addr, NetError, ErrListenerClosed, splitHostPort, joinHostPort } from './server/listener';
export {
  type FileSystem, type FS, type File, type FileInfo, type DirEntry, type MemFile, dir, dirFS, memFS, fs, validPath,
} from './handlers/fs';
export { serveContent, parseTime, TimeFormat, type ReadSeeker, type Content } from './handlers/serve-content';
export { fileServer, fileServerFS, serveFile, serveFileFS, type FileServerOptions } from './handlers/file-server';
export { runCluster, ClusterPrimary, WorkerExitError, type ClusterOptions, type ClusterAddress } from './server/cluster';

for (const k of Object.keys(exports)) {
  // One defineProperty per name keeps the object in V8's fast mode (stores by key past 128 names do not).
  Object.defineProperty(api, k, { value: (exports as Record<string, unknown>)[k], enumerable: true, writable: true, configurable: true });
}
Object.defineProperty(api, '__esModule', { value: true });
