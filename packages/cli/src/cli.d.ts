import { type Output } from './output.js';
export declare const USAGE =
  'usage:\n  statekit ls [--json] [--sha256] FILE...\n  statekit convert IN OUT [--format F] [--overwrite] [--allow-lossy] [--compress]\n  statekit diff A B [--rtol R] [--atol A]\n\nFormats: npz, npy (by magic bytes, then extension).\nExit codes: 0 success, 1 a file failed or files differ, 2 bad usage.';
/** Runs the CLI with `argv` (without node and script); returns the exit code. */
export declare function run(argv: string[], out?: Output): Promise<number>;
//# sourceMappingURL=cli.d.ts.map
