/**
 * The CLI as a user meets it: --flatten / --nest / --keys, BrainPy's alias lists both ways,
 * summarised refusals, OUT checked first, plain-word errors, path-aware keys, signals, and
 * paths relative to the caller. Python (numpy, h5py) reads what we write.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { formatSize } from '../src/format-size.js';
import { cli, FIXTURES, REPO, tempDir } from './helpers.js';
import { PYTHON, PYTHON_MISSING, python } from './python.js';

const H5 = path.join(FIXTURES, 'hdf5');
const NPZ = path.join(FIXTURES, 'npz');
const BIN = path.join(REPO, 'packages/cli/dist/src/main.js');
const tmp = tempDir();
const withPython = PYTHON ? test : test.skip;
if (!PYTHON) console.log(`convert-flags: numpy/h5py checks skipped: ${PYTHON_MISSING}`);

describe('convert --flatten on a BrainPy 1.x grouped .h5', () => {
  const groups = path.join(H5, 'brainpy-1.x-groups.h5');

  test('without it: one refusal line per reason, naming both flags', async () => {
    const out = path.join(tmp, 'groups.npz');
    const r = await cli('convert', groups, out);
    expect(r.code).toBe(1);
    expect(r.stderr).toEqual([
      `statekit: ${out}: npz cannot store these 4 entries exactly:\n` +
        '  E.V, E.spike, I.V and 1 more: a nested path is stored under its dotted name: the nesting is lost\n' +
        '  E.V, E.spike, I.V and 1 more: its attributes (type) are dropped: NumPy files have none\n' +
        "pass --allow-lossy to convert them as said, or --flatten to store groups as dotted names (BrainPy's flat layout)",
    ]);
    expect(fs.existsSync(out)).toBe(false);
  });

  test('with it: the flat E.V keys BrainPy 2.x loads; only the type attributes need --allow-lossy', async () => {
    const out = path.join(tmp, 'flat.npz');
    const refused = await cli('convert', groups, out, '--flatten');
    expect(refused.stderr[0]).toMatch(
      /cannot store these 4 entries exactly:\n {2}E\.V, E\.spike, I\.V and 1 more: its attributes \(type\) are dropped: NumPy files have none\npass --allow-lossy to convert them as said$/,
    );
    const r = await cli('convert', groups, out, '--flatten', '--allow-lossy');
    expect(r).toEqual({
      code: 0,
      stdout: [
        `${groups} -> ${out} (npz): 4 entries written, ${formatSize(fs.statSync(out).size)}`,
      ],
      stderr: [],
    });
    const listed = JSON.parse((await cli('ls', '--json', out)).stdout[0]!);
    expect(listed.entries.map((e: { path: string[] }) => e.path)).toEqual([
      ['E.V'],
      ['E.spike'],
      ['I.V'],
      ['I.spike'],
    ]);
    expect((await cli('diff', out, groups)).code).toBe(0);
  });

  withPython('numpy reads the flat keys', async () => {
    const out = path.join(tmp, 'flat-np.npz');
    await cli('convert', groups, out, '--flatten', '--allow-lossy');
    expect(
      python('import sys, numpy as np; print(sorted(np.load(sys.argv[1]).files))', out).trim(),
    ).toBe("['E.V', 'E.spike', 'I.V', 'I.spike']");
  });

  withPython('3,000 grouped datasets are refused in a few lines, not 3,001', async () => {
    const big = path.join(tmp, 'many-groups.h5');
    python(
      `import sys, h5py, numpy as np
with h5py.File(sys.argv[1], 'w') as f:
    for i in range(1000):
        g = f.create_group(f'n{i:04d}')
        for v in ('V', 'spike', 'input'): g[v] = np.zeros(2, 'f4')`,
      big,
    );
    const r = await cli('convert', big, path.join(tmp, 'many.npz'));
    expect(r.stderr[0]!.split('\n')).toEqual([
      `statekit: ${path.join(tmp, 'many.npz')}: npz cannot store these 3,000 entries exactly:`,
      '  n0000.V, n0000.input, n0000.spike and 2,997 more: a nested path is stored under its dotted name: the nesting is lost',
      "pass --allow-lossy to convert them as said, or --flatten to store groups as dotted names (BrainPy's flat layout)",
    ]);
    const flat = await cli('convert', big, path.join(tmp, 'many.npz'), '--flatten');
    expect(flat.stdout[0]).toMatch(/: 3000 entries written, /);
  });
});

describe("BrainPy's duplicate_keys in each format's own form", () => {
  withPython('h5 -> npz: <U arrays, as save_as_npz writes them', async () => {
    const out = path.join(tmp, 'aliases.npz');
    const r = await cli('convert', path.join(H5, 'brainpy-2.2-duplicates.h5'), out);
    expect(r.stderr).toEqual([]);
    expect(
      python(
        `import sys, numpy as np
f = np.load(sys.argv[1])
for k in ('duplicate_keys', 'duplicate_targets'): print(f[k].dtype.kind, f[k].tolist())`,
        out,
      ).trim(),
    ).toBe("U ['Proj0.post.V', 'Proj0.syn.g']\nU ['LIF0.V', 'Exp0.g']");
  });

  withPython("npz -> h5: '+'-joined scalar strings BrainPy's load_by_h5 splits", async () => {
    const out = path.join(tmp, 'aliases.h5');
    const r = await cli('convert', path.join(NPZ, 'brainpy-2.2-duplicates.npz'), out);
    expect(r.stderr).toEqual([]);
    expect(
      python(
        `import sys, h5py, numpy as np
f = h5py.File(sys.argv[1], 'r')
for k in ('duplicate_keys', 'duplicate_targets'):
    print(f[k].shape, np.asarray(f[k]).item().decode('utf-8').split('+'))`,
        out,
      ).trim(),
    ).toBe("() ['Proj0.post.V', 'Proj0.syn.g']\n() ['LIF0.V', 'Exp0.g']");
    // Round trip back to npz: the same states, lists and all.
    const back = path.join(tmp, 'aliases-back.npz');
    expect((await cli('convert', out, back)).code).toBe(0);
    expect((await cli('diff', back, path.join(NPZ, 'brainpy-2.2-duplicates.npz'))).code).toBe(0);
  });

  test('diff compares alias lists by the names they hold, in either form', async () => {
    const r = await cli(
      'diff',
      path.join(H5, 'brainpy-2.2-duplicates.h5'),
      path.join(NPZ, 'brainpy-2.2-duplicates.npz'),
    );
    expect(r.stdout.filter((l) => l.startsWith('duplicate'))).toEqual([]);
  });
});

describe('names with "/" (flattened flax/torch state dicts)', () => {
  withPython(
    '--nest stores them as groups, as h5py does; without it the flag is named',
    async () => {
      const src = path.join(tmp, 'slash.npz');
      python(
        `import sys, numpy as np
np.savez(sys.argv[1], **{'layer/0/w': np.arange(3, dtype='f4'), 'layer/0/b': np.zeros(2, 'f4'), 'top': np.ones(1)})`,
        src,
      );
      const out = path.join(tmp, 'slash.h5');
      const refused = await cli('convert', src, out);
      expect(refused.stderr).toEqual([
        `statekit: ${out}: hdf5 cannot store these 2 entries exactly:\n` +
          '  layer/0/w, layer/0/b: a "/" in a name makes groups in HDF5 (as h5py does): the flat name is lost\n' +
          'pass --allow-lossy to convert them as said, or --nest to store names with "/" as groups (as h5py does)',
      ]);
      expect((await cli('convert', src, out, '--nest')).code).toBe(0);
      expect(
        python(
          `import sys, h5py
f = h5py.File(sys.argv[1], 'r')
print(f['layer/0/w'][()].tolist(), list(f['layer'].keys()), list(f['layer/0'].keys()))`,
          out,
        ).trim(),
      ).toBe("[0.0, 1.0, 2.0] ['0'] ['b', 'w']");
      // --allow-lossy alone stores them the same way.
      const lossy = path.join(tmp, 'slash-lossy.h5');
      expect((await cli('convert', src, lossy, '--allow-lossy')).code).toBe(0);
      expect((await cli('diff', out, lossy)).code).toBe(0);
    },
  );
});

describe('--keys', () => {
  test('converts only the keys named (comma-separated or repeated); an unknown one is named', async () => {
    const out = path.join(tmp, 'some.npz');
    const src = path.join(NPZ, 'brainpy-einet.npz');
    const r = await cli('convert', src, out, '--keys', 'E.V,E.spike', '--keys', 'I.V');
    expect(r.stdout[0]).toMatch(/: 3 entries written, /);
    const keys = JSON.parse((await cli('ls', '--json', out)).stdout[0]!).entries.map(
      (e: { key: string }) => e.key,
    );
    expect(keys).toEqual(['E.V', 'E.spike', 'I.V']);
    const missing = await cli('convert', src, path.join(tmp, 'none.npz'), '--keys', 'E.W');
    expect(missing).toEqual({
      code: 1,
      stdout: [],
      stderr: [`statekit: ${src}, key "E.W": no such key in the file`],
    });
    expect(fs.existsSync(path.join(tmp, 'none.npz'))).toBe(false);
  });
});

describe('entries statekit does not read stay in their entry', () => {
  withPython(
    'an object array in an npz, a compound dataset in an h5: listed, refused naming --skip-unsupported, skipped with it',
    async () => {
      const npzFile = path.join(tmp, 'object.npz');
      const h5File = path.join(tmp, 'compound.h5');
      python(
        `import sys, h5py, numpy as np
np.savez(sys.argv[1], a=np.arange(3), o=np.array([{'x': 1}], dtype=object), b=np.ones(2))
with h5py.File(sys.argv[2], 'w') as f:
    f['ok'] = np.arange(3)
    f['rec'] = np.zeros(2, dtype=[('a', 'i4'), ('b', 'f8')])`,
        npzFile,
        h5File,
      );
      const why =
        "object arrays (descr '|O') hold pickled Python objects; statekit refuses them, like numpy with allow_pickle=False";
      expect(await cli('ls', npzFile)).toEqual({
        code: 1,
        stdout: [
          'KEY  DTYPE        SHAPE  SIZE',
          'a    int64        (3,)   24 B',
          'o    unsupported  ()      0 B',
          'b    float64      (2,)   16 B',
        ],
        stderr: [`statekit: ${npzFile}, key "o": ${why}`],
      });
      const json = JSON.parse((await cli('ls', '--json', '--sha256', h5File)).stdout[0]!);
      expect(json.entries[1]).toEqual({
        key: 'rec',
        path: ['rec'],
        dtype: 'none',
        shape: [2],
        unsupported: 'compound type {a,b} is not a complex number',
      });
      expect(json.entries[0].sha256).toMatch(/^[0-9a-f]{64}$/);
      const out = path.join(tmp, 'object-out.npz');
      expect(await cli('convert', npzFile, out)).toEqual({
        code: 1,
        stdout: [],
        stderr: [
          `statekit: ${npzFile}, key "o": ${why}\npass --skip-unsupported to convert the other entries`,
        ],
      });
      expect(fs.existsSync(out)).toBe(false);
      const skipped = await cli('convert', npzFile, out, '--skip-unsupported');
      expect(skipped.code).toBe(0);
      expect(skipped.stderr).toEqual([`statekit: ${npzFile}, key "o": skipped: ${why}`]);
      expect(skipped.stdout[0]).toMatch(/: 2 entries written, /);
      expect(
        python('import sys, numpy as np; print(sorted(np.load(sys.argv[1]).files))', out).trim(),
      ).toBe("['a', 'b']");
      const h5Out = path.join(tmp, 'compound-out.npz');
      expect((await cli('convert', h5File, h5Out, '--skip-unsupported')).code).toBe(0);
      // diff reports what it cannot compare, and compares the rest.
      expect(await cli('diff', npzFile, npzFile)).toEqual({
        code: 1,
        stdout: [`o: not compared: ${why}`],
        stderr: [],
      });
    },
  );
});

describe('OUT is checked before any work; errors in plain words', () => {
  test('a directory, a missing directory, an existing file', async () => {
    const src = path.join(NPZ, 'str.npy');
    expect((await cli('convert', src, tmp)).stderr).toEqual([
      `statekit: ${tmp}: is a directory; give the output file a name`,
    ]);
    expect((await cli('convert', src, '/nonexistent-dir/x.npz')).stderr).toEqual([
      'statekit: /nonexistent-dir/x.npz: cannot create: no such directory',
    ]);
    // A missing input is reported as such, after OUT (which is fine) is checked.
    expect(
      (await cli('convert', '/nonexistent-dir/in.npz', path.join(tmp, 'o.npz'))).stderr,
    ).toEqual(['statekit: /nonexistent-dir/in.npz: cannot open: no such file']);
  });

  test('a key is named once, never twice', async () => {
    const out = path.join(tmp, 'once.h5');
    const r = await cli(
      'convert',
      path.join(NPZ, 'dtypes.npz'),
      out,
      '--format',
      'hdf5',
      '--keys',
      'int8',
    );
    expect(r.code).toBe(0);
    const bad = await cli('convert', path.join(NPZ, 'dtypes.npz'), path.join(tmp, 'many.npy'));
    expect(bad.stderr[0]).toBe(
      `statekit: ${path.join(tmp, 'many.npy')}, key "int8": a .npy file holds one array; write several into an .npz`,
    );
  });
});

describe('path-aware keys', () => {
  withPython(
    'a root dataset E.V and a group dataset E/V are told apart in ls and diff',
    async () => {
      const a = path.join(tmp, 'clash-a.h5');
      const b = path.join(tmp, 'clash-b.h5');
      const make = `import sys, h5py, numpy as np
with h5py.File(sys.argv[1], 'w') as f:
    f['E.V'] = np.arange(3, dtype='f4')
    f.create_group('E')['V'] = np.full(3, float(sys.argv[2]), 'f4')`;
      python(make, a, '1');
      python(make, b, '2');
      const table = await cli('ls', a);
      expect(table.stdout).toEqual([
        'KEY  DTYPE    SHAPE  SIZE',
        'E/V  float32  (3,)   12 B',
        'E.V  float32  (3,)   12 B',
      ]);
      expect((await cli('diff', a, a)).code).toBe(0);
      expect(await cli('diff', a, b)).toEqual({
        code: 1,
        stdout: ['E/V: 3 of 3 elements differ (max abs difference 1)'],
        stderr: [],
      });
    },
  );
});

describe('signals', () => {
  withPython.each(['SIGINT', 'SIGTERM'] as const)(
    '%s mid-conversion leaves neither output nor temporary, exit 128+n',
    async (signal) => {
      const dir = fs.mkdtempSync(path.join(tmp, `sig-${signal}-`));
      const src = path.join(tmp, `random-${signal}.npz`);
      python(
        `import sys, numpy as np
np.savez(sys.argv[1], a=np.random.default_rng(1).random(24 << 20 >> 3 << 3))`,
        src,
      );
      const out = path.join(dir, 'out.npz');
      const child = spawn(process.execPath, [BIN, 'convert', src, out, '--compress'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (d) => {
        stderr += d;
      });
      const exited = new Promise<number | null>((resolve) =>
        child.on('exit', (code) => resolve(code)),
      );
      // Wait for the temporary to appear, then interrupt.
      const deadline = Date.now() + 20_000;
      while (fs.readdirSync(dir).length === 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 5));
      }
      expect(fs.readdirSync(dir)[0]).toMatch(/^\.out\.npz\.tmp-/);
      child.kill(signal);
      expect(await exited).toBe(signal === 'SIGINT' ? 130 : 143);
      expect(fs.readdirSync(dir)).toEqual([]);
      expect(stderr).toContain(`statekit: stopped by ${signal}; no partial output is left`);
    },
    30_000,
  );
});

describe('paths are the caller’s', () => {
  test('pnpm statekit from a subdirectory resolves relative paths there', () => {
    const r = spawnSync('pnpm', ['-s', 'statekit', 'ls', 'npz/bool.npy'], {
      cwd: FIXTURES,
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n')[1]).toBe('bool  bool   (3, 4)  12 B');
  });
});
