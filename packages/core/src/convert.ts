import { aliasEntry, aliasNames, isAliasList } from './brainpy-aliases.js';
import type { ByteSink } from './byte-sink.js';
import type { ByteSource } from './byte-source.js';
import type { Codec, Reader, ReadOptions, WriteOptions } from './codec.js';
import { type Container, completeContainers, type WritePlan } from './container.js';
import { type Entry, type EntryInfo, keyOf, type PathPart } from './entry.js';
import { infoOf } from './entry-info.js';
import { StatekitError, withContext } from './errors.js';
import { openSource } from './open.js';
import { checkOptions, READ_OPTIONS, WRITE_OPTIONS } from './options.js';
import { getCodec } from './registry.js';
import { StreamedArray } from './streamed-array.js';
import { checkLossless, type LossProblem } from './write-checked.js';

/** Renames a stored path on the way (`brainpyLegacyKey`, `flattenPath`, `nestSlashes`). */
export type Rename = (path: readonly PathPart[]) => readonly PathPart[];

export interface ConvertOptions {
  /** Input format (default: detect). */
  from?: string;
  /** Output format (a registered codec name). */
  to: string;
  /** Options for reading the input (`{ hdf5: { engine } }`, `limits`, ...). */
  read?: ReadOptions;
  /** Options for writing the output (`allowLossy`, `{ npz: { compress } }`, ...). */
  write?: WriteOptions;
  /** Convert only these keys (as listed; a key the input lacks is a `format` error). */
  keys?: readonly string[];
  /**
   * Leave out the entries the reader lists as `unsupported` (an object array, a compound
   * type) and convert the rest; they are given back in {@link ConvertResult.skipped}. Without
   * it such entries fail the conversion, before anything is written, with an
   * {@link UnsupportedEntriesError} naming them.
   */
  skipUnsupported?: boolean;
  /**
   * Renames entries on the way (e.g. {@link brainpyLegacyKey}); `path` is as stored. The
   * input's containers are then rebuilt from the new paths (the root keeps its attributes);
   * containers whose attributes or kind that loses are refused unless `allowLossy`.
   */
  rename?: Rename;
  /**
   * Called as array bytes are converted (by slices for arrays read in slices), with the bytes
   * done and the total.
   */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Arrays above this many bytes are converted slice by slice (`ReadOptions.streamAbove`), where
 * both formats can: memory then holds a slice of them, not the whole.
 */
export const CONVERT_STREAM_ABOVE = 64 << 20;

const CONVERT_OPTIONS = [
  'from',
  'to',
  'read',
  'write',
  'keys',
  'skipUnsupported',
  'rename',
  'onProgress',
];

/** Counts of a finished conversion. */
export interface ConvertResult {
  /** Entries the output holds (entries the writer skips, as its lossiness says, not counted). */
  entries: number;
  /** Bytes of array data converted. */
  bytes: number;
  /** Entries left out with `skipUnsupported`, each with its `problem`. */
  skipped: EntryInfo[];
}

/**
 * A conversion refused because the input has entries statekit does not read (tag
 * `unsupported`); `entries` lists them with their problems. `skipUnsupported` converts the rest.
 */
export class UnsupportedEntriesError extends StatekitError {
  constructor(
    readonly entries: readonly EntryInfo[],
    file?: string,
  ) {
    const [first] = entries;
    const more =
      entries.length > 1 ? ` (and ${entries.length - 1} more entries statekit does not read)` : '';
    super('unsupported', `${first!.problem ?? 'not readable'}${more}`, { file, key: first!.key });
  }
}

/**
 * Converts `source` to the format `options.to`, key by key (one entry in memory at a time
 * when the writer streams, and arrays above {@link CONVERT_STREAM_ABOVE} a slice at a time
 * where reader and writer can), containers (groups, dicts, lists...) included. BrainPy's
 * `duplicate_keys` / `duplicate_targets` lists are written in the target format's own BrainPy
 * form. Refuses, before writing anything, entries and containers the target format cannot
 * hold exactly unless `write.allowLossy` (a {@link LossyConversionError} naming each key and
 * why). The sink is committed on success and aborted on failure.
 */
export async function convert(
  source: ByteSource,
  sink: ByteSink,
  options: ConvertOptions,
): Promise<ConvertResult> {
  checkOptions(options, CONVERT_OPTIONS);
  checkOptions(options.read, READ_OPTIONS, 'read');
  checkOptions(options.write, WRITE_OPTIONS, 'write');
  const reader = await openSource(source, {
    streamAbove: CONVERT_STREAM_ABOVE,
    ...options.read,
    format: options.from,
  });
  try {
    const codec = await getCodec(options.to, sink.name);
    const { plan, dropped, replaced, selected, skipped } = await planFor(
      reader,
      codec,
      options,
      source.name,
    );
    checkLossless(codec, plan, options.write?.allowLossy, sink.name, dropped);
    const total = plan.entries.reduce((n, i) => n + i.byteLength, 0);
    let done = 0;
    const progress = (bytes: number): void => {
      done += bytes;
      options.onProgress?.(done, total);
    };
    let yielded = 0;
    async function* entries(): AsyncIterable<Entry> {
      for await (const e of reader.read(selected)) {
        const info = plan.entries[yielded++]!;
        const value = replaced.get(e.key) ?? e.value;
        const seen = value instanceof StreamedArray ? value.observed(progress) : value;
        yield { ...e, key: info.key, path: info.path, value: seen };
        if (!(value instanceof StreamedArray)) progress(info.byteLength);
      }
    }
    let written: number;
    try {
      written = (await codec.write(plan, entries(), sink, options.write))?.entries ?? yielded;
      await sink.close();
    } catch (error) {
      // Reader errors already name the source; anything else is about the output.
      throw withContext(error, sink.name);
    }
    return { entries: written, bytes: done, skipped };
  } catch (error) {
    await sink.abort();
    throw withContext(error, source.name);
  } finally {
    await reader.close();
  }
}

/**
 * What the writer is told: the entry infos (selected, renamed, alias lists in the target's
 * form) and the containers; the containers a rename drops with attributes or a kind of their
 * own (reported as losses); and the alias lists' new values by key.
 */
async function planFor(
  reader: Reader,
  codec: Codec,
  { keys, rename, skipUnsupported }: ConvertOptions,
  file: string,
): Promise<{
  plan: WritePlan;
  dropped: LossProblem[];
  replaced: Map<string, Entry['value']>;
  selected: readonly string[] | undefined;
  skipped: EntryInfo[];
}> {
  const { chosen, skipped, selected } = selection(await reader.list(), keys, skipUnsupported, file);
  const replaced = await aliasLists(reader, chosen, codec);
  let entries: EntryInfo[] = chosen.map((i) => {
    const value = replaced.get(i.key);
    return value === undefined ? i : { ...infoOf({ ...i, value }), attrs: i.attrs };
  });
  const given: Container[] = (await reader.containers?.()) ?? [];
  if (!rename) {
    const containers = completeContainers(entries, selected ? pruned(given, entries) : given);
    return { plan: { entries, containers }, dropped: [], replaced, selected, skipped };
  }
  entries = entries.map((i) => ({ ...i, ...renamed(i.path, rename) }));
  const root = given.find((c) => c.path.length === 0);
  const kept = root ? [{ ...root, children: [] }] : [];
  const dropped = given.flatMap((c) => (c.path.length === 0 ? [] : renameLosses(c)));
  const plan = { entries, containers: completeContainers(entries, kept) };
  return { plan, dropped, replaced, selected, skipped };
}

/**
 * The entries to convert: those of `keys` (all without), less the ones the reader lists as
 * `unsupported` (refused unless `skipUnsupported`); `selected` is their keys when that is not
 * every entry.
 */
function selection(
  listed: readonly EntryInfo[],
  keys: readonly string[] | undefined,
  skipUnsupported: boolean | undefined,
  file: string,
): { chosen: EntryInfo[]; skipped: EntryInfo[]; selected: string[] | undefined } {
  const known = new Set(listed.map((i) => i.key));
  const missing = keys?.find((k) => !known.has(k));
  if (missing !== undefined)
    throw new StatekitError('format', 'no such key in the file', { key: missing });
  const keySet = keys && new Set(keys);
  const asked = keySet ? listed.filter((i) => keySet.has(i.key)) : [...listed];
  const skipped = asked.filter((i) => i.kind === 'unsupported');
  if (skipped.length > 0 && !skipUnsupported) throw new UnsupportedEntriesError(skipped, file);
  const chosen = skipped.length > 0 ? asked.filter((i) => i.kind !== 'unsupported') : asked;
  const partial = keys !== undefined || skipped.length > 0;
  return {
    chosen,
    skipped,
    selected: partial ? [...new Set(chosen.map((i) => i.key))] : undefined,
  };
}

/**
 * The containers on the way to `entries` (a selection of keys), each listing only the children
 * that lead to them, in their stored order.
 */
function pruned(given: readonly Container[], entries: readonly EntryInfo[]): Container[] {
  const id = (path: readonly PathPart[]): string => JSON.stringify(path);
  const reached = new Set<string>();
  for (const e of entries)
    for (let i = 0; i <= e.path.length; i++) reached.add(id(e.path.slice(0, i)));
  return given
    .filter((c) => reached.has(id(c.path)))
    .map((c) => ({ ...c, children: c.children.filter((ch) => reached.has(id([...c.path, ch]))) }));
}

/** What renaming (which rebuilds the containers from the new paths) loses of container `c`. */
function renameLosses(c: Container): LossProblem[] {
  const where = keyOf(c.path);
  const out: LossProblem[] = [];
  const attrs = Object.keys(c.attrs ?? {});
  if (attrs.length > 0)
    out.push({ where, why: `renaming drops the ${c.kind}'s attributes (${attrs.join(', ')})` });
  if (c.kind !== 'group' && c.kind !== 'dict')
    out.push({ where, why: `renaming drops that it was a ${c.kind}` });
  if (c.children.length === 0) out.push({ where, why: `renaming drops the empty ${c.kind}` });
  return out;
}

/**
 * BrainPy's alias lists among `infos`, re-made in `codec`'s BrainPy form (h5 joins the names
 * with `+`, npz stores a `<U` array), so the output loads in BrainPy as the input did.
 */
async function aliasLists(
  reader: Reader,
  infos: readonly EntryInfo[],
  codec: Codec,
): Promise<Map<string, Entry['value']>> {
  const lists = infos.filter((i) => isAliasList(i.path) && i.dtype === 'str');
  const out = new Map<string, Entry['value']>();
  if (lists.length < 2) return out; // BrainPy writes both lists or neither
  for await (const e of reader.read(lists.map((i) => i.key))) {
    const form = codec.brainpyAliases ?? 'list';
    out.set(e.key, aliasEntry(e.key, aliasNames(e.value), form).value);
  }
  return out;
}

function renamed(
  path: readonly PathPart[],
  rename: Rename,
): { key: string; path: readonly PathPart[] } {
  const next = rename(path);
  return { key: keyOf(next), path: next };
}

/**
 * BrainPy 2.0-2.1.11 stored `E.V` as `E--V` in npz and mat files; this maps such a flat name
 * back (`["E--V"]` -> `["E.V"]`) and leaves other paths alone.
 */
export function brainpyLegacyKey(path: readonly PathPart[]): readonly PathPart[] {
  const only = path[0];
  return path.length === 1 && typeof only === 'string' && only.includes('--')
    ? [only.replaceAll('--', '.')]
    : path;
}

/** Groups to dotted names (`["E", "V"]` -> `["E.V"]`): BrainPy's flat layout. */
export function flattenPath(path: readonly PathPart[]): readonly PathPart[] {
  return path.length > 1 ? [keyOf(path)] : path;
}

/** Names with `/` to nested paths (`["layer/0/w"]` -> `["layer", "0", "w"]`), as h5py does. */
export function nestSlashes(path: readonly PathPart[]): readonly PathPart[] {
  return path.flatMap((p) => (typeof p === 'string' && p.includes('/') ? p.split('/') : [p]));
}
