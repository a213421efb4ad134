import { brainpyLegacyKey, diff as diffStates, isStatekitError } from '@statekit/core';
import { fileSource } from '@statekit/core/node';
import type { Output } from '../output.js';
import { progressBar } from '../progress.js';

export interface DiffCliOptions {
  rtol: number;
  atol: number;
  /** Match BrainPy 2.0's `E--V` keys with `E.V`. */
  brainpyKeys: boolean;
}

/** Compares two files; returns 0 when equal, 1 when they differ, 2 when one cannot be read (as diff(1)). */
export async function diff(
  a: string,
  b: string,
  options: DiffCliOptions,
  out: Output,
): Promise<number> {
  const bar = progressBar(`comparing ${a} and ${b}`);
  try {
    const sa = fileSource(a);
    try {
      const sb = fileSource(b);
      try {
        const differences = await diffStates(sa, sb, {
          rtol: options.rtol,
          atol: options.atol,
          ...(options.brainpyKeys ? { rename: brainpyLegacyKey } : {}),
          onProgress: bar.update,
        });
        bar.finish();
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
    bar.finish();
    out.stderr(`statekit: ${error instanceof Error ? error.message : String(error)}`);
    if (!isStatekitError(error)) out.stderr(String((error as Error).stack));
    return 2;
  }
}
