import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { registerBuiltinCodecs } from './codecs.js';
import { convert } from './commands/convert.js';
import { diff } from './commands/diff.js';
import { ls } from './commands/ls.js';
import { type Output, processOutput } from './output.js';

type Option =
  | { type: 'boolean'; default: false; short?: string; help: string }
  | { type: 'string'; default?: string; multiple?: true; value: string; help: string };

/** Each command: its synopsis, what it does, its options (with their help), and examples. */
const COMMANDS = {
  ls: {
    synopsis: 'statekit ls [--json] [--sha256] FILE...',
    about: 'List the entries of each file: key, dtype, shape, size.',
    options: {
      json: { type: 'boolean', default: false, help: 'one JSON object per file per line' },
      sha256: {
        type: 'boolean',
        default: false,
        help: "SHA-256 of each array's little-endian C-order bytes (as numpy's tobytes())",
      },
    },
    examples: ['statekit ls net.h5', 'statekit ls --json --sha256 net.npz | jq .entries'],
    exits: '0 listed, 1 a file could not be read, 2 bad usage',
  },
  convert: {
    synopsis: 'statekit convert IN OUT [options]',
    about: 'Convert IN to OUT, format from the extension of OUT (or --format).',
    options: {
      format: {
        type: 'string',
        value: 'F',
        help: 'output format: npz, npy, hdf5 (alias h5), pickle (alias pkl), msgpack (alias bp)',
      },
      overwrite: { type: 'boolean', default: false, help: 'replace OUT if it exists' },
      'allow-lossy': {
        type: 'boolean',
        default: false,
        help: 'convert what OUT cannot hold exactly, as the refusal says',
      },
      flatten: {
        type: 'boolean',
        default: false,
        help: "store groups as dotted names (E/V -> E.V, BrainPy's flat layout)",
      },
      nest: {
        type: 'boolean',
        default: false,
        help: 'store names with "/" as groups (layer/0/w, as h5py does)',
      },
      keys: {
        type: 'string',
        multiple: true,
        value: 'K,K...',
        help: 'convert only these keys (repeatable)',
      },
      'skip-unsupported': {
        type: 'boolean',
        default: false,
        help: 'leave out entries statekit does not read (object arrays, compound types)',
      },
      compress: { type: 'boolean', default: false, help: 'deflate npz members (savez_compressed)' },
      'brainpy-keys': {
        type: 'boolean',
        default: false,
        help: "rename BrainPy 2.0's E--V keys to E.V",
      },
    },
    examples: [
      'statekit convert net.h5 net.npz',
      'statekit convert brainpy-1.x.h5 flat.npz --flatten',
      'statekit convert flax.npz params.h5 --nest --keys params/dense/kernel',
    ],
    exits: '0 converted, 1 failed (nothing is written), 2 bad usage',
  },
  diff: {
    synopsis: 'statekit diff A B [--rtol R] [--atol A] [--brainpy-keys]',
    about: 'Compare keys, dtypes, shapes and values of two files of any formats.',
    options: {
      rtol: { type: 'string', default: '0', value: 'R', help: 'relative tolerance for floats' },
      atol: { type: 'string', default: '0', value: 'A', help: 'absolute tolerance for floats' },
      'brainpy-keys': {
        type: 'boolean',
        default: false,
        help: "match BrainPy 2.0's E--V keys with E.V",
      },
    },
    examples: ['statekit diff net.h5 net.npz', 'statekit diff a.npz b.npz --rtol 1e-6'],
    exits: '0 same, 1 different, 2 trouble (a file cannot be read, bad usage), as diff(1)',
  },
} as const satisfies Record<
  string,
  {
    synopsis: string;
    about: string;
    options: Record<string, Option>;
    examples: readonly string[];
    exits: string;
  }
>;

type Command = keyof typeof COMMANDS;

export const USAGE = `usage:
${Object.values(COMMANDS)
  .map((c) => `  ${c.synopsis}`)
  .join('\n')}
  statekit --version | help [CMD] | CMD --help

Formats: npz, npy, hdf5 (alias h5), pickle (alias pkl), torch (.pt, read only),
msgpack (alias bp), detected by magic bytes, then extension.
Paths are taken from the directory statekit is called in.
Run 'statekit help CMD' for a command's options, defaults and examples.`;

