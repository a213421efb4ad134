import { diff as diffStates, isStatekitError } from '@statekit/core';
import { fileSource } from '@statekit/core/node';
import type { Output } from '../output.js';

/** Compares two files; returns 0 when equal, 1 when they differ, 2 when one cannot be read (as diff(1)). */
export async function diff(
  a: string,
  b: string,
  tolerances: { rtol: number; atol: number },
  out: Output,
): Promise<number> {
  try {
    const sa = fileSource(a);
    try {
      const sb = fileSource(b);
      try {
        const differences = await diffStates(sa, sb, tolerances);
        for (const d of differences) out.stdout(`${d.key}: ${d.detail}`);
        if (differences.length === 0) out.stdout(`${a} and ${b} hold the same states`);
        return differences.length === 0 ? 0 : 1;
      } finally {
        await sb.close();
      }
    } finally {
      await sa.close();
    }
  } catch (error) {
    out.stderr(`statekit: ${error instanceof Error ? error.message : String(error)}`);
    if (!isStatekitError(error)) out.stderr(String((error as Error).stack));
    return 2;
  }
}
