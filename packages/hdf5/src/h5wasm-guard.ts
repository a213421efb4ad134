/**
 * Confines libhdf5 (inside h5wasm) to the files statekit hands it. HDF5 can point at other
 * files: external raw storage (`H5Pset_external`), external links, virtual datasets. Following
 * them would let a downloaded `.h5` read any local file into a listing or a converted output.
 * Every file libhdf5 opens goes through emscripten's `FS.open` (NODERAWFS in Node, MEMFS in
 * browsers), so wrapping that one function refuses all of them at once, whatever HDF5 feature
 * asked: only paths granted by `readable`/`writable` open.
 */

/** The part of emscripten's FS this needs. */
interface EmscriptenFs {
  open(path: string, flags: unknown, mode?: unknown): unknown;
  ErrnoError: new (errno: number) => Error;
}

/** emscripten's EACCES. */
const EACCES = 2;
/** O_CREAT | O_EXCL: a file made new (h5wasm's error handler captures HDF5's message in a
 * `tmpfile()`); it cannot hold anything of someone else's, so it may open. */
const CREATE_NEW = 0o100 | 0o200;

/** Grants paths to libhdf5 and reports the ones it was refused. */
export interface FileGuard {
  /** Lets libhdf5 open `path` until the returned function is called. */
  grant(path: string): () => void;
  /** The other paths libhdf5 tried to open since the last call (and forgets them). */
  takeRefused(): string[];
}

/** Wraps `fs.open` so only granted paths open; `resolve` makes a path absolute. */
export function guardFiles(fs: EmscriptenFs, resolve: (path: string) => string): FileGuard {
  const granted = new Map<string, number>();
  let refused: string[] = [];
  const open = fs.open;
  fs.open = function guardedOpen(this: unknown, path, flags, mode) {
    const full = resolve(String(path));
    const fresh = typeof flags === 'number' && (flags & CREATE_NEW) === CREATE_NEW;
    if (!granted.has(full) && !fresh) {
      refused.push(full);
      throw new fs.ErrnoError(EACCES);
    }
    return open.call(this, path, flags, mode);
  };
  return {
    grant(path) {
      const full = resolve(path);
      granted.set(full, (granted.get(full) ?? 0) + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const count = (granted.get(full) ?? 1) - 1;
        if (count > 0) granted.set(full, count);
        else granted.delete(full);
      };
    },
    takeRefused() {
      const out = refused;
      refused = [];
      return out;
    },
  };
}

/** Resolves `path` against `cwd` with `.` and `..` folded (POSIX paths, as emscripten's). */
export function resolvePosix(cwd: string, path: string): string {
  const parts: string[] = [];
  for (const part of `${path.startsWith('/') ? '' : cwd}/${path}`.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return `/${parts.join('/')}`;
}
