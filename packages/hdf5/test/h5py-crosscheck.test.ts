import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  arraySha256,
  bytesArray,
  Complex,
  convert,
  type Entry,
  entry,
  float32ToFloat16,
  isNdArray,
  type NdArray,
  ndarray,
  openSource,
  registerCodec,
  strArray,
  Variable,
} from '@statekit/core';
import { writeEntries } from '@statekit/core/codec';
import { atomicFileSink, fileSource, loadStates, saveStates } from '@statekit/core/node';
import { npz } from '@statekit/npz';
import { beforeAll, describe, expect, test } from 'vitest';
import { hdf5 } from '../src/index.js';
import { PYTHON, PYTHON_MISSING, python } from './python.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../../test-fixtures');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'statekit-h5-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

beforeAll(() => {
  registerCodec(npz, hdf5);
  if (!PYTHON) console.warn(PYTHON_MISSING);
});

function everyDtype(): Entry[] {
  return [
    entry(['bool'], ndarray('bool', [4], Uint8Array.of(1, 0, 1, 1))),
    entry(['int8'], ndarray('int8', [3], Int8Array.of(-128, 0, 127))),
    entry(['int16'], ndarray('int16', [2, 2], Int16Array.of(-32768, -1, 1, 32767))),
    entry(['int32'], ndarray('int32', [2], Int32Array.of(-(2 ** 31), 2 ** 31 - 1))),
    entry(
      ['int64'],
      ndarray('int64', [3], BigInt64Array.of(-(2n ** 63n), 2n ** 53n + 1n, 2n ** 63n - 1n)),
    ),
    entry(['uint8'], ndarray('uint8', [2], Uint8Array.of(0, 255))),
    entry(['uint16'], ndarray('uint16', [2], Uint16Array.of(0, 65535))),
    entry(['uint32'], ndarray('uint32', [2], Uint32Array.of(0, 2 ** 32 - 1))),
    entry(['uint64'], ndarray('uint64', [2], BigUint64Array.of(0n, 2n ** 64n - 1n))),
    entry(['float16'], ndarray('float16', [3], float32ToFloat16([1, -2.5, 65504]))),
    entry(['bfloat16'], ndarray('bfloat16', [2], Uint16Array.of(0x3f80, 0x4049))),
    entry(
      ['float32'],
      ndarray(
        'float32',
        [2, 3],
        Float32Array.of(0, -0, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 1e-45),
      ),
    ),
    entry(['float64'], ndarray('float64', [], Float64Array.of(Math.PI))),
    entry(['complex64'], ndarray('complex64', [2], Float32Array.of(1, 2, -3, 4))),
    entry(['complex128'], ndarray('complex128', [1], Float64Array.of(0.5, -0.25))),
    entry(['str'], strArray(['E.V', '日本', ''], [3], 5)),
    entry(['bytes'], bytesArray(['ab', 'xyz'], [2], 4)),
    entry(['empty'], ndarray('float32', [0, 3], new Float32Array(0))),
    entry(['E.V'], ndarray('float32', [3], Float32Array.of(-65, -60, -55))),
    entry(['net', 'layer', 'w'], ndarray('float64', [2], Float64Array.of(1, 2))),
    entry(['step'], 42n),
    entry(['lr'], 0.001),
    entry(['name'], 'EINet'),
    entry(['flag'], true),
    entry(['z'], new Complex(1, -1)),
  ];
}

async function writeH5(file: string, entries: Entry[], options = {}): Promise<void> {
  const codec = await hdf5.load();
  const sink = atomicFileSink(file);
  await writeEntries(codec, entries, sink, { hdf5: options });
  await sink.close();
}

async function readAll(file: string, engine?: 'auto' | 'native' | 'h5wasm'): Promise<Entry[]> {
  const source = fileSource(file);
  const reader = engine
    ? await (await hdf5.load()).open(source, { hdf5: { engine } })
    : await openSource(source);
  const out: Entry[] = [];
  for await (const e of reader.read()) out.push(e);
  await reader.close();
  await source.close();
  return out;
}

/** The two writers: statekit's own (the default) and h5wasm (used for gzip). */
const WRITERS = ['native', 'h5wasm'] as const;

