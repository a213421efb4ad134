import type { ByteSink } from './byte-sink.js';
import type { ByteSource } from './byte-source.js';
import type { ReadOptions, WriteOptions } from './codec.js';
import { type Entry, keyOf } from './entry.js';
import { withContext } from './errors.js';
import { openSource } from './open.js';
import { getCodec } from './registry.js';
import { checkLossless } from './write-checked.js';

export interface ConvertOptions extends WriteOptions, ReadOptions {
  /** Input format (default: detect). */
  from?: string;
  /** Output format (a registered codec name). */
  to: string;
  /** Renames entries on the way (e.g. {@link brainpyLegacyKey}); `path` is as stored. */
  rename?: (path: readonly string[]) => readonly string[];
  /** Called after each entry with the array bytes done and the total. */
  onProgress?: (done: number, total: number) => void;
}

/** Counts of a finished conversion. */
export interface ConvertResult {
  entries: number;
  bytes: number;
}

/**
 * Converts `source` to the format `options.to`, key by key (one entry in memory at a time
 * when the writer streams). Refuses, before writing anything, entries the target format cannot
 * hold exactly unless `allowLossy` (a `mismatch` StatekitError naming each key and why). The
 * sink is committed on success and aborted on failure.
 */
export async function convert(
  source: ByteSource,
  sink: ByteSink,
  options: ConvertOptions,
): Promise<ConvertResult> {
  const reader = await openSource(source, { ...options, format: options.from });
  try {
    const codec = await getCodec(options.to, sink.name);
    const rename = options.rename;
    const infos = (await reader.list()).map((i) =>
      rename ? { ...i, ...renamed(i.path, rename) } : i,
    );
    checkLossless(codec, infos, options.allowLossy, sink.name);
    const total = infos.reduce((n, i) => n + i.byteLength, 0);
    const result = { entries: 0, bytes: 0 };
    async function* counted(): AsyncIterable<Entry> {
      for await (const e of reader.read()) {
        yield rename ? { ...e, ...renamed(e.path, rename) } : e;
        result.entries++;
        result.bytes += infos[result.entries - 1]?.byteLength ?? 0;
        options.onProgress?.(result.bytes, total);
      }
    }
    try {
      await codec.write(counted(), sink, options);
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

function renamed(
  path: readonly string[],
  rename: (path: readonly string[]) => readonly string[],
): { key: string; path: readonly string[] } {
  const next = rename(path);
  return { key: keyOf(next), path: next };
}

/**
 * BrainPy 2.0-2.1.11 stored `E.V` as `E--V` in npz and mat files; this maps such a flat name
 * back (`["E--V"]` -> `["E.V"]`) and leaves other paths alone.
 */
export function brainpyLegacyKey(path: readonly string[]): readonly string[] {
  return path.length === 1 && path[0]!.includes('--') ? [path[0]!.replaceAll('--', '.')] : path;
}
