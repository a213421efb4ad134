/**
 * The kinds of failure statekit reports:
 * - `format`: the bytes are not in the expected format (wrong magic, unknown extension);
 * - `corrupt`: the format is right but the content is damaged (bad checksum, truncated);
 * - `unsupported`: valid input that statekit refuses (object dtypes, encrypted ZIP members);
 * - `mismatch`: loaded data does not fit the target (shape, dtype, lossy conversion);
 * - `limit`: a safety limit was exceeded (header size, element count, decompressed size);
 * - `unsafe`: the file asks for code to run (a pickle global outside the allowlist, such as
 *   `os.system`): refused before anything later in the file is acted on;
 * - `io`: the file system or byte source failed.
 */
export type ErrorTag =
  | 'format'
  | 'corrupt'
  | 'unsupported'
  | 'mismatch'
  | 'limit'
  | 'unsafe'
  | 'io';

/** Context attached to a {@link StatekitError}. */
export interface ErrorContext {
  /** The file (or source name) being read or written. */
  file?: string | undefined;
  /** The state key concerned, when the failure is about one entry. */
  key?: string | undefined;
  /** The underlying error. */
  cause?: unknown;
}

/**
 * The one error class statekit throws for bad input and failed I/O. The message names the
 * file and key when known, so it can be shown to a user as it is.
 */
export class StatekitError extends Error {
  override readonly name = 'StatekitError';
  readonly tag: ErrorTag;
  readonly file: string | undefined;
  readonly key: string | undefined;
  /** The message without the file and key in front: what went wrong, to re-wrap with context. */
  readonly detail: string;

  constructor(tag: ErrorTag, message: string, context: ErrorContext = {}) {
    const where = [
      context.file !== undefined ? `${context.file}` : undefined,
      context.key !== undefined ? `key "${context.key}"` : undefined,
    ]
      .filter((part) => part !== undefined)
      .join(', ');
    super(where ? `${where}: ${message}` : message, { cause: context.cause });
    this.tag = tag;
    this.detail = message;
    this.file = context.file;
    this.key = context.key;
  }
}

/** True when `error` is a {@link StatekitError}, and (if tags are given) has one of them. */
export function isStatekitError(error: unknown, ...tags: ErrorTag[]): error is StatekitError {
  return error instanceof StatekitError && (tags.length === 0 || tags.includes(error.tag));
}

/**
 * Re-throws `error` with `file` (and `key`) filled in when it is a StatekitError that lacks
 * them; wraps any other error as an `io` error. Used at API boundaries that know the file.
 */
export function withContext(error: unknown, file: string | undefined, key?: string): StatekitError {
  if (error instanceof StatekitError) {
    if ((error.file === undefined && file !== undefined) || (error.key === undefined && key)) {
      return new StatekitError(error.tag, error.detail, {
        file: error.file ?? file,
        key: error.key ?? key,
        cause: error.cause,
      });
    }
    return error;
  }
  const message = error instanceof Error ? error.message : String(error);
  return new StatekitError('io', message, { file, key, cause: error });
}

/** How {@link guardEntry} names a failure. */
export interface EntryContext {
  file: string;
  key: string;
  /** Tag for errors that are not StatekitErrors (default `corrupt`: the decoder tripped). */
  tag?: ErrorTag;
  /** Prefix for their message (`HDF5`). */
  label?: string;
}

/**
 * Runs the work of one entry so that whatever it throws comes out as a StatekitError naming
 * the file and the key: a fault in one entry is reported as that entry's.
 */
export async function guardEntry<T>(
  work: () => Promise<T> | T,
  { file, key, tag = 'corrupt', label }: EntryContext,
): Promise<T> {
  try {
    return await work();
  } catch (cause) {
    if (cause instanceof StatekitError) throw withContext(cause, file, key);
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new StatekitError(tag, label ? `${label}: ${message}` : message, { file, key, cause });
  }
}
