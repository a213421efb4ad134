import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { formatSize } from '../src/format-size.js';
import { cli, FIXTURES, tempDir } from './helpers.js';

const NPZ = path.join(FIXTURES, 'npz');
const tmp = tempDir();

describe('convert', () => {
  test('round-trips an npz and diff finds no difference', async () => {
    const out = path.join(tmp, 'dtypes.npz');
    const r = await cli('convert', path.join(NPZ, 'dtypes.npz'), out);
    expect(r.code).toBe(0);
    expect(r.stdout).toEqual([
      `${path.join(NPZ, 'dtypes.npz')} -> ${out} (npz): 20 entries written, ${formatSize(fs.statSync(out).size)}`,
    ]);
    expect(await cli('diff', path.join(NPZ, 'dtypes.npz'), out)).toEqual({
      code: 0,
      stdout: [`${path.join(NPZ, 'dtypes.npz')} and ${out} hold the same states`],
      stderr: [],
    });
  });

  test('refuses to replace a file without --overwrite, and leaves it alone', async () => {
    const out = path.join(tmp, 'exists.npz');
    fs.writeFileSync(out, 'keep me');
    const r = await cli('convert', path.join(NPZ, 'int8.npy'), out);
    expect(r.code).toBe(1);
    expect(r.stderr).toEqual([`statekit: ${out}: file exists; pass --overwrite to replace it`]);
    expect(fs.readFileSync(out, 'utf8')).toBe('keep me');
    expect((await cli('convert', path.join(NPZ, 'int8.npy'), out, '--overwrite')).code).toBe(0);
  });

  test('a failed conversion leaves no file and no temporary behind', async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'fail-'));
    const out = path.join(dir, 'many.npy');
    const r = await cli('convert', path.join(NPZ, 'dtypes.npz'), out);
    expect(r.code).toBe(1);
    expect(r.stderr[0]).toBe(
      `statekit: ${out}, key "int8": a .npy file holds one array; write several into an .npz`,
    );
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  test('a corrupt input fails with the file and key named, and writes nothing', async () => {
    const out = path.join(tmp, 'from-crc.npz');
    const bad = path.join(NPZ, 'bad', 'crc.npz');
    const r = await cli('convert', bad, out);
    expect(r.code).toBe(1);
    expect(r.stderr[0]).toMatch(
      new RegExp(`^statekit: ${bad}, key "E.V": CRC-32 mismatch in member "E.V.npy"`),
    );
    expect(fs.existsSync(out)).toBe(false);
  });

  test('--brainpy-keys renames E--V to E.V; --compress deflates', async () => {
    const out = path.join(tmp, 'einet.npz');
    const r = await cli(
      'convert',
      path.join(NPZ, 'brainpy-einet-legacy.npz'),
      out,
      '--brainpy-keys',
      '--compress',
    );
    expect(r.stderr).toEqual([]);
    expect(r.code).toBe(0);
    expect((await cli('diff', path.join(NPZ, 'brainpy-einet.npz'), out)).code).toBe(0);
    expect(fs.statSync(out).size).toBeLessThan(
      fs.statSync(path.join(NPZ, 'brainpy-einet.npz')).size,
    );
  });

  test('an unknown output extension asks for --format', async () => {
    const out = path.join(tmp, 'x.weird');
    const r = await cli('convert', path.join(NPZ, 'int8.npy'), out);
    expect(r).toEqual({
      code: 1,
      stdout: [],
      stderr: [
        `statekit: ${out}: cannot tell the output format from the name; give it an extension or pass --format (npz (.npz); npy (.npy); hdf5 (.h5, .hdf5, .he5); pickle (.pkl, .pickle); msgpack (.msgpack, .bp))`,
      ],
    });
    expect((await cli('convert', path.join(NPZ, 'int8.npy'), out, '--format', 'npz')).code).toBe(0);
    expect(JSON.parse((await cli('ls', '--json', out)).stdout[0]!).format).toBe('npz');
  });
});

describe('diff', () => {
  test('lists missing keys, dtype and value differences; exit 1', async () => {
    const a = path.join(NPZ, 'brainpy-einet.npz');
    const b = path.join(NPZ, 'brainpy-einet-legacy.npz');
    const r = await cli('diff', a, b);
    expect(r.code).toBe(1);
    expect(r.stdout).toHaveLength(52);
    expect(r.stdout[0]).toBe(`ExpCOBA0.g: only in ${a}`);
    expect(r.stdout).toContain(`E--V: only in ${b}`);
  });

  test('tolerances: --rtol/--atol accept small float differences', async () => {
    const a = path.join(NPZ, 'float64.npy');
    const b = path.join(tmp, 'float64.npy');
    const bytes = fs.readFileSync(a);
    // nudge the last mantissa bit of the first element (data starts after the 128-byte header)
    bytes[128] = bytes[128]! ^ 1;
    fs.writeFileSync(b, bytes);
    const exact = await cli('diff', a, b);
    expect(exact.code).toBe(1);
    expect(exact.stdout[0]).toMatch(
      /^float64: 1 of 12 elements differ \(max abs difference [\d.e-]+\)$/,
    );
    expect((await cli('diff', a, b, '--rtol', '1e-12')).code).toBe(0);
  });

  test('dtype differences are reported as such; two .npy files compare whatever their names', async () => {
    const r = await cli('diff', path.join(NPZ, 'int8.npy'), path.join(NPZ, 'uint8.npy'));
    expect(r.code).toBe(1);
    expect(r.stdout).toEqual(['int8: int8 (5,) vs uint8 (6,)']);
    const copy = path.join(tmp, 'renamed.npy');
    fs.copyFileSync(path.join(NPZ, 'int8.npy'), copy);
    expect((await cli('diff', path.join(NPZ, 'int8.npy'), copy)).code).toBe(0);
    // npz -> npy -> npz: the one array keeps its values; the .npy rule holds both ways.
    const one = path.join(tmp, 'one.npz');
    expect((await cli('convert', path.join(NPZ, 'dtypes.npz'), one, '--keys', 'int8')).code).toBe(
      0,
    );
    expect((await cli('diff', one, copy)).code).toBe(0);
  });

  test('--brainpy-keys matches E--V with E.V', async () => {
    const a = path.join(NPZ, 'brainpy-einet.npz');
    const b = path.join(NPZ, 'brainpy-einet-legacy.npz');
    expect(await cli('diff', a, b, '--brainpy-keys')).toEqual({
      code: 0,
      stdout: [`${a} and ${b} hold the same states`],
      stderr: [],
    });
  });
});