describe.each(WRITERS)('statekit reads back what it writes (%s writer), exactly', (writer) => {
  // h5wasm writes superblock version 2, which 'auto' reads with h5wasm.
  test.each(['auto', 'h5wasm'] as const)(
    'every dtype and scalar kind, nested paths and dotted names (%s reader)',
    async (reader) => {
      const file = path.join(tmp, `every-${writer}-${reader}.h5`);
      const entries = everyDtype();
      await writeH5(file, entries, { engine: writer });
      const back = await readAll(file, reader);
      const byKey = new Map(back.map((e) => [e.key, e]));
      for (const e of entries) {
        const got = byKey.get(e.key);
        expect(got?.path, e.key).toEqual(e.path);
        expect(got?.value, e.key).toEqual(e.value);
      }
      expect(back).toHaveLength(entries.length);
    },
  );
});

describe.skipIf(!PYTHON)('h5py reads what we write', () => {
  test.each(WRITERS)(
    'every dtype: values and checksums as h5py sees them (%s writer)',
    async (writer) => {
      const file = path.join(tmp, `every-h5py-${writer}.h5`);
      const entries = everyDtype();
      await writeH5(file, entries, { engine: writer });
      const out = JSON.parse(
        python(
          `import sys, json, hashlib, h5py, numpy as np
out = {}
def visit(name, obj):
    if isinstance(obj, h5py.Dataset):
        a = obj[()]
        if isinstance(a, bytes): a = a.decode()
        if h5py.check_string_dtype(obj.dtype) and h5py.check_string_dtype(obj.dtype).length is None and obj.shape != ():
            a = np.array([x.decode() for x in a])
        arr = np.ascontiguousarray(np.asarray(a))
        out[name] = {'dtype': str(arr.dtype), 'shape': list(np.shape(a)), 'attrs': {k: (v.decode() if isinstance(v, bytes) else str(v)) for k, v in obj.attrs.items()},
                     'sha256': hashlib.sha256(arr.astype(arr.dtype.newbyteorder('<')).tobytes()).hexdigest() if arr.dtype.kind != 'O' else None}
h5py.File(sys.argv[1], 'r').visititems(visit)
print(json.dumps(out))`,
          file,
        ),
      );
      // Native types h5py maps exactly: same dtype and the same checksum as ours.
      for (const [key, dtype] of [
        ['int8', 'int8'],
        ['int16', 'int16'],
        ['int32', 'int32'],
        ['int64', 'int64'],
        ['uint8', 'uint8'],
        ['uint16', 'uint16'],
        ['uint32', 'uint32'],
        ['uint64', 'uint64'],
        ['float32', 'float32'],
        ['float64', 'float64'],
        ['complex64', 'complex64'],
        ['complex128', 'complex128'],
        ['bytes', '|S4'],
        ['E.V', 'float32'],
        ['empty', 'float32'],
      ] as const) {
        const ours = entries.find((e) => e.key === key)!.value as NdArray;
        expect(out[key].dtype, key).toBe(dtype);
        expect(out[key].shape, key).toEqual([...ours.shape]);
        expect(out[key].sha256, key).toBe(await arraySha256(ours));
      }
      expect(out['net/layer/w'].dtype).toBe('float64');
      if (writer === 'native') {
        // statekit's own writer uses h5py's types: the bool enum and IEEE half.
        expect(out.bool).toMatchObject({ dtype: 'bool', attrs: {} });
        expect(out.float16).toMatchObject({ dtype: 'float16', attrs: {} });
        expect(out.bool.sha256).toBe(
          await arraySha256(entries.find((e) => e.key === 'bool')!.value as NdArray),
        );
      } else {
        // The documented convention (h5wasm has no enum or half types): bits plus an attribute.
        expect(out.bool).toMatchObject({ dtype: 'uint8', attrs: { statekit_dtype: 'bool' } });
        expect(out.float16).toMatchObject({
          dtype: 'uint16',
          attrs: { statekit_dtype: 'float16' },
        });
      }
      expect(out.bfloat16).toMatchObject({
        dtype: 'uint16',
        attrs: { statekit_dtype: 'bfloat16' },
      });
      expect(out.float16.sha256).toBe(
        await arraySha256(entries.find((e) => e.key === 'float16')!.value as NdArray),
      );
      expect(out.str).toMatchObject({ dtype: '<U3', shape: [3], attrs: { statekit_dtype: '<U5' } });
      expect(out.name.dtype).toBe('<U5');
    },
  );

  test("BrainPy's load_by_h5 logic, run in Python over our saveStates output, fills every alias", async () => {
    const V = new Variable(ndarray('float32', [4], Float32Array.of(1, 2, 3, 4)));
    const spike = new Variable(ndarray('bool', [4], Uint8Array.of(0, 1, 0, 1)));
    // Two aliases: BrainPy's h5 form is one '+'-joined string, which .item() needs.
    const model = { LIF0: { V, spike }, Proj0: { post: { V, spike } } };
    const file = path.join(tmp, 'brainpy.h5');
    await saveStates(model, file);
    const printed = python(
      `import sys, h5py, numpy as np
f = h5py.File(sys.argv[1], 'r')
keys = [k for k in f.keys() if k not in ('duplicate_keys', 'duplicate_targets')]
dup_keys = np.asarray(f['duplicate_keys']).item().decode('utf-8').split('+')
dup_targets = np.asarray(f['duplicate_targets']).item().decode('utf-8').split('+')
for k in keys: print('Loading', k, '...', f[k][()].tolist())
print(dict(zip(dup_keys, dup_targets)))`,
      file,
    );
    expect(printed.trim().split('\n')).toEqual([
      'Loading LIF0.V ... [1.0, 2.0, 3.0, 4.0]',
      'Loading LIF0.spike ... [False, True, False, True]',
      "{'Proj0.post.V': 'LIF0.V', 'Proj0.post.spike': 'LIF0.spike'}",
    ]);
  });
});

