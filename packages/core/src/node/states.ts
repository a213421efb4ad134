import { StatekitError } from '../errors.js';
import {
  type LoadStatesOptions,
  type LoadStatesResult,
  loadStates as loadFrom,
} from '../load-states.js';
import { checkOptions } from '../options.js';
import { codecForExtension } from '../registry.js';
import { SAVE_OPTIONS, type SaveStatesOptions, saveStates as saveTo } from '../save-states.js';
import type { Target } from '../target.js';
import { atomicFileSink } from './atomic-sink.js';
import { fileSource } from './file-source.js';

export interface SaveStatesFileOptions extends Omit<SaveStatesOptions, 'format'> {
  /** The format; default from the file's extension. */
  format?: string;
  /** Replace an existing file (default true, as BrainPy). */
  overwrite?: boolean;
}

/**
 * Saves `target`'s states to the file `path` (format from `options.format` or the extension),
 * atomically: a crash mid-save never leaves a truncated file at `path`. See `saveStates` in
 * `@statekit/core` for what is saved. Throws StatekitError (`format` for an unknown extension,
 * `io` when the file exists and `overwrite` is false, `mismatch` for lossy values).
 */
export async function saveStates(
  target: Target,
  path: string,
  options: SaveStatesFileOptions = {},
): Promise<void> {
  const format = options.format ?? codecForExtension(path)?.name;
  if (!format) {
    throw new StatekitError('format', 'unknown file extension; pass a format', { file: path });
  }
  checkOptions(options, [...SAVE_OPTIONS, 'overwrite'], 'write');
  const { overwrite = true, ...rest } = options;
  const sink = atomicFileSink(path, { overwrite });
  await saveTo(target, sink, { ...rest, format });
}

/**
 * Loads the file at `path` into `target`; see `loadStates` in `@statekit/core`. A missing file
 * is an `io` StatekitError naming it.
 */
export async function loadStates(
  target: Target,
  path: string,
  options: LoadStatesOptions = {},
): Promise<LoadStatesResult> {
  const source = fileSource(path);
  try {
    return await loadFrom(target, source, options);
  } finally {
    await source.close();
  }
}