/** `statekit help CMD`: synopsis, options with defaults, examples, exit codes. */
function commandHelp(name: Command): string {
  const c = COMMANDS[name];
  const rows = Object.entries(c.options as Record<string, Option>).map(([flag, o]) => {
    const left = o.type === 'string' ? `--${flag} ${o.value}` : `--${flag}`;
    const byDefault =
      o.type === 'string' && o.default !== undefined ? ` (default ${o.default})` : '';
    return [left, `${o.help}${byDefault}`] as const;
  });
  rows.push(['-h, --help', 'print this help']);
  const width = Math.max(...rows.map(([l]) => l.length));
  return [
    `usage: ${c.synopsis}`,
    '',
    c.about,
    '',
    'options:',
    ...rows.map(([l, r]) => `  ${l.padEnd(width)}  ${r}`),
    '',
    'examples:',
    ...c.examples.map((e) => `  ${e}`),
    '',
    `exit codes: ${c.exits}`,
  ].join('\n');
}

const HELP = { help: { type: 'boolean', short: 'h', default: false } } as const;

/** Parses a command's arguments, turning parseArgs' errors into our usage messages. */
function parse(command: Command, args: string[]) {
  const options = Object.fromEntries(
    Object.entries(COMMANDS[command].options as Record<string, Option>).map(([k, o]) => [
      k,
      {
        type: o.type,
        ...('multiple' in o ? { multiple: true } : {}),
        ...(o.default === undefined ? {} : { default: o.default }),
      },
    ]),
  );
  try {
    return parseArgs({ args, allowPositionals: true, options: { ...options, ...HELP } }) as {
      values: Record<string, string | boolean | string[] | undefined>;
      positionals: string[];
    };
  } catch (error) {
    const code = (error as { code?: string }).code;
    const flag = /'(-[^']*)'/.exec((error as Error).message)?.[1];
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const valid = [...Object.keys(COMMANDS[command].options), 'help'].map((o) => `--${o}`);
      throw new UsageError(`unknown option ${flag} for ${command} (valid: ${valid.join(', ')})`);
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

const isCommand = (name: string | undefined): name is Command =>
  name !== undefined && Object.hasOwn(COMMANDS, name);

/** Runs the CLI with `argv` (without node and script); returns the exit code. */
export async function run(argv: string[], out: Output = processOutput): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (isCommand(command)) {
      const { values, positionals } = parse(command, rest);
      if (values.help) return print(out, commandHelp(command));
      registerBuiltinCodecs();
      return await runCommand(command, values, positionals, out);
    }
    switch (command) {
      case '--version':
      case '-V':
        return print(out, `statekit ${version()}`);
      case undefined:
        return usage(out, 'a command is needed');
      case '-h':
      case '--help':
      case 'help': {
        const topic = rest[0];
        if (topic === undefined) return print(out, USAGE);
        if (isCommand(topic)) return print(out, commandHelp(topic));
        return usage(out, `no help for "${topic}": not a command`);
      }
      default:
        return usage(out, `unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError) return usage(out, error.message);
    throw error;
  }
}

async function runCommand(
  command: Command,
  values: Record<string, string | boolean | string[] | undefined>,
  positionals: string[],
  out: Output,
): Promise<number> {
  const flag = (name: string): boolean => values[name] === true;
  switch (command) {
    case 'ls':
      if (positionals.length === 0) return usage(out, 'ls needs at least one FILE');
      return ls(positionals, { json: flag('json'), sha256: flag('sha256') }, out);
    case 'convert': {
      if (positionals.length !== 2) return usage(out, 'convert needs IN and OUT');
      const keys = (values.keys as string[] | undefined)?.flatMap((k) => k.split(','));
      return convert(
        positionals[0]!,
        positionals[1]!,
        {
          format: values.format as string | undefined,
          overwrite: flag('overwrite'),
          allowLossy: flag('allow-lossy'),
          compress: flag('compress'),
          brainpyKeys: flag('brainpy-keys'),
          flatten: flag('flatten'),
          nest: flag('nest'),
          keys: keys?.filter((k) => k !== ''),
          skipUnsupported: flag('skip-unsupported'),
        },
        out,
      );
    }
    case 'diff': {
      if (positionals.length !== 2) return usage(out, 'diff needs A and B');
      const rtol = Number(values.rtol);
      const atol = Number(values.atol);
      if (!(rtol >= 0) || !(atol >= 0))
        return usage(out, '--rtol and --atol must be non-negative numbers');
      const options = { rtol, atol, brainpyKeys: flag('brainpy-keys') };
      return diff(positionals[0]!, positionals[1]!, options, out);
    }
  }
}

function print(out: Output, text: string): number {
  out.stdout(text);
  return 0;
}

function usage(out: Output, problem: string): number {
  out.stderr(`statekit: ${problem}\n${USAGE}`);
  return 2;
}
