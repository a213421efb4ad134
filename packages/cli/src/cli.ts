import * as fs from 'node:fs';
import * as path from 'node:path';
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

  statekit --version | help

Formats: npz, npy, hdf5 (alias h5), detected by magic bytes, then extension.
--compress deflates npz members; --brainpy-keys renames BrainPy 2.0's E--V keys to E.V.
--rtol and --atol default to 0 (exact comparison).
Exit codes: ls and convert: 0 success, 1 a file failed, 2 bad usage;
diff: 0 same, 1 different, 2 trouble (a file cannot be read, bad usage).`;

/** The options of each command, for parseArgs, --help and unknown-option messages. */
const OPTIONS = {
  ls: {
    json: { type: 'boolean', default: false },
    sha256: { type: 'boolean', default: false },
  },
  convert: {
    format: { type: 'string' },
    overwrite: { type: 'boolean', default: false },
    'allow-lossy': { type: 'boolean', default: false },
    compress: { type: 'boolean', default: false },
    'brainpy-keys': { type: 'boolean', default: false },
  },
  diff: {
    rtol: { type: 'string', default: '0' },
    atol: { type: 'string', default: '0' },
  },
} as const;

const HELP = { help: { type: 'boolean', short: 'h', default: false } } as const;

/** Runs a command's parseArgs, turning its errors into our usage messages. */
function parsing<T>(command: keyof typeof OPTIONS, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    const code = (error as { code?: string }).code;
    const flag = /'(-[^']*)'/.exec((error as Error).message)?.[1];
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const valid = [...Object.keys(OPTIONS[command]), 'help'].map((o) => `--${o}`).join(', ');
      throw new UsageError(`unknown option ${flag} for ${command} (valid: ${valid})`);
    }
    throw new UsageError(`${command}: ${(error as Error).message.split('.')[0]}`);
  }
}

class UsageError extends Error {}

/** The CLI package's version, from its package.json (found from src/ or dist/src/). */
function version(): string {
  let dir = import.meta.dirname;
  for (let i = 0; i < 4; i++, dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (!fs.existsSync(file)) continue;
    const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === '@statekit/cli') return pkg.version ?? 'unknown';
  }
  return 'unknown';
}

/** Runs the CLI with `argv` (without node and script); returns the exit code. */
export async function run(argv: string[], out: Output = processOutput): Promise<number> {
  registerBuiltinCodecs();
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'ls': {
        const { values, positionals } = parsing('ls', () =>
          parseArgs({ args: rest, allowPositionals: true, options: { ...OPTIONS.ls, ...HELP } }),
        );
        if (values.help) return help(out);
        if (positionals.length === 0) return usage(out, 'ls needs at least one FILE');
        return await ls(positionals, { json: values.json, sha256: values.sha256 }, out);
      }
      case 'convert': {
        const { values, positionals } = parsing('convert', () =>
          parseArgs({
            args: rest,
            allowPositionals: true,
            options: { ...OPTIONS.convert, ...HELP },
          }),
        );
        if (values.help) return help(out);
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
        const { values, positionals } = parsing('diff', () =>
          parseArgs({ args: rest, allowPositionals: true, options: { ...OPTIONS.diff, ...HELP } }),
        );
        if (values.help) return help(out);
        if (positionals.length !== 2) return usage(out, 'diff needs A and B');
        const rtol = Number(values.rtol);
        const atol = Number(values.atol);
        if (!(rtol >= 0) || !(atol >= 0))
          return usage(out, '--rtol and --atol must be non-negative numbers');
        return await diff(positionals[0]!, positionals[1]!, { rtol, atol }, out);
      }
      case '--version':
      case '-V':
        out.stdout(`statekit ${version()}`);
        return 0;
      case undefined:
        return usage(out, 'a command is needed');
      case '-h':
      case '--help':
      case 'help':
        return help(out);
      default:
        return usage(out, `unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError) return usage(out, error.message);
    throw error;
  }
}

function help(out: Output): number {
  out.stdout(USAGE);
  return 0;
}

function usage(out: Output, problem: string): number {
  out.stderr(`statekit: ${problem}\n${USAGE}`);
  return 2;
}
