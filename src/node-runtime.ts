/**
 * What the package's main entry adds where Node is, to modules that import no node: module themselves (so that the
 * fetch carrier loads in a Worker): temporary files for multipart file parts too large for memory (Go's
 * `os.CreateTemp` in `multipart.ReadForm`), on node:fs, and `util.inspect` for a thrown object in a panic line.
 * @module
 * Not part of the public API (its declarations are left out of the published types).
 */

import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { inspect } from 'node:util';
import { setInspect } from './log';
import { setTempFiles } from './request/multipart';

setInspect((v) => inspect(v, { depth: 4, breakLength: Infinity }));

setTempFiles({
  tmpdir: () => os.tmpdir(),
  async create(dir) {
    const name = path.join(dir, 'multipart-' + randomBytes(8).toString('hex'));
    const fh = await fsp.open(name, 'wx', 0o600);
    return {
      name,
      write: async (b, len) => void (await fh.write(b, 0, len)),
      close: () => fh.close(),
    };
  },
  open(name) {
    let fh: fsp.FileHandle | null = null;
    let pos = 0;
    return {
      async pull(max: number): Promise<Buffer | null> {
        fh ??= await fsp.open(name, 'r');
        const b = Buffer.allocUnsafe(max);
        const { bytesRead } = await fh.read(b, 0, max, pos);
        if (bytesRead === 0) {
          await fh.close();
          fh = null;
          return null;
        }
        pos += bytesRead;
        return b.subarray(0, bytesRead);
      },
      abandon(): void {
        void fh?.close();
      },
    };
  },
  async remove(name) {
    try {
      await fsp.unlink(name);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  },
});
