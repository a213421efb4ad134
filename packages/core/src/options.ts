import { codecDescriptor } from './registry.js';

/** Suggests the closest name (edit distance at most 2), for "did you mean" hints. */
function closest(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const c of candidates) {
    const d = editDistance(name, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost));
    }
    prev = row;
  }
  return prev[b.length]!;
}

function unknown(where: string, name: string, known: readonly string[]): TypeError {
  const guess = closest(name, known);
  return new TypeError(
    `unknown ${where ? `${where} ` : ''}option "${name}"${guess ? ` (did you mean "${guess}"?)` : ''}; known: ${known.join(', ')}`,
  );
}

/**
 * Checks an options object at run time, as the types do at compile time: every key must be
 * one of `own` (the function's options) or, with `direction`, a registered codec's name, and
 * every key in a codec's bag one that codec declares (`readOptions` / `writeOptions`). Throws a TypeError
 * naming the unknown option and the closest known one.
 */
export function checkOptions(
  options: object | undefined,
  own: readonly string[],
  direction?: 'read' | 'write',
): void {
  if (options === undefined) return;
  for (const [name, value] of Object.entries(options)) {
    if (value === undefined || own.includes(name)) continue;
    const codec = direction && codecDescriptor(name);
    if (!codec || !direction) throw unknown(direction ?? '', name, own);
    const allowed = (direction === 'read' ? codec.readOptions : codec.writeOptions) ?? [];
    if (typeof value !== 'object' || value === null) {
      throw new TypeError(`${direction} option "${name}" must be an object of ${name} options`);
    }
    for (const inner of Object.keys(value)) {
      if (!allowed.includes(inner)) throw unknown(`${name} ${direction}`, inner, allowed);
    }
  }
}

/** The option names of {@link ReadOptions} itself. */
export const READ_OPTIONS: readonly string[] = ['limits', 'verify', 'streamAbove'];
/** The option names of {@link WriteOptions} itself. */
export const WRITE_OPTIONS: readonly string[] = ['allowLossy'];
