import { type Entry, entry, type PathPart } from './entry.js';
import type { Leaf } from './leaf.js';
import { isNdArray, type NdArray, strArray, strings } from './ndarray.js';

/** Names BrainPy (2.1.12+) stores alias lists under: `duplicate_keys[i]` is stored as `duplicate_targets[i]`. */
export const DUPLICATE_KEYS = 'duplicate_keys';
export const DUPLICATE_TARGETS = 'duplicate_targets';

/**
 * How a format holds BrainPy's alias lists (`brainpy/base/io.py`, 2.1.12 to 2.4.5):
 * - `list`: a `<U` array of the names (`np.asarray(duplicates[0])`: npz, pkl);
 * - `joined`: one string with the names joined by `+` (`'+'.join(duplicates[0])`: h5, whose
 *   loader reads `np.asarray(f['duplicate_keys']).item().decode().split('+')`).
 */
export type BrainpyAliasForm = 'list' | 'joined';

/** True for the root entries that hold BrainPy's alias lists. */
export function isAliasList(path: readonly PathPart[]): boolean {
  return path.length === 1 && (path[0] === DUPLICATE_KEYS || path[0] === DUPLICATE_TARGETS);
}

/** The names an alias list holds, in either form (a `+`-joined string or a list of names). */
export function aliasNames(value: Leaf): string[] {
  if (typeof value === 'string') return value === '' ? [] : value.split('+');
  if (value instanceof Uint8Array) return aliasNames(new TextDecoder().decode(value));
  if (isNdArray(value) && (value.dtype === 'str' || value.dtype === 'bytes')) {
    const names = strings(value as NdArray<'str'> | NdArray<'bytes'>).map((s) => s.trim());
    return names.length === 1 && names[0]!.includes('+') ? names[0]!.split('+') : names;
  }
  return [];
}

/** An alias list under `name` in `form`. */
export function aliasEntry(name: string, names: readonly string[], form: BrainpyAliasForm): Entry {
  return entry([name], form === 'joined' ? names.join('+') : strArray([...names]));
}
