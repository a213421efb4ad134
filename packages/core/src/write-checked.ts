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

/** One thing a format cannot hold exactly: where (a key, or `(root)`) and why. */
export interface LossProblem {
  readonly where: string;
  readonly why: string;
}

/** How many keys a summary names for each reason before `and N more`. */
const NAMED_PER_REASON = 3;

/**
 * A conversion refused because `format` cannot hold everything exactly (tag `mismatch`):
 * `problems` lists each key and reason; the message summarises them, one line per reason with
 * its count and first keys, so 3,000 flattened groups make one line, not 3,000.
 */
export class LossyConversionError extends StatekitError {
  /** One line per reason (see {@link summarizeLosses}), as the message has them. */
  readonly summary: readonly string[];

  constructor(
    readonly format: string,
    readonly problems: readonly LossProblem[],
    file?: string,
  ) {
    const lines = summarizeLosses(problems);
    super(
      'mismatch',
      `${format} cannot store ${lossCount(problems)} exactly (allow lossy conversion to proceed):\n${lines.join('\n')}`,
      { file },
    );
    this.summary = lines;
  }
}

/** `this entry` or `these N entries`, counting each key once whatever its reasons. */
export function lossCount(problems: readonly LossProblem[]): string {
  const n = new Set(problems.map((p) => p.where)).size;
  return n === 1 ? 'this entry' : `these ${n.toLocaleString('en-US')} entries`;
}

/**
 * One line per reason, in order of first appearance, naming its first keys:
 * `  E.V, E.spike, I.V and 2,997 more: why`.
 */
export function summarizeLosses(problems: readonly LossProblem[]): string[] {
  const byWhy = new Map<string, string[]>();
  for (const { where, why } of problems) {
    const at = byWhy.get(why);
    if (at) at.push(where);
    else byWhy.set(why, [where]);
  }
  return [...byWhy].map(([why, wheres]) => {
    const more = wheres.length - NAMED_PER_REASON;
    const rest = more > 0 ? ` and ${more.toLocaleString('en-US')} more` : '';
    return `  ${wheres.slice(0, NAMED_PER_REASON).join(', ')}${rest}: ${why}`;
  });
}

/** For each entry and container of `plan`, why `codec` cannot hold it exactly. */
export function lossesOf(codec: Codec, plan: WritePlan): LossProblem[] {
  const problems: LossProblem[] = [];
  for (const c of plan.containers) {
    const where = c.path.length === 0 ? '(root)' : keyOf(c.path);
    for (const why of codec.containerLossiness(c)) problems.push({ where, why });
  }
  for (const info of plan.entries)
    for (const why of codec.lossiness(info)) problems.push({ where: info.key, why });
  return problems;
}

/**
 * Throws a {@link LossyConversionError} naming every entry and container of `plan` that
 * `codec` cannot hold exactly (and any `more` problems the caller found), unless `allowLossy`.
 */
export function checkLossless(
  codec: Codec,
  plan: WritePlan,
  allowLossy: boolean | undefined,
  file?: string,
  more: readonly LossProblem[] = [],
): void {
  if (allowLossy) return;
  const problems = [...more, ...lossesOf(codec, plan)];
  if (problems.length > 0) throw new LossyConversionError(codec.name, problems, file);
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