describe('BrainPy .h5 checkpoints', () => {
  test('2.2 with duplicate keys: every alias gets its value, verbose lines as BrainPy prints', async () => {
    const f32 = (n: number) => new Variable(ndarray('float32', [n], new Float32Array(n)));
    const model = {
      LIF0: { V: f32(10), spike: new Variable(ndarray('bool', [10], new Uint8Array(10))) },
      Exp0: { g: f32(10) },
      Proj0: { post: { V: f32(1) }, syn: { g: f32(1) } },
    };
    const lines: string[] = [];
    const warnings: string[] = [];
    const result = await loadStates(
      model,
      path.join(FIXTURES, 'hdf5', 'brainpy-2.2-duplicates.h5'),
      {
        verbose: true,
        mismatch: 'ignore',
        logger: { log: (l) => lines.push(l), warn: (w) => warnings.push(w) },
      },
    );
    // h5py lists root datasets in name order, as BrainPy's verbose output shows.
    expect(lines).toEqual(['Loading Exp0.g ...', 'Loading LIF0.V ...', 'Loading LIF0.spike ...']);
    expect(result).toEqual({ missingKeys: [], unexpectedKeys: [], mismatched: [] });
    expect(warnings).toEqual([]);
    expect(model.Proj0.post.V.value).toBe(model.LIF0.V.value);
    expect(model.Proj0.syn.g.value).toBe(model.Exp0.g.value);
    expect(Array.from((model.Exp0.g.value as NdArray<'float32'>).data)).toEqual(
      new Array(10).fill(1),
    );
  });

  test('1.x group layout loads by the same E.V keys', async () => {
    const model = {
      E: {
        V: new Variable(ndarray('float32', [8], new Float32Array(8).fill(1))),
        spike: new Variable(ndarray('bool', [8], new Uint8Array(8))),
      },
      I: {
        V: new Variable(ndarray('float32', [4], new Float32Array(4).fill(1))),
        spike: new Variable(ndarray('bool', [4], new Uint8Array(4))),
      },
    };
    const result = await loadStates(model, path.join(FIXTURES, 'hdf5', 'brainpy-1.x-groups.h5'));
    expect(result).toEqual({ missingKeys: [], unexpectedKeys: [], mismatched: [] });
    expect(Array.from((model.E.V.value as NdArray<'float32'>).data)).toEqual(new Array(8).fill(0));
  });
});

