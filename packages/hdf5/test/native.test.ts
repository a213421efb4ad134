import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  bytesSource,
  type Entry,
  entry,
  isStatekitError,
  memorySink,
  type NdArray,
  ndarray,
  type PathPart,
  type Reader,
} from '@statekit/core';
import { writeEntries } from '@statekit/core/codec';
import { atomicFileSink, fileSource } from '@statekit/core/node';
import { describe, expect, test } from 'vitest';
import { hdf5 } from '../src/index.js';
import { PYTHON, python } from './python.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../../test-fixtures/hdf5');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'statekit-h5-native-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

type Engine = 'auto' | 'native' | 'h5wasm';

async function open(file: string, engine: Engine): Promise<Reader> {
  return (await hdf5.load()).open(fileSource(file), { hdf5: { engine } });
}

/** Everything a reader gives: listing, group attributes and every entry. */
async function snapshot(file: string, engine: Engine) {
  const reader = await open(file, engine);
  const list = await reader.list();
  const containers = await reader.containers?.();
  const entries: Entry[] = [];
  for await (const e of reader.read()) entries.push(e);
  await reader.close();
  return { list, containers, entries };
}

async function writeH5(file: string, entries: Entry[], options = {}): Promise<void> {
  const sink = atomicFileSink(file);
  try {
    await writeEntries(await hdf5.load(), entries, sink, { hdf5: options });
  } catch (error) {
    await sink.abort();
    throw error;
  }
  await sink.close();
}

/** The fixtures statekit's own reader handles; the rest use features it leaves to h5wasm. */
const NATIVE = [
  'brainpy-1.x-groups.h5',
  'brainpy-2.2-duplicates.h5',
  'brainpy-einet.h5',
  'dtypes.h5',
  'latest-track-order.h5',
  'latest-dense.h5',
  'links.h5',
];
const H5WASM_ONLY: [string, RegExp][] = [
  ['big-endian.h5', /big-endian data/],
  ['layouts.h5', /header message type 11/], // the filter pipeline of chunked gzip data
];

