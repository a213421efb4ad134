import { StatekitError } from '../errors.js';

/** What file-system error codes mean, in the words a user reads (the code stays in `cause`). */
const PLAIN_WORDS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a part of the path is not a directory',
  EISDIR: 'is a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EEXIST: 'file exists',
  EMFILE: 'too many open files',
  ENAMETOOLONG: 'file name too long',
  EIO: 'input/output error',
  EFBIG: 'file too large for the file system',
  ELOOP: 'too many symbolic links',
  EXDEV: 'not on the same file system',
};

/**
 * An `io` StatekitError for a failed file-system call on `file`: `cannot create /x/y.npz: no
 * such directory`. The message names the user's file, never a temporary, and says the errno in
 * plain words; the original error is the `cause`. `missing` overrides the ENOENT wording
 * (`no such directory` when creating, `no such file` when opening).
 */
export function fsFailure(
  what: string,
  file: string,
  cause: unknown,
  missing = PLAIN_WORDS.ENOENT!,
): StatekitError {
  const code = (cause as { code?: string } | undefined)?.code;
  const why =
    code === 'ENOENT'
      ? missing
      : code !== undefined && PLAIN_WORDS[code] !== undefined
        ? PLAIN_WORDS[code]
        : ((cause as Error | undefined)?.message ?? String(cause));
  return new StatekitError('io', `${what}: ${why}`, { file, cause });
}
