import { aliasNames, DUPLICATE_KEYS, DUPLICATE_TARGETS } from './brainpy-aliases.js';
import type { ByteSource, SourceLike } from './byte-source.js';
import { toSource } from './byte-source.js';
import type { ReadOptions } from './codec.js';
import type { Entry } from './entry.js';
import { StatekitError, withContext } from './errors.js';
import { type Leaf, leafKind, SparseMatrix } from './leaf.js';
import { formatShape, isNdArray } from './ndarray.js';
import { openSource } from './open.js';
import { checkOptions, READ_OPTIONS } from './options.js';
import { pyList } from './python-repr.js';
import { StreamedArray } from './streamed-array.js';
import { collectSlots, type Slot, type Target } from './target.js';

/** Where loadStates / saveStates print. `log` gets verbose lines, `warn` warnings. */
export interface Logger {
  log(message: string): void;
  warn(message: string): void;
}

/** What to do when a stored value's shape or dtype differs from the target's. */
export type MismatchMode = 'error' | 'warn' | 'ignore';

/** The option names of {@link LoadStatesOptions}, checked at run time. */
const LOAD_OPTIONS = [
  ...READ_OPTIONS.filter((o) => o !== 'streamAbove'), // values are loaded whole into variables
  'verbose',
  'checkMissing',
  'mismatch',
  'logger',
  'format',
];

export interface LoadStatesOptions extends Omit<ReadOptions, 'streamAbove'> {
  /** Print `Loading KEY ...` per stored key, in file order (BrainPy's `verbose`). */
  verbose?: boolean;
  /** Warn about target variables the file lacks (default true). */
  checkMissing?: boolean;
  /** Shape/dtype differences: throw (default), warn and load, or load silently. */
  mismatch?: MismatchMode;
  /** Defaults to `console`. */
  logger?: Logger;
  /** Format name, when the file cannot be detected (default: detect). */
  format?: string;
}

/** One shape or dtype difference met while loading. */
export interface Mismatch {
  key: string;
  expected: string;
  found: string;
}

/** What loadStates did (BrainPy's `StateLoadResult`, plus mismatches). */
export interface LoadStatesResult {
  /** Target variables the file did not provide (one key per variable, aliases folded). */
  missingKeys: string[];
  /** Stored keys the target has no variable for; they are not loaded. */
  unexpectedKeys: string[];
  /** Shape/dtype differences (loaded anyway under 'warn' and 'ignore'). */
  mismatched: Mismatch[];
}

/**
 * Loads the states stored in `file` into `target`, mirroring BrainPy's `load_states`:
 * every stored key is matched to the target's variable of that key (BrainPy's older `E--V`
 * npz keys match `E.V`), aliases (one variable reachable by several paths, or BrainPy's
 * `duplicate_keys`) are filled and never reported missing. Nothing is assigned unless every
 * value fits (with `mismatch: 'error'`).
 * Throws a StatekitError (`format`, `corrupt`, ... from the codec; `mismatch` on a shape or
 * dtype difference under `mismatch: 'error'`).
 */
export async function loadStates(
  target: Target,
  file: SourceLike,
  options: LoadStatesOptions = {},
): Promise<LoadStatesResult> {
  checkOptions(options, LOAD_OPTIONS, 'read');
  const source = toSource(file);
  try {
    return await loadFromSource(target, source, options);
  } catch (error) {
    throw withContext(error, source.name);
  }
}

