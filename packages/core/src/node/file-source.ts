import * as fs from 'node:fs';
import { type ByteSource, checkRange } from '../byte-source.js';
import { StatekitError } from '../errors.js';
import { fsFailure } from './fs-failure.js';

/**
 * Small reads fetch this many bytes and serve later small reads from them. Kept small: in an
 * npz each member's header sits just before its data, so a big block would mostly re-read data.
 */
const BLOCK = 64 << 10;

/** Reads of more bytes than this are split into pieces read in parallel. */
const PARALLEL_ABOVE = 16 << 20;
const PIECE = 4 << 20;
/** libuv's threadpool has 4 threads by default. */
const PIECES_IN_FLIGHT = 4;

/**
 * Opens a file on disk as a {@link ByteSource}. Small reads are served from a 64 KiB read-ahead
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
    throw fsFailure('cannot open', path, cause, 'no such file');
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

  const preadAsync = async (into: Uint8Array, position: number): Promise<void> => {
    let done = 0;
    while (done < into.byteLength) {
      const n = await new Promise<number>((resolve, reject) => {
        const chunk = Math.min(into.byteLength - done, 1 << 30);
        fs.read(fd, into, done, chunk, position + done, (error, bytesRead) =>
          error ? reject(fsFailure('cannot read', path, error)) : resolve(bytesRead),
        );
      });
      if (n === 0)
        throw new StatekitError('corrupt', 'file ended early (changed while reading?)', {
          file: path,
        });
      done += n;
    }
  };

  /**
   * A large read as pieces on several threadpool threads at once: the copy and the page faults
   * of the fresh buffer are shared between cores (a 256 MiB pickle is read whole).
   */
  const preadParallel = async (into: Uint8Array, position: number): Promise<void> => {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < into.byteLength) {
        const start = next;
        next = Math.min(into.byteLength, next + PIECE);
        await preadAsync(into.subarray(start, next), position + start);
      }
    };
    await Promise.all(Array.from({ length: PIECES_IN_FLIGHT }, worker));
  };

  return {
    name: path,
    path,
    size,
    async read(offset, length) {
      if (closed) throw new StatekitError('io', 'read after close', { file: path });
      checkRange(path, size, offset, length);
      if (block && offset >= blockStart && offset + length <= blockStart + block.byteLength) {
        return block.subarray(offset - blockStart, offset - blockStart + length);
      }
      if (length >= BLOCK / 4) {
        // Read on libuv's threadpool, so the caller can overlap it with work on the previous
        // array. (Fresh zeroed pages measured as fast as Buffer.allocUnsafeSlow here.)
        const out = new Uint8Array(length);
        if (length < PARALLEL_ABOVE) await preadAsync(out, offset);
        else await preadParallel(out, offset);
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
