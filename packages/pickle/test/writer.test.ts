import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  arraySha256,
  bytesSource,
  Complex,
  convert,
  entry,
  isNdArray,
  isStatekitError,
  memorySink,
  ndarray,
  openSource,
  registerCodec,
  strArray,
} from '@statekit/core';
import { planOf, writeEntries } from '@statekit/core/codec';
import { atomicFileSink, fileSource } from '@statekit/core/node';
import { hdf5 } from '@statekit/hdf5';
import { npy, npz } from '@statekit/npz';
import { beforeAll, describe, expect, test } from 'vitest';
import { pickle, torch } from '../src/index.js';
import { pickleCodecImpl } from '../src/pickle-codec.js';
import { PYTHON, PYTHON_MISSING, python } from './python.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../../test-fixtures');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'statekit-pickle-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

beforeAll(() => {
  registerCodec(pickle, torch, npz, npy, hdf5);
  if (!PYTHON) console.warn(PYTHON_MISSING);
});

/**
 * Python loads both pickles and compares them exactly: the same types all the way down
 * (dict vs OrderedDict, list vs tuple, set vs frozenset, int vs float, numpy scalar types),
 * the same dict order, and arrays with equal dtype, shape and bytes. Prints "same" or the path.
 */
const SAME_TREE = `
import sys, pickle, numpy as np
def same(a, b, at):
    if type(a) is not type(b):
        return f'{at}: {type(a).__name__} vs {type(b).__name__}'
    if isinstance(a, np.ndarray):
        if a.dtype != b.dtype or a.shape != b.shape or a.tobytes() != b.tobytes():
            return f'{at}: arrays differ ({a.dtype} {a.shape} vs {b.dtype} {b.shape})'
        return None
    if isinstance(a, np.generic):
        return None if a.dtype == b.dtype and a.tobytes() == b.tobytes() else f'{at}: scalars differ'
    if isinstance(a, dict):
        if list(a) != list(b):
            return f'{at}: keys {list(a)} vs {list(b)}'
        return next((d for k in a for d in [same(a[k], b[k], f'{at}.{k}')] if d), None)
    if isinstance(a, (list, tuple)):
        if len(a) != len(b):
            return f'{at}: lengths differ'
        return next((d for i, (x, y) in enumerate(zip(a, b)) for d in [same(x, y, f'{at}.{i}')] if d), None)
    if isinstance(a, float) and a != a:
        return None if b != b else f'{at}: nan vs {b}'
    return None if a == b else f'{at}: {a!r} vs {b!r}'
with open(sys.argv[1], 'rb') as f: a = pickle.load(f)
with open(sys.argv[2], 'rb') as f: b = pickle.load(f)
print(same(a, b, '') or 'same')
`;