describe('conversions', () => {
  test('h5 -> npz -> h5 keeps every dtype h5py wrote (fixtures)', async () => {
    for (const name of ['dtypes.h5', 'layouts.h5', 'big-endian.h5', 'brainpy-einet.h5']) {
      const original = path.join(FIXTURES, 'hdf5', name);
      const viaNpz = path.join(tmp, `${name}.npz`);
      const back = path.join(tmp, `back-${name}`);
      const src = fileSource(original);
      await convert(src, atomicFileSink(viaNpz), { to: 'npz', write: { allowLossy: true } });
      await src.close();
      const mid = fileSource(viaNpz);
      await convert(mid, atomicFileSink(back), { to: 'hdf5' });
      await mid.close();
      const a = await readAll(original);
      const b = new Map((await readAll(back)).map((e) => [e.key, e]));
      for (const e of a) {
        if (!isNdArray(e.value)) continue; // None and scalar strings are the lossy cases npz refuses
        expect(b.get(e.key)?.value, `${name} ${e.key}`).toEqual(e.value);
      }
    }
  });

  test('npz -> h5 -> npz round-trips the npz fixtures (values and dtypes)', async () => {
    const name = 'dtypes.npz';
    const h5 = path.join(tmp, 'dtypes.h5');
    const back = path.join(tmp, 'dtypes-back.npz');
    const src = fileSource(path.join(FIXTURES, 'npz', name));
    await convert(src, atomicFileSink(h5), { to: 'hdf5' });
    await src.close();
    const mid = fileSource(h5);
    await convert(mid, atomicFileSink(back), { to: 'npz' });
    await mid.close();
    // HDF5 lists datasets in name order, so compare by key.
    const byKey = (entries: Entry[]) => new Map(entries.map((e) => [e.key, e.value]));
    expect(byKey(await readAll(back))).toEqual(
      byKey(await readAll(path.join(FIXTURES, 'npz', name))),
    );
  });
});

describe('large arrays go through the wasm heap in slabs', () => {
  test('a chunked write and a hyperslab read (1 MiB slabs) keep every byte; h5py agrees', async () => {
    const rows = 1000;
    const data = new Float64Array(rows * 300).map((_, i) => Math.sin(i));
    const big = ndarray('float64', [rows, 300], data); // 2.4 MB: three slabs of 1 MiB
    const file = path.join(tmp, 'slabs.h5');
    await writeH5(
      file,
      [
        entry(['w'], big),
        entry(['b'], ndarray('bool', [3_000_000], new Uint8Array(3_000_000).fill(1))),
      ],
      {
        slabBytes: 1 << 20,
        gzip: 1,
      },
    );
    const source = fileSource(file);
    const reader = await (await hdf5.load()).open(source, { hdf5: { slabBytes: 1 << 20 } });
    const back = new Map<string, Entry>();
    for await (const e of reader.read()) back.set(e.key, e);
    await reader.close();
    await source.close();
    expect(back.get('w')?.value).toEqual(big);
    expect((back.get('b')!.value as NdArray).dtype).toBe('bool');
    if (PYTHON) {
      const out = python(
        `import sys, h5py, hashlib, numpy as np
f = h5py.File(sys.argv[1], 'r')
w = f['w']
print(w.chunks is not None, w.compression, hashlib.sha256(w[...].tobytes()).hexdigest())`,
        file,
      );
      expect(out.trim()).toBe(`True gzip ${await arraySha256(big)}`);
    }
  });
});

describe('BrainPy 2.0 .h5 (relative keys, flat root datasets)', () => {
  test('loads into an EI network by E.V keys, in h5py name order, nothing missing', async () => {
    const expected = JSON.parse(
      fs.readFileSync(path.join(FIXTURES, 'hdf5', 'brainpy-einet.h5.expected.json'), 'utf8'),
    );
    const model: Record<string, Variable> = {};
    for (const e of expected.entries as { key: string; dtype: string; shape: number[] }[]) {
      const n = e.shape.reduce((a, b) => a * b, 1);
      const data =
        e.dtype === 'bool'
          ? new Uint8Array(n)
          : e.dtype === 'uint32'
            ? new Uint32Array(n)
            : new Float32Array(n);
      model[e.key] = new Variable(ndarray(e.dtype as 'float32', e.shape, data as Float32Array));
    }
    const lines: string[] = [];
    const result = await loadStates(model, path.join(FIXTURES, 'hdf5', 'brainpy-einet.h5'), {
      verbose: true,
      logger: { log: (l) => lines.push(l), warn: (w) => lines.push(`WARN ${w}`) },
    });
    expect(result).toEqual({ missingKeys: [], unexpectedKeys: [], mismatched: [] });
    expect(lines).toEqual(
      [...expected.entries.map((e: { key: string }) => e.key)]
        .sort()
        .map((k) => `Loading ${k} ...`),
    );
    const v = model['E.V']!.value as NdArray<'float32'>;
    expect(await arraySha256(v)).toBe(
      expected.entries.find((e: { key: string }) => e.key === 'E.V').sha256,
    );
  });
});
