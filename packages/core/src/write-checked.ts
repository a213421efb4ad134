import type { ByteSink } from './byte-sink.js';
import type { Codec, WriteOptions } from './codec.js';
import type { Entry, EntryInfo } from './entry.js';
import { infoOf } from './entry-info.js';
import { StatekitError } from './errors.js';

/**
 * Lists, for each entry, why `codec` cannot hold it exactly. Throws a `mismatch` StatekitError
 * naming every such key and reason, unless `allowLossy`.
 */
export function checkLossless(
  codec: Codec,
  infos: Iterable<EntryInfo>,
  allowLossy: boolean | undefined,
  file?: string,
): void {
  if (allowLossy) return;
  const problems: string[] = [];
  for (const info of infos)
    for (const why of codec.lossiness(info)) problems.push(`  ${info.key}: ${why}`);
  if (problems.length > 0) {
    throw new StatekitError(
      'mismatch',
      `${codec.name} cannot store ${problems.length === 1 ? 'this entry' : 'these entries'} exactly (allow lossy conversion to proceed):\n${problems.join('\n')}`,
      { file },
    );
  }
}

/**
 * Writes entries through `codec` into `sink` after checking they can be stored exactly
 * (unless `allowLossy`); commits the sink on success and aborts it on failure.
 */
export async function writeChecked(
  codec: Codec,
  entries: Entry[],
  sink: ByteSink,
  options: WriteOptions = {},
): Promise<void> {
  try {
    checkLossless(codec, entries.map(infoOf), options.allowLossy, sink.name);
    await codec.write(entries, sink, options);
    await sink.close();
  } catch (error) {
    await sink.abort();
    throw error;
  }
}