describe.skipIf(!PYTHON)('Python unpickles what statekit writes, equal to the original', () => {
  const originals = fs
    .readdirSync(path.join(FIXTURES, 'pickle'))
    .filter((f) => f.endsWith('.pkl'))
    .filter((f) => !f.startsWith('fortran') && !f.startsWith('big-endian'));
  describe.each([2, 3, 4, 5] as const)('protocol %i', (protocol) => {
    test.each(originals)('pkl -> pkl keeps %s exactly', async (name) => {
      const input = path.join(FIXTURES, 'pickle', name);
      const output = path.join(tmp, `p${protocol}-${name}`);
      await convert(fileSource(input), atomicFileSink(output), {
        to: 'pickle',
        write: { pickle: { protocol } },
      });
      // Debian's numpy 1.24 cannot import numpy._core: the numpy2 fixtures hold einet's state.
      const same = name.startsWith('numpy2')
        ? path.join(FIXTURES, 'pickle', 'brainpy-einet.pkl')
        : input;
      expect(python(SAME_TREE, same, output).trim()).toBe('same');
      const head = fs.readFileSync(output).subarray(0, 2);
      expect([...head]).toEqual([0x80, protocol]);
    });
  });

  test.each(['fortran.p4.pkl', 'big-endian.p4.pkl'])(
    '%s: Fortran-order and big-endian arrays are written little-endian C order, equal in value',
    async (name) => {
      const input = path.join(FIXTURES, 'pickle', name);
      const output = path.join(tmp, `le-${name}`);
      await convert(fileSource(input), atomicFileSink(output), { to: 'pickle' });
      const check = `
import sys, pickle, numpy as np
a = pickle.load(open(sys.argv[1], 'rb')); b = pickle.load(open(sys.argv[2], 'rb'))
assert list(a) == list(b)
for k in a:
    assert b[k].flags.c_contiguous and b[k].dtype.byteorder in '<|=', k
    assert b[k].dtype == a[k].dtype.newbyteorder('<') or b[k].dtype == a[k].dtype, k
    assert np.array_equal(a[k], b[k], equal_nan=a[k].dtype.kind in 'fc'), k
print('ok')`;
      expect(python(check, input, output).trim()).toBe('ok');
    },
  );

  test('a pickle of one array lists under the file name and is written back as that array alone', async () => {
    const input = path.join(tmp, 'weights.pkl');
    python(
      `import sys, pickle, numpy as np; pickle.dump(np.arange(6, dtype='f4').reshape(2, 3), open(sys.argv[1], 'wb'))`,
      input,
    );
    const reader = await openSource(fileSource(input));
    expect((await reader.list()).map((i) => [i.key, i.path, i.dtype, i.shape])).toEqual([
      ['weights', ['weights'], 'float32', [2, 3]],
    ]);
    const output = path.join(tmp, 'weights-again.pkl');
    await convert(fileSource(input), atomicFileSink(output), { to: 'pickle' });
    expect(python(SAME_TREE, input, output).trim()).toBe('same');
  });

  test('npz -> pkl is BrainPy save_as_pkl: a flat dict of the arrays, duplicate lists included', async () => {
    const input = path.join(FIXTURES, 'npz', 'brainpy-2.2-duplicates.npz');
    const output = path.join(tmp, 'brainpy.pkl');
    await convert(fileSource(input), atomicFileSink(output), { to: 'pickle' });
    const check = `
import sys, pickle, numpy as np
want = dict(np.load(sys.argv[1]))
got = pickle.load(open(sys.argv[2], 'rb'))
assert type(got) is dict and list(got) == list(want), (list(got), list(want))
for k in want:
    assert type(got[k]) is np.ndarray and got[k].dtype == want[k].dtype and np.array_equal(got[k], want[k]), k
print(sorted(k for k in got if k.startswith('duplicate')))`;
    expect(python(check, input, output).trim()).toBe("['duplicate_keys', 'duplicate_targets']");
  });

  test('h5 -> pkl: groups become dicts (attributes refused unless allowed, naming them)', async () => {
    const input = path.join(FIXTURES, 'hdf5', 'brainpy-1.x-groups.h5');
    const output = path.join(tmp, 'groups.pkl');
    const refused = await convert(fileSource(input), atomicFileSink(output), {
      to: 'pickle',
    }).catch((e) => e);
    expect(refused.message).toBe(
      `${output}: pickle cannot store these 4 entries exactly (allow lossy conversion to proceed):\n  E.V, E.spike, I.V and 1 more: its attributes (type) are dropped: a pickled value has none`,
    );
    expect(fs.existsSync(output)).toBe(false);
    await convert(fileSource(input), atomicFileSink(output), {
      to: 'pickle',
      write: { allowLossy: true },
    });
    const check = `
import sys, pickle, h5py, numpy as np
got = pickle.load(open(sys.argv[2], 'rb'))
def walk(g, d, at):
    assert list(g) == list(d), (at, list(g), list(d))
    for k in g:
        if isinstance(g[k], h5py.Group): walk(g[k], d[k], at + '/' + k)
        else: assert np.array_equal(g[k][()], d[k]) and g[k].dtype == d[k].dtype, at + '/' + k
with h5py.File(sys.argv[1]) as f: walk(f, got, '')
print('ok')`;
    expect(python(check, input, output).trim()).toBe('ok');
  });
});

/** key -> [dtype, shape, sha256] of every array, as `ls --sha256` would give them. */
async function digests(file: string): Promise<Record<string, [string, number[], string]>> {
  const reader = await openSource(fileSource(file));
  const out: Record<string, [string, number[], string]> = {};
  for await (const e of reader.read())
    if (isNdArray(e.value))
      out[e.key] = [e.value.dtype, [...e.value.shape], await arraySha256(e.value)];
  return out;
}

