import type { Output } from '../output.js';
export interface LsOptions {
  json: boolean;
  sha256: boolean;
}
/** Lists each file; returns the exit code (1 when any file failed). */
export declare function ls(files: string[], options: LsOptions, out: Output): Promise<number>;
//# sourceMappingURL=ls.d.ts.map
