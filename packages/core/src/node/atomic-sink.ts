import * as fs from 'node:fs';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import type { ByteSink } from '../byte-sink.js';
import { StatekitError } from '../errors.js';
import { fsFailure } from './fs-failure.js';

/** Small writes are gathered into a buffer of this size; large ones go straight to disk. */
const BUFFER = 4 << 20;

export interface FileSinkOptions {
  /** Replace an existing file (default true). With false, an existing file is an `io` error. */
  overwrite?: boolean;
}

/** This host, as 8 hex digits (FNV-1a of its name): temporaries say which host made them. */
const HOST = (() => {
  let h = 0x811c9dc5;
  for (const c of os.hostname()) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
})();

/** Temporaries of writes under way in this process, for {@link removePendingTemporaries}. */
const pending = new Set<string>();

/**
 * Removes the temporaries of every atomic write still under way in this process, at once
 * (synchronously): for a signal handler, so Ctrl-C or SIGTERM leaves no hidden
 * `.NAME.tmp-...` file next to the output. The writes themselves then fail if they go on.
 */
export function removePendingTemporaries(): void {
  for (const tmp of pending) {
    try {
      fs.unlinkSync(tmp);
    } catch {}
  }
  pending.clear();
}

/** True when process `pid` is running on this host. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes temporaries of `base` in `dir` left by writers on this host whose process is gone (a
 * `kill -9` mid-write leaves `.NAME.tmp-HOST-PID-RAND`, up to the full size). Temporaries of
 * live processes and of other hosts (a shared file system) are left alone.
 */
function removeStale(dir: string, base: string): void {
  const prefix = `.${base}.tmp-${HOST}-`;
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => n.startsWith(prefix));
  } catch {
    return; // an unreadable directory fails below, when the temporary is created
  }
  for (const name of names) {
    const pid = /^(\d+)-[a-z0-9]+$/.exec(name.slice(prefix.length))?.[1];
    if (pid === undefined || alive(Number(pid))) continue;
    try {
      fs.unlinkSync(nodePath.join(dir, name));
    } catch {
      // gone already, or not ours to remove: either way not this write's concern
    }
  }
}

/**
 * A sink that writes `path` atomically: bytes go to a temporary file in the same directory,
 * which `close()` fsyncs and renames over `path` (then fsyncs the directory). `abort()`, or a
 * crash, leaves `path` untouched; the temporary a crash leaves is removed by the next write of
 * `path` on this host. Throws an `io` StatekitError naming the file on failure.
 */
export function atomicFileSink(path: string, options: FileSinkOptions = {}): ByteSink {
  const dir = nodePath.dirname(path);
  const base = nodePath.basename(path);
  removeStale(dir, base);
  const tmp = nodePath.join(
    dir,
    `.${base}.tmp-${HOST}-${process.pid}-${Math.random().toString(36).slice(2)}`,
  );
  const fail = (what: string, cause: unknown): StatekitError => fsFailure(what, path, cause);
  if (options.overwrite === false && fs.existsSync(path)) {
    throw new StatekitError('io', 'file exists (overwrite is off)', { file: path });
  }
  let fd: number;
  try {
    fd = fs.openSync(tmp, 'wx', 0o644);
  } catch (cause) {
    throw fsFailure('cannot create', path, cause, 'no such directory');
  }
  pending.add(tmp);
  const buffer = new Uint8Array(BUFFER);
  let used = 0;
  /** Bytes already on disk (the buffer holds the next `used`). */
  let flushed = 0;
  let open = true;

  const writeAll = (bytes: Uint8Array): void => {
    let done = 0;
    while (done < bytes.byteLength) {
      done += fs.writeSync(fd, bytes, done, Math.min(bytes.byteLength - done, 1 << 30));
    }
    flushed += bytes.byteLength;
  };
  const flush = (): void => {
    if (used > 0) writeAll(buffer.subarray(0, used));
    used = 0;
  };
  const discard = (): void => {
    pending.delete(tmp);
    if (!open) return;
    open = false;
    try {
      fs.closeSync(fd);
    } catch {}
    try {
      fs.unlinkSync(tmp);
    } catch {}
  };

  return {
    name: path,
    path: tmp,
    write(chunk) {
      if (!open) throw new StatekitError('io', 'write after close', { file: path });
      try {
        if (chunk.byteLength >= BUFFER / 2) {
          flush();
          writeAll(chunk);
        } else {
          if (used + chunk.byteLength > BUFFER) flush();
          buffer.set(chunk, used);
          used += chunk.byteLength;
        }
      } catch (cause) {
        discard();
        throw fail('cannot write', cause);
      }
    },
    patch(offset, bytes) {
      if (!open) throw new StatekitError('io', 'patch after close', { file: path });
      if (offset < 0 || offset + bytes.byteLength > flushed + used) {
        throw new StatekitError('io', `patch ${offset}+${bytes.byteLength} past what is written`, {
          file: path,
        });
      }
      try {
        flush();
        let done = 0;
        while (done < bytes.byteLength) {
          done += fs.writeSync(fd, bytes, done, bytes.byteLength - done, offset + done);
        }
      } catch (cause) {
        discard();
        throw fail('cannot write', cause);
      }
    },
    async close() {
      if (!open) throw new StatekitError('io', 'close after close or abort', { file: path });
      try {
        flush();
        fs.fsyncSync(fd);
        fs.closeSync(fd);
        open = false;
        if (options.overwrite === false && fs.existsSync(path)) {
          throw new Error('file appeared while writing (overwrite is off)');
        }
        fs.renameSync(tmp, path);
        pending.delete(tmp);
      } catch (cause) {
        discard();
        try {
          fs.unlinkSync(tmp);
        } catch {}
        throw fail('cannot commit', cause);
      }
      try {
        const dirFd = fs.openSync(dir, 'r');
        fs.fsyncSync(dirFd);
        fs.closeSync(dirFd);
      } catch {
        // Some file systems refuse fsync on directories; the rename is done either way.
      }
    },
    async abort() {
      discard();
    },
  };
}
