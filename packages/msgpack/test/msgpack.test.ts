import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  bytesSource,
  Complex,
  convert,
  entry,
  isStatekitError,
  memorySink,
  type NdArray,
  ndarray,
  numpyScalar,
  openSource,
  registerCodec,
} from '@statekit/core';
import { writeEntries } from '@statekit/core/codec';
import { atomicFileSink, fileSource } from '@statekit/core/node';
import { hdf5 } from '@statekit/hdf5';
import { npy, npz } from '@statekit/npz';
import { pickle } from '@statekit/pickle';
import { beforeAll, describe, expect, test } from 'vitest';
import { msgpack } from '../src/index.js';
import { msgpackCodecImpl } from '../src/msgpack-codec.js';
import { PYTHON, PYTHON_MISSING, python } from './python.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../../test-fixtures');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'statekit-msgpack-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

beforeAll(() => {
  registerCodec(msgpack, npz, npy, hdf5, pickle);
  if (!PYTHON) console.warn(PYTHON_MISSING);
});

const fixtures = fs
  .readdirSync(path.join(FIXTURES, 'msgpack'))
  .filter((f) => /\.(msgpack|bp)$/.test(f));
const fixture = (name: string) =>
  new Uint8Array(fs.readFileSync(path.join(FIXTURES, 'msgpack', name)));

describe('msgpack -> msgpack', () => {
  test.each(fixtures)(
    '%s is rewritten byte for byte as flax wrote it (align: false)',
    async (name) => {
      const output = path.join(tmp, name);
      // chunked.msgpack was written with flax's chunk size patched to 64 bytes, as is this.
      const chunkBytes = name === 'chunked.msgpack' ? 64 : undefined;
      const write = { msgpack: { align: false, ...(chunkBytes ? { chunkBytes } : {}) } };
      await convert(fileSource(path.join(FIXTURES, 'msgpack', name)), atomicFileSink(output), {
        to: 'msgpack',
        write,
      });
      expect(Buffer.compare(fs.readFileSync(output), fixture(name))).toBe(0);
    },
  );
});

