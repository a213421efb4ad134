/**
 * @statekit/msgpack/node: braintools' `msgpack_save` / `msgpack_load` and BrainPy's
 * `checkpoints.save_pytree` / `load_pytree` on files (../shared/research/formats.md §3-4).
 */
import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import {
  type Container,
  type Entry,
  entry,
  fromTree,
  isLeaf,
  type Logger,
  memorySink,
  StatekitError,
  unflatten,
} from '@statekit/core';
import { writeEntries } from '@statekit/core/codec';
import { atomicFileSink, fileSource } from '@statekit/core/node';
import type { AsyncManager } from './async-manager.js';
import { msgpack } from './index.js';
import { checkMismatch, type Mismatch, type PyTree, restore, toStateDict } from './state-dict.js';

export interface MsgpackSaveOptions {
  /** Replace an existing file (default true); with false an existing one is an error. */
  overwrite?: boolean;
  /** Capture the state now and write it in the background, after the previous save. */
  asyncManager?: AsyncManager;
  /** Print `Saving checkpoint into FILE` (default false, as braintools ≥ 0.1.10). */
  verbose?: boolean;
  logger?: Logger;
}

export interface MsgpackLoadOptions {
  /** Restore into this tree's structure (lists, Variables, Maps); without it, the state dict. */
  target?: PyTree;
  /** Keys the target has and the file lacks, shape and size differences (default 'error'). */
  mismatch?: Mismatch;
  /** Print `Loading checkpoint from FILE` (default false). */
  verbose?: boolean;
  logger?: Logger;
}

/** The state dict's entries and containers; a lone leaf is the file's top value. */
function stateEntries(state: PyTree): { entries: Entry[]; containers: Container[] } {
  if (!isLeaf(state)) return fromTree(state);
  return { entries: [entry(['state'], state, undefined, { msgpack: 'root' })], containers: [] };
}

/**
 * braintools' `msgpack_save`: writes `tree` as flax's msgpack layout, atomically (temp file,
 * fsync, rename), creating parent folders. Returns the file name.
 */
export async function msgpackSave(
  file: string,
  tree: PyTree,
  options: MsgpackSaveOptions = {},
): Promise<string> {
  const { overwrite = true, asyncManager, verbose = false, logger = console } = options;
  if (verbose) logger.log(`Saving checkpoint into ${file}`);
  if (!overwrite && fs.existsSync(file))
    throw new StatekitError('io', `Invalid checkpoint at "${file}".`, { file });
  const dir = nodePath.dirname(file);
  if (dir) fs.mkdirSync(dir, { recursive: true });
  const codec = await msgpack.load();
  const { entries, containers } = stateEntries(toStateDict(tree));
  if (!asyncManager) {
    const sink = atomicFileSink(file);
    try {
      await writeEntries(codec, entries, sink, {}, containers);
      await sink.close();
    } catch (error) {
      await sink.abort();
      throw error;
    }
    return file;
  }
  // The state is captured now (its bytes made), the file written in the background.
  const captured = memorySink(file);
  await writeEntries(codec, entries, captured, {}, containers);
  await captured.close();
  const bytes = captured.bytes();
  await asyncManager.submit(async () => {
    const sink = atomicFileSink(file);
    await sink.write(bytes);
    await sink.close();
  }, logger);
  return file;
}

/**
 * braintools' `msgpack_load`: the state dict (maps as objects without a prototype, arrays,
 * numpy scalars, Python scalars; lists as `{'0': ..}` maps), or, with `target`, the target's
 * structure restored from it.
 */
export async function msgpackLoad(file: string, options: MsgpackLoadOptions = {}): Promise<PyTree> {
  const { target, mismatch = 'error', verbose = false, logger = console } = options;
  checkMismatch(mismatch);
  if (!fs.existsSync(file))
    throw new StatekitError('io', `Checkpoint not found: ${file}`, { file });
  if (verbose) logger.log(`Loading checkpoint from ${file}`);
  const source = fileSource(file);
  try {
    const reader = await (await msgpack.load()).open(source);
    const entries = [];
    for await (const e of reader.read()) entries.push(e);
    const containers = (await reader.containers?.()) ?? [];
    const lone = entries.length === 1 && entries[0]!.hints?.msgpack === 'root';
    const state = lone ? entries[0]!.value : unflatten(entries, containers);
    return target === undefined ? state : restore(target, state, '.', { mismatch, logger, file });
  } finally {
    await source.close();
  }
}

/**
 * BrainPy's `checkpoints.save_pytree` (2.3.5-2.6): prints `Saving checkpoint into FILE` (by
 * default, before the suffix is added), then saves to `FILE.bp` unless the name ends in `.bp`.
 */
export async function savePytree(
  filename: string,
  target: PyTree,
  options: Omit<MsgpackSaveOptions, 'verbose'> & { verbose?: boolean } = {},
): Promise<string> {
  const { verbose = true, logger = console, ...rest } = options;
  if (verbose) logger.log(`Saving checkpoint into ${filename}`);
  const file = nodePath.extname(filename) === '.bp' ? filename : `${filename}.bp`;
  return msgpackSave(file, target, { ...rest, logger, verbose: false });
}

/**
 * BrainPy's `checkpoints.load_pytree`: prints `Loading checkpoint from FILE` and returns the
 * state dict, or the target restored from it; a missing file returns the target unchanged
 * (BrainPy's documented behaviour).
 */
export async function loadPytree(
  filename: string,
  options: MsgpackLoadOptions = {},
): Promise<PyTree> {
  if (!fs.existsSync(filename)) return options.target;
  return msgpackLoad(filename, { verbose: true, ...options });
}
