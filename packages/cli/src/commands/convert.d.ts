import type { Output } from '../output.js';
export interface ConvertCliOptions {
  format?: string | undefined;
  overwrite: boolean;
  allowLossy: boolean;
  compress: boolean;
}
/** Converts IN to OUT; returns the exit code. */
export declare function convert(
  input: string,
  output: string,
  options: ConvertCliOptions,
  out: Output,
): Promise<number>;
//# sourceMappingURL=convert.d.ts.map
