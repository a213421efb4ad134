import * as fs from 'node:fs';
import { type ByteSource, checkRange } from '../byte-source.js';
import { StatekitError } from '../errors.js';

/** Reads at least this many bytes from disk for small reads, and serves later ones from it. */
const BLOCK = 1 << 20;

/**
 * Opens a file on disk as a {@link ByteSource}. Small reads are served from a 1 MiB read-ahead
 * block; large reads go straight from the file into a fresh, 8-byte-aligned buffer (one copy,
 * by the kernel), so arrays can be viewed in place. Throws an `io` StatekitError naming the
 * file when it cannot be opened.
 */
export function fileSource(path: string): ByteSource {
  let fd: number;
  let size: number;
  try {
    fd = fs.openSync(path, 'r');
    const stat = fs.fstatSync(fd);
    if (stat.isDirectory()) {
      fs.closeSync(fd);
      throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    }
    size = stat.size;
  } catch (cause) {
    const code = (cause as { code?: string }).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'is a directory'
          : (cause as Error).message;
    throw new StatekitError('io', `cannot open: ${why}`, { file: path, cause });
  }
  let block: Uint8Array | undefined;
  let blockStart = 0;
  let closed = false;

  const pread = (into: Uint8Array, position: number): void => {
    let done = 0;
    while (done < into.byteLength) {
      const n = fs.readSync(
        fd,
        into,
        done,
        Math.min(into.byteLength - done, 1 << 30),
        position + done,
      );
      if (n === 0)
        throw new StatekitError('corrupt', 'file ended early (changed while reading?)', {
          file: path,
        });
      done += n;
    }
  };

  return {
    name: path,
    size,
    async read(offset, length) {
      if (closed) throw new StatekitError('io', 'read after close', { file: path });
      checkRange(path, size, offset, length);
      if (block && offset >= blockStart && offset + length <= blockStart + block.byteLength) {
        return block.subarray(offset - blockStart, offset - blockStart + length);
      }
      if (length >= BLOCK / 4) {
        const out = new Uint8Array(length);
        try {
          pread(out, offset);
        } catch (cause) {
          throw cause instanceof StatekitError
            ? cause
            : new StatekitError('io', (cause as Error).message, { file: path, cause });
        }
        return out;
      }
      // A new block each time (never overwritten), so views handed out earlier stay valid.
      block = new Uint8Array(Math.min(BLOCK, size - offset));
      blockStart = offset;
      pread(block, offset);
      return block.subarray(0, length);
    },
    async close() {
      if (!closed) {
        closed = true;
        fs.closeSync(fd);
      }
    },
  };
}
