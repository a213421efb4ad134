import { parseArgs } from 'node:util';
import { registerBuiltinCodecs } from './codecs.js';
import { convert } from './commands/convert.js';
import { diff } from './commands/diff.js';
import { ls } from './commands/ls.js';
import { type Output, processOutput } from './output.js';

export const USAGE = `usage:
  statekit ls [--json] [--sha256] FILE...
  statekit convert IN OUT [--format F] [--overwrite] [--allow-lossy] [--compress] [--brainpy-keys]
  statekit diff A B [--rtol R] [--atol A]

Formats: npz, npy, hdf5 (by magic bytes, then extension).
--compress deflates npz members; --brainpy-keys renames BrainPy 2.0's E--V keys to E.V.
Exit codes: 0 success, 1 a file failed or files differ, 2 bad usage.`;

/** Runs the CLI with `argv` (without node and script); returns the exit code. */
export async function run(argv: string[], out: Output = processOutput): Promise<number> {
  registerBuiltinCodecs();
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'ls': {
        const { values, positionals } = parseArgs({
          args: rest,
          allowPositionals: true,
          options: {
            json: { type: 'boolean', default: false },
            sha256: { type: 'boolean', default: false },
          },
        });
        if (positionals.length === 0) return usage(out, 'ls needs at least one FILE');
        return await ls(positionals, { json: values.json, sha256: values.sha256 }, out);
      }
      case 'convert': {
        const { values, positionals } = parseArgs({
          args: rest,
          allowPositionals: true,
          options: {
            format: { type: 'string' },
            overwrite: { type: 'boolean', default: false },
            'allow-lossy': { type: 'boolean', default: false },
            compress: { type: 'boolean', default: false },
            'brainpy-keys': { type: 'boolean', default: false },
          },
        });
        if (positionals.length !== 2) return usage(out, 'convert needs IN and OUT');
        return await convert(
          positionals[0]!,
          positionals[1]!,
          {
            format: values.format,
            overwrite: values.overwrite,
            allowLossy: values['allow-lossy'],
            compress: values.compress,
            brainpyKeys: values['brainpy-keys'],
          },
          out,
        );
      }
      case 'diff': {
        const { values, positionals } = parseArgs({
          args: rest,
          allowPositionals: true,
          options: {
            rtol: { type: 'string', default: '0' },
            atol: { type: 'string', default: '0' },
          },
        });
        if (positionals.length !== 2) return usage(out, 'diff needs A and B');
        const rtol = Number(values.rtol);
        const atol = Number(values.atol);
        if (!(rtol >= 0) || !(atol >= 0))
          return usage(out, '--rtol and --atol must be non-negative numbers');
        return await diff(positionals[0]!, positionals[1]!, { rtol, atol }, out);
      }
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        out.stdout(USAGE);
        return command === undefined ? 2 : 0;
      default:
        return usage(out, `unknown command "${command}"`);
    }
  } catch (error) {
    // parseArgs rejects unknown options with a TypeError.
    return usage(out, error instanceof Error ? error.message : String(error));
  }
}

function usage(out: Output, problem: string): number {
  out.stderr(`statekit: ${problem}\n${USAGE}`);
  return 2;
}