describe('usage', () => {
  test('no command prints usage and exits 2; --help exits 0', async () => {
    expect((await cli()).code).toBe(2);
    const help = await cli('--help');
    expect(help.code).toBe(0);
    expect(help.stdout[0]).toMatch(/^usage:/);
  });
  test('unknown commands and options exit 2 with a message', async () => {
    expect((await cli('frobnicate')).stderr[0]).toMatch(/^statekit: unknown command "frobnicate"/);
    const r = await cli('ls', '--bogus', 'x');
    expect(r.code).toBe(2);
    expect(r.stderr[0]).toMatch(
      /^statekit: unknown option --bogus for ls \(valid: --json, --sha256, --help\)\n/,
    );
    expect((await cli('diff', 'a', 'b', '--rtol', '-1')).code).toBe(2);
    expect((await cli()).code).toBe(2);
  });
  test('--version, help, CMD --help and -h print to stdout and exit 0', async () => {
    const pkg = JSON.parse(
      fs.readFileSync(path.join(import.meta.dirname, '../package.json'), 'utf8'),
    ) as { version: string };
    expect(await cli('--version')).toEqual({
      code: 0,
      stdout: [`statekit ${pkg.version}`],
      stderr: [],
    });
    const general = await cli('help');
    expect([general.code, general.stderr]).toEqual([0, []]);
    expect(general.stdout[0]).toMatch(
      /^usage:\n {2}statekit ls .*\n {2}statekit convert .*\n {2}statekit diff /,
    );
    expect(general.stdout[0]).toContain("Run 'statekit help CMD'");
    for (const [args, says] of [
      [['help', 'diff'], '--rtol R        relative tolerance for floats (default 0)'],
      [['diff', 'a', '--help'], '--atol A        absolute tolerance for floats (default 0)'],
      [['ls', '--help'], '--sha256'],
      [['convert', '-h'], '--flatten           store groups as dotted names'],
    ] as const) {
      const r = await cli(...args);
      expect([r.code, r.stderr], args.join(' ')).toEqual([0, []]);
      expect(r.stdout[0]).toMatch(new RegExp(`^usage: statekit ${args.find((a) => a !== 'help')}`));
      expect(r.stdout[0]).toContain(says);
      expect(r.stdout[0]).toMatch(/\nexamples:\n {2}statekit /);
      expect(r.stdout[0]).toMatch(/\nexit codes: 0 /);
    }
    expect((await cli('help', 'frob')).code).toBe(2);
  });
  test('diff exits 2 when a file cannot be read (1 is for differences)', async () => {
    const r = await cli('diff', '/nonexistent/a.npz', path.join(NPZ, 'str.npy'));
    expect(r.code).toBe(2);
    expect(r.stderr[0]).toBe('statekit: /nonexistent/a.npz: cannot open: no such file');
  });
  test.each([
    ['h5', 'hdf5'],
    ['HDF', 'hdf5'],
    ['pkl', 'pickle'],
    ['.pickle', 'pickle'],
  ])('--format takes the alias %s for %s', async (alias, format) => {
    const out = path.join(tempDir(), 'x.out');
    const r = await cli('convert', path.join(NPZ, 'str.npy'), out, '--format', alias);
    expect(r.stdout[0]).toMatch(new RegExp(`\\(${format}\\): 1 entry written, [\\d.]+ (B|KiB)$`));
    expect(r.code).toBe(0);
  });
  test('ls of several files heads each table with its entry count, singular for one', async () => {
    const r = await cli('ls', path.join(NPZ, 'str.npy'), path.join(NPZ, 'bool.npy'));
    expect(r.stdout.filter((line) => line.includes('(npy, '))).toEqual([
      `${path.join(NPZ, 'str.npy')} (npy, 1 entry)`,
      `${path.join(NPZ, 'bool.npy')} (npy, 1 entry)`,
    ]);
  });
  test('ls prints a table by default', async () => {
    const r = await cli('ls', path.join(NPZ, 'str.npy'));
    expect(r).toEqual({
      code: 0,
      stdout: ['KEY  DTYPE  SHAPE   SIZE', 'str  str    (2, 2)  80 B'],
      stderr: [],
    });
  });
});
