import { diff as diffStates, isStatekitError } from '@statekit/core';
import { fileSource } from '@statekit/core/node';
/** Compares two files; returns 0 when equal, 1 when they differ or cannot be read. */
export async function diff(a, b, tolerances, out) {
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
    if (!isStatekitError(error)) out.stderr(String(error.stack));
    return 1;
  }
}
//# sourceMappingURL=diff.js.map
