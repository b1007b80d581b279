/**
 * nethttp: Go's `net/http` server semantics for Node.js.
 * @module nethttp
 */

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