describe('the native reader agrees with h5wasm', () => {
  test.each(NATIVE)('%s: same listing, groups and values', async (name) => {
    const file = path.join(FIXTURES, name);
    const native = await snapshot(file, 'native');
    expect(native).toEqual(await snapshot(file, 'h5wasm'));
    expect(native.entries.length).toBeGreaterThan(0);
  });

  test.each(H5WASM_ONLY)(
    '%s is left to h5wasm (unsupported natively; auto agrees)',
    async (name, why) => {
      const file = path.join(FIXTURES, name);
      const error = await open(file, 'native').catch((e: unknown) => e);
      expect(isStatekitError(error) && error.tag).toBe('unsupported');
      expect((error as Error).message).toMatch(why);
      expect(await snapshot(file, 'auto')).toEqual(await snapshot(file, 'h5wasm'));
    },
  );

  test.skipIf(!PYTHON)(
    'an h5py file with every attribute kind, compact and vlen data, 600-link groups',
    async () => {
      const file = path.join(tmp, 'zoo.h5');
      python(
        `import sys, h5py, numpy as np
with h5py.File(sys.argv[1], 'w') as f:
    f.attrs['title'] = 'zoo'
    f.attrs['n'] = np.int64(-7)
    f.attrs['u'] = np.uint64(2**60)
    f.attrs['i8'] = np.int8(-3)
    f.attrs['u16'] = np.uint16(9)
    f.attrs['f4'] = np.arange(3, dtype='f4') / 3
    f.attrs['ok'] = True
    f.attrs['oks'] = np.array([True, False])
    f.attrs['fixed'] = np.bytes_(b'abc')
    f.attrs['fixeds'] = np.array([b'a', b'bcd'])
    f.attrs['utf'] = 'caf\u00e9 \u65e5\u672c'
    f.attrs['strs'] = ['a', 'bb', '']
    f.attrs['none'] = h5py.Empty('f4')
    g = f.create_group('many')
    for i in range(600):
        g['k%04d' % i] = np.full(3, i, 'i4')
    g.attrs['count'] = 600
    sub = f.create_group('deep/a/b')
    sub['c'] = np.arange(2.0)
    f['deep'].attrs['x'] = 1.5
    space = h5py.h5s.create_simple((10,))
    dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
    dcpl.set_layout(h5py.h5d.COMPACT)
    h5py.h5d.create(f.id, b'compact', h5py.h5t.STD_I16LE, space, dcpl=dcpl).write(
        h5py.h5s.ALL, h5py.h5s.ALL, np.arange(10, dtype='<i2'))
    f['vlen'] = np.array(['x', 'yy', '', 'caf\u00e9'], dtype=h5py.string_dtype())
    f['vlen_scalar'] = 'hello'
    f['fixed'] = np.array([b'ab', b'c'], dtype='S3')
    f['bool'] = np.array([True, False, True])
    f['c64'] = np.array([1 + 2j, -3j], 'c8')
    f['c128'] = np.complex128(0.5 - 1j)
    f['f16'] = np.array([1.5, -2, 65504], 'f2')
    f['scalar'] = np.float64(3)
    f['empty'] = np.zeros((0, 4), 'f4')
    f['null'] = h5py.Empty('f4')
    f['u64'] = np.array([2**64 - 1], 'u8')
    f['uni/caf\u00e9'] = np.arange(2)
    f['uni/plain'] = np.arange(3)
    d = f['scalar']
    d.attrs['unit'] = 'mV'
    d.attrs['shape'] = [2, 3]
`,
        file,
      );
      const native = await snapshot(file, 'native');
      expect(native).toEqual(await snapshot(file, 'h5wasm'));
      const keys = native.list.map((i) => i.key);
      expect(keys).toHaveLength(600 + 15);
      expect(keys.filter((k) => k.startsWith('many.'))).toEqual(
        Array.from({ length: 600 }, (_, i) => `many.k${String(i).padStart(4, '0')}`),
      );
      expect(native.containers).toContainEqual({
        path: ['many'],
        kind: 'group',
        children: Array.from({ length: 600 }, (_, i) => `k${String(i).padStart(4, '0')}`),
        attrs: { count: ndarray('int64', [], BigInt64Array.of(600n)) },
      });
      const compact = native.entries.find((e) => e.key === 'compact')!.value as NdArray;
      expect(Array.from(compact.data as Int16Array)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    },
  );
});

/** Names that sort differently by UTF-16 and by UTF-8 bytes (HDF5 uses bytes). */
const AWKWARD = ['\uff01', '\u{1f642}', 'Z', 'a', 'a.b', 'a_b', 'caf\u00e9', '\u65e5\u672c'];

function numbered(count: number): Entry[] {
  return Array.from({ length: count }, (_, i) =>
    entry([`layer${i}.V`], ndarray('float32', [2], Float32Array.of(i, -i))),
  );
}

describe("libver='latest' files: version 2 headers, dense links in a fractal heap", () => {
  test.skipIf(!PYTHON)(
    '20,000 long-named links, creation order, continuation blocks: same as h5wasm',
    async () => {
      const file = path.join(tmp, 'latest.h5');
      python(
        `import sys, h5py, numpy as np
with h5py.File(sys.argv[1], 'w', libver='latest') as f:
    f.attrs['title'] = 'latest'
    g = f.create_group('many')
    for i in range(20000):
        g['state_variable_with_a_long_name_%05d' % i] = np.full(2, i, 'i4')
    t = f.create_group('tracked', track_order=True)
    for n in ['zeta', 'alpha', 'mid'] + ['x%d' % i for i in range(40)]:
        t[n] = np.arange(3.0)
    f['scalar'] = 1.5
    for i in range(6):
        f['scalar'].attrs['a%d' % i] = i
    f['strs'] = np.array(['a', 'caf\u00e9'], dtype=h5py.string_dtype())
    f['bool'] = np.array([True, False])
`,
        file,
      );
      const native = await snapshot(file, 'native');
      expect(native).toEqual(await snapshot(file, 'h5wasm'));
      const keys = native.list.map((i) => i.key);
      expect(keys).toHaveLength(20000 + 43 + 3);
      expect(keys.filter((k) => k.startsWith('tracked.')).slice(0, 4)).toEqual([
        'tracked.zeta',
        'tracked.alpha',
        'tracked.mid',
        'tracked.x0',
      ]);
      const last = native.entries.find(
        (e) => e.key === 'many.state_variable_with_a_long_name_19999',
      );
      expect(last?.value).toEqual(ndarray('int32', [2], Int32Array.of(19999, 19999)));
    },
  );

  test.skipIf(!PYTHON)(
    'soft and external links (short link messages) read natively, as h5wasm lists them',
    async () => {
      const file = path.join(tmp, 'latest-links.h5');
      python(
        `import sys, h5py, numpy as np
with h5py.File(sys.argv[1], 'w', libver='latest') as f:
    f['a'] = np.arange(3)
    f['s'] = h5py.SoftLink('/a')
    f['e'] = h5py.ExternalLink('x.h5', '/y')
`,
        file,
      );
      const native = await snapshot(file, 'native');
      expect(native).toEqual(await snapshot(file, 'h5wasm'));
      expect(native.list.map((i) => [i.key, i.attrs])).toEqual([
        ['a', undefined],
        ['e', { external_link: 'x.h5:/y' }],
        ['s', undefined],
      ]);
    },
  );

  test.skipIf(!PYTHON)('dense attributes are left to h5wasm; auto agrees', async () => {
    const file = path.join(tmp, 'latest-attrs.h5');
    python(
      `import sys, h5py, numpy as np
with h5py.File(sys.argv[1], 'w', libver='latest') as f:
    f['x'] = np.arange(4)
    for i in range(20):
        f['x'].attrs['attr%02d' % i] = i
`,
      file,
    );
    const error = await open(file, 'native').catch((e: unknown) => e);
    expect(isStatekitError(error) && error.tag).toBe('unsupported');
    expect((error as Error).message).toMatch(/dense attribute storage/);
    expect(await snapshot(file, 'auto')).toEqual(await snapshot(file, 'h5wasm'));
  });
});

describe('the native writer', () => {
  test.skipIf(!PYTHON)(
    '5,000 links (a three-level B-tree) and byte-ordered names: h5py iterates in order and finds each by name',
    async () => {
      const file = path.join(tmp, 'many.h5');
      const entries = [
        ...numbered(5000),
        ...AWKWARD.map((k, i) => entry([k], ndarray('int32', [1], Int32Array.of(i)))),
        ...numbered(300).map((e) => entry(['group', e.key], e.value)),
      ];
      await writeH5(file, entries, { engine: 'native' });
      const out = JSON.parse(
        python(
          `import sys, json, h5py
f = h5py.File(sys.argv[1], 'r')
names = list(f.keys())
found = all(f[n].name == '/' + n for n in names)
values = {n: f[n][()].tolist() for n in names if not n.startswith('layer') and n != 'group'}
sub = list(f['group'].keys())
sub_ok = all(f['group'][n][1] == -int(n[5:-2]) for n in sub)
print(json.dumps({'names': names, 'found': found, 'values': values, 'sub': len(sub), 'sub_ok': bool(sub_ok),
                  'v4321': f['layer4321.V'][()].tolist()}))`,
          file,
        ),
      );
      const byBytes = (a: PathPart, b: PathPart) =>
        Buffer.compare(Buffer.from(String(a)), Buffer.from(String(b)));
      const expected = [...entries.map((e) => e.path[0]!)].filter((n, i, a) => a.indexOf(n) === i);
      expect(out.names).toEqual(expected.sort(byBytes));
      expect(out.found).toBe(true);
      expect(out.values).toEqual(Object.fromEntries(AWKWARD.map((k, i) => [k, [i]])));
      expect(out.sub).toBe(300);
      expect(out.sub_ok).toBe(true);
      expect(out.v4321).toEqual([4321, -4321]);
      // Our reader lists the same names in the same order.
      const ours = await snapshot(file, 'native');
      expect(ours.list.map((i) => i.path[0])).toEqual(
        [...new Set(entries.map((e) => e.path[0]!))]
          .sort(byBytes)
          .flatMap((n) => (n === 'group' ? new Array(300).fill('group') : [n])),
      );
    },
  );

  test.skipIf(!PYTHON)(
    'HDF5 can modify what we write: h5py appends 200 datasets (splitting our nodes), and both readers see all of it',
    async () => {
      const file = path.join(tmp, 'append.h5');
      await writeH5(file, [...numbered(100), entry(['g', 'x'], 1.5)], { engine: 'native' });
      python(
        `import sys, h5py, numpy as np
with h5py.File(sys.argv[1], 'r+') as f:
    for i in range(200):
        f['added%03d' % i] = np.full(2, i, 'f4')
        f['g']['y%03d' % i] = np.int16(i)
    f['layer7.V'][0] = 70`,
        file,
      );
      const native = await snapshot(file, 'auto');
      expect(native).toEqual(await snapshot(file, 'h5wasm'));
      expect(native.list).toHaveLength(100 + 1 + 400);
      const v7 = native.entries.find((e) => e.key === 'layer7.V')!.value as NdArray;
      expect(Array.from(v7.data as Float32Array)).toEqual([70, -7]);
    },
  );

  test('an empty state is a valid empty file; bytes sinks and sources work (browsers)', async () => {
    const codec = await hdf5.load();
    const empty = memorySink();
    await writeEntries(codec, [], empty, { hdf5: { engine: 'native' } });
    await empty.close();
    const reader = await codec.open(bytesSource(empty.bytes()), { hdf5: { engine: 'native' } });
    expect(await reader.list()).toEqual([]);
    const sink = memorySink();
    const entries = numbered(50);
    await writeEntries(codec, entries, sink, { hdf5: { engine: 'native' } });
    await sink.close();
    const back = await codec.open(bytesSource(sink.bytes()), { hdf5: { engine: 'native' } });
    const got: Entry[] = [];
    for await (const e of back.read()) got.push(e);
    const order = (a: Entry, b: Entry) => (a.key < b.key ? -1 : 1);
    expect(got).toEqual([...entries].sort(order));
  });

  test.each([
    [[entry(['a/'], 1.5)], 'a/', /"" is not a valid HDF5 name/],
    [[entry(['x'], 1.5), entry(['x'], 2.5)], 'x', /x is written twice/],
    [[entry(['x'], 1.5), entry(['x', 'y'], 2.5)], 'x.y', /x is a dataset, not a group/],
    [[entry(['x', 'y'], 1.5), entry(['x'], 2.5)], 'x', /x is already a group/],
    [[entry(['r'], new Uint8Array(2))], 'r', /raw bytes scalars/],
  ] as const)(
    'refuses what HDF5 cannot hold, naming the key, and leaves no file (%#)',
    async (entries, key, why) => {
      const file = path.join(tmp, `refused-${key.replace('/', '_')}.h5`);
      const error = await writeH5(file, [...entries], { engine: 'native' }).catch(
        (e: unknown) => e,
      );
      expect(isStatekitError(error) && error.tag).toBe('unsupported');
      expect(isStatekitError(error) && error.key).toBe(key);
      expect((error as Error).message).toMatch(why);
      expect(fs.existsSync(file)).toBe(false);
    },
  );

  test('broken structures it reads are corrupt errors naming the file (h5wasm is not asked)', async () => {
    const codec = await hdf5.load();
    const sink = memorySink();
    await writeEntries(codec, [entry(['E', 'V'], 1.5, { unit: 'mV' }), ...numbered(3)], sink, {});
    await sink.close();
    const good = sink.bytes();
    const at = (sig: string) => Buffer.from(good).indexOf(sig);
    const damaged = (edit: (b: Uint8Array) => Uint8Array) => edit(good.slice());
    const cases: [Uint8Array, RegExp][] = [
      [good.subarray(0, good.length - 8), /truncated: the superblock says \d+ bytes/],
      [damaged((b) => b.fill(0x47, at('GCOL'), at('GCOL') + 4)), /a global heap without signature/],
      [damaged((b) => b.fill(0, at('TREE'), at('TREE') + 1)), /a group B-tree node/],
      [damaged((b) => b.fill(0, at('SNOD'), at('SNOD') + 1)), /a symbol table node/],
      [damaged((b) => b.fill(0, at('HEAP'), at('HEAP') + 1)), /a local heap without signature/],
    ];
    for (const [bytes, why] of cases) {
      const error = await (async () => {
        const reader = await codec.open(bytesSource(bytes, 'broken.h5'));
        for await (const _ of reader.read()) {
          // read everything
        }
      })().catch((e: unknown) => e);
      expect(isStatekitError(error) && error.tag, String(why)).toBe('corrupt');
      expect((error as Error).message).toMatch(why);
      expect((error as Error).message).toContain('broken.h5');
    }
  });

  test('gzip needs h5wasm: auto uses it (small arrays chunked whole), native refuses', async () => {
    const file = path.join(tmp, 'gzip.h5');
    const error = await writeH5(file, numbered(2), { engine: 'native', gzip: 4 }).catch(
      (e: unknown) => e,
    );
    expect(isStatekitError(error) && error.tag).toBe('unsupported');
    await writeH5(file, numbered(2), { gzip: 4 });
    const error2 = await open(file, 'native').catch((e: unknown) => e);
    expect((error2 as Error).message).toMatch(/header message type 11/); // the filter pipeline
    expect((await snapshot(file, 'auto')).entries).toEqual(numbered(2));
    if (PYTHON) {
      const out = python(
        `import sys, h5py
f = h5py.File(sys.argv[1], 'r')
print(f['layer1.V'].compression, f['layer1.V'].chunks, f['layer1.V'][()].tolist())`,
        file,
      );
      expect(out.trim()).toBe('gzip (2,) [1.0, -1.0]');
    }
  });
});

describe.skipIf(!PYTHON)('soft links, read natively', () => {
  test('to datasets (absolute, relative, chained), to a group, dangling, looping', async () => {
    const file = path.join(tmp, 'soft-links.h5');
    python(
      `import sys, h5py, numpy as np
with h5py.File(sys.argv[1], 'w') as f:
    f['g/d'] = np.arange(3)
    f['g/rel'] = h5py.SoftLink('d')
    f['abs'] = h5py.SoftLink('/g/d')
    f['chain'] = h5py.SoftLink('/abs')
    f['togroup'] = h5py.SoftLink('/g')
    f['dangling'] = h5py.SoftLink('/does/not/exist')
    f['loop'] = h5py.SoftLink('/loop')`,
      file,
    );
    const { list, entries } = await snapshot(file, 'native');
    expect(list.map((i) => [i.key, i.dtype, i.attrs])).toEqual([
      ['abs', 'int64', undefined],
      ['chain', 'int64', undefined],
      ['dangling', 'none', { external_link: 'broken soft link to /does/not/exist' }],
      ['g.d', 'int64', undefined],
      ['g.rel', 'int64', undefined],
      ['loop', 'none', { external_link: 'broken soft link to /loop' }],
      ['togroup', 'none', { soft_link: '/g' }],
    ]);
    const values = Object.fromEntries(
      entries.map((e) => [
        e.key,
        e.value === null ? null : Array.from((e.value as NdArray<'int64'>).data),
      ]),
    );
    for (const key of ['abs', 'chain', 'g.rel']) expect(values[key]).toEqual([0n, 1n, 2n]);
  });
});
