import type { ByteSink } from './byte-sink.js';
import type { Codec, WriteOptions } from './codec.js';
import { type Container, completeContainers, type WritePlan } from './container.js';
import { type Entry, keyOf } from './entry.js';
import { infoOf } from './entry-info.js';
import { StatekitError } from './errors.js';

/**
 * The plan for writing `entries` in memory: their infos, and `containers` completed with the
 * groups their paths imply.
 */
export function planOf(
  entries: readonly Entry[],
  containers: readonly Container[] = [],
): WritePlan {
  const infos = entries.map(infoOf);
  return { entries: infos, containers: completeContainers(infos, containers) };
}

/**
 * Writes entries held in memory through `codec.write` with the plan they imply (no lossiness
 * check, no commit): for tests and tools that drive a codec directly.
 */
export async function writeEntries(
  codec: Codec,
  entries: Entry[],
  sink: ByteSink,
  options?: WriteOptions,
  containers: readonly Container[] = [],
): Promise<void> {
  await codec.write(planOf(entries, containers), entries, sink, options);
}

/**
 * Lists, for each entry and container of `plan`, why `codec` cannot hold it exactly. Throws a
 * `mismatch` StatekitError naming every such key and reason, unless `allowLossy`.
 */
export function checkLossless(
  codec: Codec,
  plan: WritePlan,
  allowLossy: boolean | undefined,
  file?: string,
): void {
  if (allowLossy) return;
  const problems: string[] = [];
  for (const c of plan.containers) {
    const where = c.path.length === 0 ? '(root)' : keyOf(c.path);
    for (const why of codec.containerLossiness(c)) problems.push(`  ${where}: ${why}`);
  }
  for (const info of plan.entries)
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
 * Writes entries (and the containers they sit in) through `codec` into `sink` after checking
 * they can be stored exactly (unless `allowLossy`); commits the sink on success and aborts it
 * on failure.
 */
export async function writeChecked(
  codec: Codec,
  entries: Entry[],
  sink: ByteSink,
  options: WriteOptions = {},
  containers: readonly Container[] = [],
): Promise<void> {
  try {
    const plan = planOf(entries, containers);
    checkLossless(codec, plan, options.allowLossy, sink.name);
    await codec.write(plan, entries, sink, options);
    await sink.close();
  } catch (error) {
    await sink.abort();
    throw error;
  }
}
