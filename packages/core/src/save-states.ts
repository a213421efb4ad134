import {
  aliasEntry,
  type BrainpyAliasForm,
  DUPLICATE_KEYS,
  DUPLICATE_TARGETS,
} from './brainpy-aliases.js';
import type { ByteSink } from './byte-sink.js';
import type { WriteOptions } from './codec.js';
import { type Entry, entry } from './entry.js';
import { withContext } from './errors.js';
import { checkOptions, WRITE_OPTIONS } from './options.js';
import { getCodec } from './registry.js';
import { collectSlots, type Target } from './target.js';
import { writeChecked } from './write-checked.js';

/** The option names of {@link SaveStatesOptions}, checked at run time. */
export const SAVE_OPTIONS = [...WRITE_OPTIONS, 'format', 'aliases'];

export interface SaveStatesOptions extends WriteOptions {
  /** The format to write (a registered codec name). */
  format: string;
  /**
   * Store BrainPy's `duplicate_keys` / `duplicate_targets` lists when a variable is reachable
   * by several paths, so BrainPy 2.2's `load_states` (and ours) fills every alias (default true).
   */
  aliases?: boolean;
}

/**
 * The entries `saveStates` writes for `target`: one per variable (the first path that reaches
 * it), flat keys as BrainPy stores them (`E.V` is one name), then the alias lists if any, in
 * `form` (`saveStates` passes the form BrainPy's files of the chosen format have).
 */
export function statesOf(target: Target, aliases = true, form: BrainpyAliasForm = 'list'): Entry[] {
  const first = new Map<object, string>();
  const out: Entry[] = [];
  const aliasKeys: string[] = [];
  const aliasTargets: string[] = [];
  for (const slot of collectSlots(target)) {
    const original = first.get(slot.identity);
    if (original === undefined) {
      first.set(slot.identity, slot.key);
      out.push(entry([slot.key], slot.get()));
    } else {
      aliasKeys.push(slot.key);
      aliasTargets.push(original);
    }
  }
  if (aliases && aliasKeys.length > 0) {
    out.push(aliasEntry(DUPLICATE_KEYS, aliasKeys, form));
    out.push(aliasEntry(DUPLICATE_TARGETS, aliasTargets, form));
  }
  return out;
}

/**
 * Saves the states of `target` (see {@link statesOf}) into `sink` in `options.format`,
 * mirroring BrainPy's `save_states`. On any failure the sink is aborted, so no partial file
 * is committed. Throws a `mismatch` StatekitError when the format cannot hold a value exactly
 * and `allowLossy` is not set, naming each key and why.
 */
export async function saveStates(
  target: Target,
  sink: ByteSink,
  options: SaveStatesOptions,
): Promise<void> {
  checkOptions(options, SAVE_OPTIONS, 'write');
  try {
    const codec = await getCodec(options.format, sink.name);
    const { format: _, aliases = true, ...writeOptions } = options;
    await writeChecked(codec, statesOf(target, aliases, codec.brainpyAliases), sink, writeOptions);
  } catch (error) {
    throw withContext(error, sink.name);
  }
}
