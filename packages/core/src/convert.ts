import type { ByteSink } from './byte-sink.js';
import type { ByteSource } from './byte-source.js';
import type { Reader, ReadOptions, WriteOptions } from './codec.js';
import { type Container, completeContainers, type WritePlan } from './container.js';
import { type Entry, type EntryInfo, keyOf, type PathPart } from './entry.js';
import { withContext } from './errors.js';
import { openSource } from './open.js';
import { checkOptions, READ_OPTIONS, WRITE_OPTIONS } from './options.js';
import { getCodec } from './registry.js';
import { checkLossless } from './write-checked.js';

export interface ConvertOptions {
  /** Input format (default: detect). */
  from?: string;
  /** Output format (a registered codec name). */
  to: string;
  /** Options for reading the input (`{ hdf5: { engine } }`, `limits`, ...). */
  read?: ReadOptions;
  /** Options for writing the output (`allowLossy`, `{ npz: { compress } }`, ...). */
  write?: WriteOptions;
  /**
   * Renames entries on the way (e.g. {@link brainpyLegacyKey}); `path` is as stored. The
   * input's containers are then rebuilt from the new paths (the root keeps its attributes).
   */
  rename?: (path: readonly PathPart[]) => readonly PathPart[];
  /** Called after each entry with the array bytes done and the total. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Arrays above this many bytes are converted slice by slice (`ReadOptions.streamAbove`), where
 * both formats can: memory then holds a slice of them, not the whole.
 */
export const CONVERT_STREAM_ABOVE = 64 << 20;

const CONVERT_OPTIONS = ['from', 'to', 'read', 'write', 'rename', 'onProgress'];

/** Counts of a finished conversion. */
export interface ConvertResult {
  entries: number;
  bytes: number;
}

/**
 * Converts `source` to the format `options.to`, key by key (one entry in memory at a time
 * when the writer streams, and arrays above {@link CONVERT_STREAM_ABOVE} a slice at a time
 * where reader and writer can), containers (groups, dicts, lists...) included. Refuses, before
 * writing anything, entries and containers the target format cannot hold exactly unless
 * `write.allowLossy` (a `mismatch` StatekitError naming each key and why). The sink is
 * committed on success and aborted on failure.
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
    const plan = await planFor(reader, options.rename);
    checkLossless(codec, plan, options.write?.allowLossy, sink.name);
    const total = plan.entries.reduce((n, i) => n + i.byteLength, 0);
    const result = { entries: 0, bytes: 0 };
    const rename = options.rename;
    async function* counted(): AsyncIterable<Entry> {
      for await (const e of reader.read()) {
        yield rename ? { ...e, ...renamed(e.path, rename) } : e;
        result.entries++;
        result.bytes += plan.entries[result.entries - 1]?.byteLength ?? 0;
        options.onProgress?.(result.bytes, total);
      }
    }
    try {
      await codec.write(plan, counted(), sink, options.write);
      await sink.close();
    } catch (error) {
      // Reader errors already name the source; anything else is about the output.
      throw withContext(error, sink.name);
    }
    return result;
  } catch (error) {
    await sink.abort();
    throw withContext(error, source.name);
  } finally {
    await reader.close();
  }
}

/** What the writer is told: the (renamed) entry infos and the input's containers. */
async function planFor(reader: Reader, rename: ConvertOptions['rename']): Promise<WritePlan> {
  const listed = await reader.list();
  const given: Container[] = (await reader.containers?.()) ?? [];
  if (!rename) return { entries: listed, containers: completeContainers(listed, given) };
  const entries: EntryInfo[] = listed.map((i) => ({ ...i, ...renamed(i.path, rename) }));
  const root = given.find((c) => c.path.length === 0);
  const kept = root ? [{ ...root, children: [] }] : [];
  return { entries, containers: completeContainers(entries, kept) };
}

function renamed(
  path: readonly PathPart[],
  rename: (path: readonly PathPart[]) => readonly PathPart[],
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
