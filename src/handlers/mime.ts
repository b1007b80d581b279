/**
 * Content-Type by file extension (Go's `mime.TypeByExtension`), used by serveContent before sniffing (FS-60, FS-61).
 *
 * Go starts from a built-in table and adds the host's MIME database (shared-mime-info or /etc/mime.types), so its
 * answers depend on the machine. nethttp ships Go's built-in table plus a fixed set of common types with the values
 * Go 1.23 gives on a Debian host with shared-mime-info (`text/*` with `; charset=utf-8`, FS-61), so that a reply does
 * not depend on where it runs. Extensions whose host value is not a web type (`.ts` is a Qt translation file there,
 * `.otf` an OpenDocument template, `.key` a Keynote file) are left out and sniffed instead.
 * @module
 * Not part of the public API (its declarations are left out of the published types).
 */

const u8 = '; charset=utf-8';

// Go's builtinTypesLower (FS-61).
const builtin: Record<string, string> = {
  '.avif': 'image/avif',
  '.css': 'text/css' + u8,
  '.gif': 'image/gif',
  '.htm': 'text/html' + u8,
  '.html': 'text/html' + u8,
  '.jpeg': 'image/jpeg',
  '.jpg': 'image/jpeg',
  '.js': 'text/javascript' + u8,
  '.json': 'application/json',
  '.mjs': 'text/javascript' + u8,
  '.pdf': 'application/pdf',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.wasm': 'application/wasm',
  '.webp': 'image/webp',
  '.xml': 'text/xml' + u8,
};

// What Go 1.23's mime.TypeByExtension returns for these on the reference host (probed, not guessed).
const common: Record<string, string> = {
  '.txt': 'text/plain' + u8,
  '.csv': 'text/csv' + u8,
  '.tsv': 'text/tab-separated-values' + u8,
  '.md': 'text/markdown' + u8,
  '.markdown': 'text/markdown' + u8,
  '.ics': 'text/calendar' + u8,
  '.vcf': 'text/vcard' + u8,
  '.vtt': 'text/vtt' + u8,
  '.diff': 'text/x-patch' + u8,
  '.patch': 'text/x-patch' + u8,
  '.ico': 'image/vnd.microsoft.icon',
  '.bmp': 'image/bmp',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
  '.jxl': 'image/jxl',
  '.heic': 'image/heif',
  '.zip': 'application/zip',
  '.gz': 'application/gzip',
  '.tgz': 'application/x-compressed-tar',
  '.tar': 'application/x-tar',
  '.xz': 'application/x-xz',
  '.7z': 'application/x-7z-compressed',
  '.zst': 'application/zstd',
  '.rar': 'application/vnd.rar',
  '.mp3': 'audio/mpeg',
  '.m4a': 'audio/mp4',
  '.ogg': 'audio/ogg',
  '.oga': 'audio/ogg',
  '.opus': 'audio/ogg',
  '.wav': 'audio/x-wav',
  '.flac': 'audio/flac',
  '.aac': 'audio/aac',
  '.mid': 'audio/midi',
  '.midi': 'audio/midi',
  '.aif': 'audio/x-aiff',
  '.aiff': 'audio/x-aiff',
  '.mka': 'audio/x-matroska',
  '.mp4': 'video/mp4',
  '.m4v': 'video/mp4',
  '.webm': 'video/webm',
  '.ogv': 'video/ogg',
  '.avi': 'video/x-msvideo',
  '.mov': 'video/quicktime',
  '.mkv': 'video/x-matroska',
  '.mpeg': 'video/mpeg',
  '.mpg': 'video/mpeg',
  '.3gp': 'video/3gpp',
  '.flv': 'video/x-flv',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.rtf': 'application/rtf',
  '.doc': 'application/msword',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.xls': 'application/vnd.ms-excel',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.ppt': 'application/vnd.ms-powerpoint',
  '.pptx': 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  '.odt': 'application/vnd.oasis.opendocument.text',
  '.ods': 'application/vnd.oasis.opendocument.spreadsheet',
  '.odp': 'application/vnd.oasis.opendocument.presentation',
  '.epub': 'application/epub+zip',
  '.yaml': 'application/x-yaml',
  '.yml': 'application/x-yaml',
  '.toml': 'application/toml',
  '.sql': 'application/sql',
  '.jsonld': 'application/ld+json',
  '.rss': 'application/rss+xml',
  '.atom': 'application/atom+xml',
  '.xhtml': 'application/xhtml+xml',
  '.xsl': 'application/xslt+xml',
  '.xslt': 'application/xslt+xml',
  '.dtd': 'application/xml-dtd',
  '.jar': 'application/x-java-archive',
  '.ps': 'application/postscript',
  '.crt': 'application/x-x509-ca-cert',
  '.der': 'application/x-x509-ca-cert',
  '.srt': 'application/x-subrip',
  '.glb': 'model/gltf-binary',
  '.gltf': 'model/gltf+json',
};

const table = new Map<string, string>([...Object.entries(common), ...Object.entries(builtin)]);

/**
 * typeByExtension returns the MIME type of the extension `ext` (with its dot: `.html`), or "" when unknown. The
 * exact spelling is tried first, then the ASCII lower-case one (Go's `mime.TypeByExtension`).
 */
export function typeByExtension(ext: string): string {
  const exact = table.get(ext);
  if (exact !== undefined) return exact;
  const lower = ext.replace(/[A-Z]+/g, (s) => s.toLowerCase());
  return lower === ext ? '' : table.get(lower) ?? '';
}

/** The extension of a slash-separated name: from the last dot of its final element, or "" (Go's `filepath.Ext`). */
export function extOf(name: string): string {
  for (let i = name.length - 1; i >= 0 && name.charCodeAt(i) !== 0x2f; i--) {
    if (name.charCodeAt(i) === 0x2e) return name.slice(i);
  }
  return '';
}