async function loadFromSource(
  target: Target,
  source: ByteSource,
  options: LoadStatesOptions,
): Promise<LoadStatesResult> {
  const logger = options.logger ?? console;
  const mode = options.mismatch ?? 'error';
  if (!['error', 'warn', 'ignore'].includes(mode)) {
    throw new TypeError(
      `Invalid mismatch mode: '${mode}'. Must be one of 'error', 'warn', or 'ignore'.`,
    );
  }
  const slots = collectSlots(target);
  const byKey = new Map<string, Slot>(slots.map((s) => [s.key, s]));
  const byIdentity = new Map<object, Slot[]>();
  for (const s of slots) byIdentity.set(s.identity, [...(byIdentity.get(s.identity) ?? []), s]);

  const { verbose: _v, checkMissing: _c, mismatch: _m, logger: _l, ...readOptions } = options;
  const reader = await openSource(source, readOptions);
  const stored: { entry: Entry; slot: Slot }[] = [];
  const unexpectedKeys: string[] = [];
  const mismatched: Mismatch[] = [];
  let aliasKeys: string[] = [];
  let aliasTargets: string[] = [];
  try {
    for await (const e of reader.read()) {
      if ((e.key === DUPLICATE_KEYS || e.key === DUPLICATE_TARGETS) && !byKey.has(e.key)) {
        const names = aliasNames(e.value);
        if (e.key === DUPLICATE_KEYS) aliasKeys = names;
        else aliasTargets = names;
        continue;
      }
      if (options.verbose) logger.log(`Loading ${e.key} ...`);
      const slot = byKey.get(e.key) ?? byKey.get(e.key.replaceAll('--', '.'));
      if (!slot) {
        unexpectedKeys.push(e.key);
        continue;
      }
      const problem = compare(slot.get(), e.value);
      if (problem) {
        const m = { key: slot.key, ...problem };
        mismatched.push(m);
        const error = new StatekitError(
          'mismatch',
          `stored value does not fit the target: expected ${m.expected}, found ${m.found}`,
          { file: source.name, key: m.key },
        );
        if (mode === 'error') throw error;
        if (mode === 'warn') logger.warn(error.message);
      }
      stored.push({ entry: e, slot });
    }
  } finally {
    await reader.close();
  }

  const loaded = new Set<object>();
  for (const { entry: e, slot } of stored) {
    for (const alias of byIdentity.get(slot.identity) ?? [slot]) alias.set(e.value);
    loaded.add(slot.identity);
  }
  // BrainPy's alias lists: duplicate_keys[i] is stored as duplicate_targets[i].
  aliasKeys.forEach((alias, i) => {
    const aliasSlot = byKey.get(alias);
    const targetSlot = byKey.get(aliasTargets[i] ?? '');
    if (!aliasSlot || !targetSlot || !loaded.has(targetSlot.identity)) return;
    if (!loaded.has(aliasSlot.identity)) {
      const value = targetSlot.get();
      for (const s of byIdentity.get(aliasSlot.identity) ?? [aliasSlot]) s.set(value);
      loaded.add(aliasSlot.identity);
    }
  });

  const missingKeys: string[] = [];
  const seen = new Set<object>();
  for (const s of slots) {
    if (seen.has(s.identity)) continue;
    seen.add(s.identity);
    if (!loaded.has(s.identity)) missingKeys.push(s.key);
  }
  if ((options.checkMissing ?? true) && missingKeys.length > 0) {
    logger.warn(
      `There are variable states missed in ${source.name}. The missed variables are: ${pyList(missingKeys)}.`,
    );
  }
  return { missingKeys, unexpectedKeys, mismatched };
}

/** Describes a value as `float32 (64,)` or its scalar kind. */
export function describeLeaf(value: Leaf): string {
  if (isNdArray(value) || value instanceof StreamedArray)
    return `${value.dtype} ${formatShape(value.shape)}`;
  if (value instanceof SparseMatrix)
    return `sparse ${value.values.dtype} ${formatShape(value.shape)}`;
  return leafKind(value);
}

function compare(current: Leaf, incoming: Leaf): { expected: string; found: string } | undefined {
  // Scalars take the file's value whatever their type, as in braintools.
  const shaped = (v: Leaf): boolean => leafKind(v) === 'array' || leafKind(v) === 'sparse';
  if (!shaped(current) && !shaped(incoming)) return undefined;
  const expected = describeLeaf(current);
  const found = describeLeaf(incoming);
  return expected === found ? undefined : { expected, found };
}
