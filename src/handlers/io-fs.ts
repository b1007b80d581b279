/**
 * The file interfaces that {@link FileSystem} implementations hand out, in the shape of Go's `io/fs` package. They
 * sit below both the directory file system (fs.ts) and its cached regular files (file-cache.ts), so neither
 * imports the other for them.
 */

/** DirEntry is one entry of a directory listing (Go's `fs.DirEntry`). */
export interface DirEntry {
  /** The base name (text; a byte that is not UTF-8 is U+DC80–U+DCFF). */
  readonly name: string;
  /** Whether the entry is a directory (a symbolic link is not, whatever it points to, as in Go). */
  readonly isDir: boolean;
}

/** FileInfo describes an open file (Go's `fs.FileInfo`). */
export interface FileInfo extends DirEntry {
  /** The length in bytes of a regular file. */
  readonly size: number;
  /** The modification time, or null when unknown (Go's zero time). */
  readonly modTime: Date | null;
}

/**
 * File is an open file of a {@link FileSystem} or {@link FS} (Go's `http.File`). Reads are positional, so a file
 * needs no seek offset and can serve several ranges. Methods may return promises or plain values.
 */
export interface File {
  /** stat describes the file. */
  stat(): Promise<FileInfo> | FileInfo;
  /**
   * read copies up to `buf.length` bytes starting at byte `position` into `buf` and returns how many it copied;
   * 0 means the end of the file.
   */
  read(buf: Uint8Array, position: number): Promise<number> | number;
  /** readdir lists a directory (Go's `ReadDir(-1)`); order does not matter. */
  readdir(): Promise<DirEntry[]> | DirEntry[];
  /** close releases the file. */
  close(): Promise<void> | void;
}
