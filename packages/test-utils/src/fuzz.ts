import { bytesSource, type Codec, isStatekitError } from '@statekit/core';

/**
 * One mutant of `bytes`: a truncation, a few bit flips or random bytes, or (when `splice` is
 * given) one of those bytes inserted somewhere: a format's structural bytes (pickle opcodes,
 * msgpack type bytes) make mutants that parse further.
 */
export function mutateBytes(
  bytes: Uint8Array,
  random: () => number,
  splice: readonly number[] = [],
): Uint8Array {
  const kind = random();
  if (kind < 0.15) return bytes.slice(0, Math.floor(random() * bytes.length));
  if (splice.length > 0 && kind < 0.3) {
    const at = Math.floor(random() * bytes.length);
    const inserted = splice[Math.floor(random() * splice.length)]!;
    return Uint8Array.from([...bytes.subarray(0, at), inserted, ...bytes.subarray(at)]);
  }
  const out = bytes.slice();
  const flips = 1 + Math.floor(random() * 8);
  for (let i = 0; i < flips; i++) {
    const at = Math.floor(random() * out.length);
    out[at] = kind < 0.6 ? out[at]! ^ (1 << Math.floor(random() * 8)) : Math.floor(random() * 256);
  }
  return out;
}

/**
 * Feeds `iterations` mutants of `original` (named `name`) to `codec`: each is opened, listed,
 * its containers taken and every entry read. Each must read or fail with a StatekitError whose
 * message names the file; anything else throws, naming the mutant. Returns the counts.
 */
export async function fuzzCodec(
  codec: Codec,
  name: string,
  original: Uint8Array,
  {
    iterations = 400,
    random,
    splice,
  }: { iterations?: number; random: () => number; splice?: readonly number[] },
): Promise<{ ok: number; rejected: number }> {
  const outcomes = { ok: 0, rejected: 0 };
  for (let i = 0; i < iterations; i++) {
    const bytes = mutateBytes(original, random, splice);
    try {
      const reader = await codec.open(bytesSource(bytes, name));
      await reader.list();
      await reader.containers?.();
      for await (const _ of reader.read()) {
        // decode everything
      }
      outcomes.ok++;
    } catch (error) {
      if (!isStatekitError(error))
        throw new Error(`mutation ${i} of ${name}: ${String(error)}`, { cause: error });
      if (!error.message.startsWith(`${name}: `) && !error.message.startsWith(`${name}, key `))
        throw new Error(
          `mutation ${i} of ${name}: the error does not name the file: ${error.message}`,
        );
      outcomes.rejected++;
    }
  }
  return outcomes;
}