describe('conversions keep every value', () => {
  test.each([
    ['pickle/fortran.p4.pkl', 'hdf5'],
    ['pickle/dtypes.p5.pkl', 'hdf5'],
    ['pickle/brainpy-einet.pkl', 'npz'],
    ['torch/checkpoint.pt', 'npz'],
    ['torch/views.pt', 'hdf5'],
    ['torch/dtypes.pt', 'pickle'],
  ])(
    '%s -> %s -> pickle: the same arrays (dtype, shape, sha256) at every step',
    async (name, via) => {
      const input = path.join(FIXTURES, name);
      const middle = path.join(tmp, `${path.basename(name)}.${via}`);
      const back = path.join(tmp, `${path.basename(name)}.${via}.pkl`);
      const write = { allowLossy: true };
      await convert(fileSource(input), atomicFileSink(middle), { to: via, write });
      await convert(fileSource(middle), atomicFileSink(back), { to: 'pickle', write });
      const want = await digests(input);
      // Lossy steps: bfloat16 becomes float32 in pickle and npz; scalars become 0-d arrays.
      const widened = Object.fromEntries(
        Object.entries(want).filter(([, [dtype]]) => dtype !== 'bfloat16'),
      );
      expect(await digests(middle)).toMatchObject(widened);
      expect(await digests(back)).toMatchObject(widened);
    },
  );
});

test('a Python int beyond int64 has no HDF5 form: the conversion names it and writes nothing', async () => {
  const output = path.join(tmp, 'tree.h5');
  const error = await convert(
    fileSource(path.join(FIXTURES, 'pickle/tree.p4.pkl')),
    atomicFileSink(output),
    {
      to: 'hdf5',
      write: { allowLossy: true },
    },
  ).catch((e) => e);
  expect(error.message).toBe(
    `${output}, key "big": integer 1180591620717411303424 does not fit int64`,
  );
  expect(fs.existsSync(output)).toBe(false);
});

describe('the writer', () => {
  test('every Python scalar and a numpy scalar of each kind round-trip through statekit', async () => {
    const entries = [
      entry(['i'], -(2n ** 100n)),
      entry(['small'], 200n),
      entry(['f'], Number.NaN),
      entry(['s'], 'ß日本'),
      entry(['b'], Uint8Array.of(0, 255)),
      entry(['t'], true),
      entry(['n'], null),
      entry(['c'], new Complex(1, -1)),
      entry(['u'], strArray(['ab', ''], [2])),
      entry(['h'], ndarray('float16', [2], Uint16Array.of(0x3c00, 0x7c00))),
    ];
    for (const protocol of [2, 3, 4, 5] as const) {
      const sink = memorySink('x.pkl');
      await writeEntries(pickleCodecImpl, entries, sink, { pickle: { protocol } });
      await sink.close();
      const reader = await pickleCodecImpl.open(bytesSource(sink.bytes(), 'x.pkl'));
      const back = [];
      for await (const e of reader.read()) back.push(e.value);
      expect(back.slice(0, 8)).toEqual(entries.slice(0, 8).map((e) => e.value));
      expect(back[8]).toEqual(entries[8]!.value);
      expect(back[9]).toEqual(entries[9]!.value);
    }
  });

  test.each([4, 5] as const)(
    'protocol %i payloads are aligned, so reading them back is a view, not a copy',
    async (protocol) => {
      const big = ndarray('float64', [100_000], new Float64Array(100_000).fill(1.5));
      const small = ndarray('int32', [3], Int32Array.of(1, 2, 3));
      const sink = memorySink('x.pkl');
      await writeEntries(
        pickleCodecImpl,
        [entry(['s'], small), entry(['b'], big), entry(['t'], small)],
        sink,
        {
          pickle: { protocol },
        },
      );
      await sink.close();
      const bytes = sink.bytes();
      const reader = await pickleCodecImpl.open(bytesSource(bytes, 'x.pkl'));
      for await (const e of reader.read()) {
        const data = (e.value as { data: ArrayBufferView }).data;
        expect(data.buffer, e.key).toBe(bytes.buffer); // a view of the file's bytes
        expect((data.byteOffset - bytes.byteOffset) % (e.key === 'b' ? 64 : 16), e.key).toBe(0);
      }
    },
  );

  test('an unknown protocol is refused, naming it', async () => {
    const sink = memorySink('x.pkl');
    const error = await writeEntries(pickleCodecImpl, [entry(['a'], 1n)], sink, {
      pickle: { protocol: 1 as 2 },
    }).catch((e) => e);
    expect(isStatekitError(error, 'format')).toBe(true);
    expect(error.message).toBe('x.pkl: pickle: protocol 1 is not one statekit writes (2-5)');
  });

  test('a plan with HDF5 attributes is refused before writing, each reason named', async () => {
    const plan = planOf([{ ...entry(['w'], 1n), attrs: { unit: 'mV' } }], []);
    expect(pickleCodecImpl.lossiness(plan.entries[0]!)).toEqual([
      'its attributes (unit) are dropped: a pickled value has none',
    ]);
  });
});
