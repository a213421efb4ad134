import type { Output } from '../output.js';
/** Compares two files; returns 0 when equal, 1 when they differ or cannot be read. */
export declare function diff(
  a: string,
  b: string,
  tolerances: {
    rtol: number;
    atol: number;
  },
  out: Output,
): Promise<number>;
//# sourceMappingURL=diff.d.ts.map