describe('reading', () => {
  test('Python ints stay ints (bigint) and floats stay floats, never rounded', async () => {
    const reader = await openSource(bytesSource(fixture('tree.msgpack'), 'tree.msgpack'));
    const values: Record<string, unknown> = {};
    for await (const e of reader.read(['step', 'one', 'big', 'neg', 'z'])) values[e.key] = e.value;
    expect(values).toEqual({
      step: 12n,
      one: 1,
      big: 2n ** 63n - 1n,
      neg: -(2n ** 63n),
      z: new Complex(1.5, -2),
    });
  });

  test('maps are dicts with their keys in order; empty ones are kept', async () => {
    const reader = await openSource(bytesSource(fixture('snn.bp'), 'snn.bp'));
    const containers = await reader.containers!();
    expect(containers.map((c) => [c.path.join('/'), c.kind, c.children])).toEqual([
      ['', 'dict', ['net', 'epoch_i', 'train_loss']],
      ['net', 'dict', ['SNN0', 'LIF0', 'ExponentialEuler0']],
      ['net/SNN0', 'dict', ['SNN0.var']],
      ['net/LIF0', 'dict', ['V', 'spike']],
      ['net/ExponentialEuler0', 'dict', []],
    ]);
  });

  test('a __proto__ key is a path part like any other', async () => {
    // {'__proto__': {'polluted': 1}}
    const bytes = Uint8Array.from([
      0x81,
      0xa9,
      ...Buffer.from('__proto__'),
      0x81,
      0xa8,
      ...Buffer.from('polluted'),
      0x01,
    ]);
    const reader = await openSource(bytesSource(bytes, 'x.msgpack'));
    const [info] = await reader.list();
    expect(info!.path).toEqual(['__proto__', 'polluted']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test.each([
    [
      'trailing bytes',
      [0xc0, 0xc0],
      'corrupt',
      'x.msgpack: msgpack: 1 bytes follow the value (at offset 1)',
    ],
    [
      'an unused type byte',
      [0xc1],
      'corrupt',
      'x.msgpack: msgpack: 0xc1 is not a msgpack type (at offset 0)',
    ],
    [
      'a bin longer than the file',
      [0xc6, 0xff, 0xff, 0xff, 0xff],
      'corrupt',
      'x.msgpack: msgpack: needs 4294967295 bytes, 0 remain (truncated?) (at offset 5)',
    ],
    [
      'an array declaring 2^32-1 items',
      [0x91, 0xdd, 0xff, 0xff, 0xff, 0xff],
      'corrupt',
      'x.msgpack: msgpack: declares 4294967295 elements, only 0 bytes remain (at offset 6)',
    ],
  ])('%s is a typed error naming the offset', async (_what, bytes, tag, message) => {
    const error = await openSource(bytesSource(Uint8Array.from(bytes), 'x.msgpack'), {
      format: 'msgpack',
    }).catch((e) => e);
    expect(isStatekitError(error, tag as 'corrupt')).toBe(true);
    expect(error.message).toBe(message);
  });
});

describe('writing', () => {
  test('array bytes are aligned by default, so reading them back views the file, copying nothing', async () => {
    const entries = [
      entry(['a'], ndarray('float64', [3], Float64Array.of(1, 2, 3))),
      entry(['b'], ndarray('int8', [5], Int8Array.of(1, 2, 3, 4, 5))),
      entry(['c', 'd'], ndarray('complex128', [2, 1], Float64Array.of(1, 2, 3, 4))),
      entry(['e'], ndarray('float32', [70_000], new Float32Array(70_000).fill(0.5))),
      entry(['s'], numpyScalar(ndarray('int64', [], BigInt64Array.of(-7n)))),
    ];
    const sink = memorySink('x.msgpack');
    await writeEntries(msgpackCodecImpl, entries, sink);
    await sink.close();
    const bytes = sink.bytes();
    const reader = await msgpackCodecImpl.open(bytesSource(bytes, 'x.msgpack'));
    for await (const e of reader.read()) {
      const data = (e.value as NdArray).data;
      expect(data.buffer, e.key).toBe(bytes.buffer);
      expect((data.byteOffset - bytes.byteOffset) % 8, e.key).toBe(0);
    }
  });

  test('lists and tuples become {"0": ..} maps as flax writes them, refused unless lossy', async () => {
    const input = path.join(FIXTURES, 'pickle', 'tree.p4.pkl');
    const output = path.join(tmp, 'tree-from-pickle.msgpack');
    const refused = await convert(fileSource(input), atomicFileSink(output), {
      to: 'msgpack',
    }).catch((e) => e);
    expect(refused.message).toContain(
      "the list becomes a map with keys '0', '1', ... (as flax writes it): only a template restores the list",
    );
    expect(fs.existsSync(output)).toBe(false);
  });

  test('a Python int beyond int64/uint64 is refused, naming the key', async () => {
    const sink = memorySink('x.msgpack');
    const error = await writeEntries(msgpackCodecImpl, [entry(['big'], 2n ** 70n)], sink).catch(
      (e) => e,
    );
    expect(error.message).toBe(
      'x.msgpack, key "big": integer 1180591620717411303424 is beyond msgpack\'s uint64',
    );
  });

  test('an array past the chunk size is split as flax splits it, and read back whole', async () => {
    const a = ndarray(
      'int32',
      [5, 7],
      Int32Array.from({ length: 35 }, (_, i) => i - 17),
    );
    const sink = memorySink('x.msgpack');
    await writeEntries(msgpackCodecImpl, [entry(['a'], a)], sink, { msgpack: { chunkBytes: 24 } });
    await sink.close();
    const reader = await openSource(bytesSource(sink.bytes(), 'x.msgpack'));
    for await (const e of reader.read())
      expect(Array.from((e.value as NdArray<'int32'>).data)).toEqual(Array.from(a.data));
  });
});

describe.skipIf(!PYTHON)("Python reads what statekit writes (flax's ext hooks)", () => {
  const FLAX_LOAD = `
import sys, msgpack, numpy as np
def ext(code, data):
    if code in (1, 3):
        shape, name, buf = msgpack.unpackb(data, raw=True)
        try:
            dtype = np.dtype(name.decode())
        except TypeError:  # 'str160': flax writes str arrays and cannot read them back
            return None
        a = np.frombuffer(buf, dtype=dtype).reshape(shape)
        return a[()] if code == 3 else a
    if code == 2:
        re, im = msgpack.unpackb(data)
        return complex(re, im)
    return msgpack.ExtType(code, data)
def load(path):
    return msgpack.unpackb(open(path, 'rb').read(), ext_hook=ext, strict_map_key=False)
`;

  test.each(['npz/brainpy-einet.npz', 'hdf5/brainpy-einet.h5', 'pickle/dtypes.p4.pkl'])(
    '%s -> .msgpack: Python gets the same arrays',
    async (name) => {
      const input = path.join(FIXTURES, name);
      const output = path.join(tmp, `${path.basename(name)}.msgpack`);
      await convert(fileSource(input), atomicFileSink(output), {
        to: 'msgpack',
        write: { allowLossy: true },
      });
      const check = `${FLAX_LOAD}
import pickle
src = sys.argv[1]
want = (dict(np.load(src)) if src.endswith('.npz') else
        pickle.load(open(src, 'rb')) if src.endswith('.pkl') else None)
if want is None:
    import h5py
    with h5py.File(src) as f: want = {k: f[k][()] for k in f}
got = load(sys.argv[2])
assert list(got) == list(want), (list(got), list(want))
for k in want:
    w = np.asarray(want[k])
    if w.dtype.kind in 'US': continue  # str arrays: flax writes them and cannot load them
    assert got[k].dtype == w.dtype and got[k].shape == w.shape, k
    assert np.array_equal(got[k], w, equal_nan=w.dtype.kind in 'fc'), k
print('same')`;
      expect(python(check, input, output).trim()).toBe('same');
    },
  );
});
