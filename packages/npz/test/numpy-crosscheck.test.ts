import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  bytesArray,
  convert,
  DTYPE_NAMES,
  type Entry,
  entry,
  float32ToFloat16,
  memorySink,
  ndarray,
  registerCodec,
  strArray,
} from '@statekit/core';
import { writeEntries } from '@statekit/core/codec';
import { atomicFileSink, fileSource } from '@statekit/core/node';
import { beforeAll, describe, expect, test } from 'vitest';
import { npy, npz } from '../src/index.js';
import { npzCodecImpl } from '../src/npz-codec.js';
import { convertFile, digest } from './files.js';
import { PYTHON, PYTHON_MISSING, python } from './python.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../../test-fixtures/npz');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'statekit-numpy-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

beforeAll(() => {
  registerCodec(npz, npy);
  if (!PYTHON) console.warn(PYTHON_MISSING);
});

/** numpy's view of an npz: key -> {dtype, shape, sha256 of logical LE C-order bytes}. */
const NUMPY_DIGEST = `
import sys, json, hashlib, numpy as np
out = {}
with np.load(sys.argv[1], allow_pickle=False) as f:
    for k in f.files:
        a = f[k]
        c = np.ascontiguousarray(a)  # (makes 0-d arrays 1-d: the shape comes from a)
        out[k] = [a.dtype.str.replace('>', '<').replace('=', '<'), list(a.shape),
                  hashlib.sha256(c.astype(c.dtype.newbyteorder('<')).tobytes()).hexdigest()]
print(json.dumps(out))
`;

/** One entry per dtype the npz writer stores exactly, with edge values. */
function everyDtype(): Entry[] {
  const out: Entry[] = [];
  const n = 5;
  for (const dtype of DTYPE_NAMES) {
    switch (dtype) {
      case 'str':
        out.push(entry(['str'], strArray(['E.V', 'ß', '日本語', '', 'x'], [5])));
        break;
      case 'bytes':
        out.push(entry(['bytes'], bytesArray(['ab', '', '\x01\x02', 'xyz', 'q'], [5])));
        break;
      case 'bfloat16':
        break; // not a numpy dtype: covered by the lossy tests
      case 'float16':
        out.push(
          entry(
            ['float16'],
            ndarray('float16', [n], float32ToFloat16([0, -0, 65504, 6e-8, Number.NaN])),
          ),
        );
        break;
      case 'int64':
        out.push(
          entry(
            ['int64'],
            ndarray(
              'int64',
              [n],
              BigInt64Array.of(-(2n ** 63n), -1n, 0n, 2n ** 53n + 1n, 2n ** 63n - 1n),
            ),
          ),
        );
        break;
      case 'uint64':
        out.push(
          entry(
            ['uint64'],
            ndarray(
              'uint64',
              [n],
              BigUint64Array.of(0n, 1n, 2n ** 53n + 1n, 2n ** 63n, 2n ** 64n - 1n),
            ),
          ),
        );
        break;
      case 'complex64':
      case 'complex128': {
        const Ctor = (dtype === 'complex64' ? Float32Array : Float64Array) as typeof Float64Array;
        out.push(
          entry(
            [dtype],
            ndarray(
              dtype,
              [n],
              Ctor.from({ length: 2 * n }, (_, i) => i * 0.5 - 2),
            ),
          ),
        );
        break;
      }
      case 'bool':
        out.push(entry(['bool'], ndarray('bool', [n], Uint8Array.of(1, 0, 1, 1, 0))));
        break;
      default: {
        const { ArrayType } = { ArrayType: ndarrayCtor(dtype) };
        const data = new ArrayType(2 * 3);
        for (let i = 0; i < data.length; i++) (data as unknown as number[])[i] = (i * 37) % 100;
        out.push(entry([dtype], ndarray(dtype, [2, 3], data as never)));
      }
    }
  }
  out.push(entry(['zero_d'], ndarray('float64', [], Float64Array.of(Math.PI))));
  out.push(entry(['empty'], ndarray('int32', [0, 4], new Int32Array(0))));
  out.push(entry(['E.V'], ndarray('float32', [3], Float32Array.of(-65, -60, -55))));
  return out;
}

function ndarrayCtor(dtype: string) {
  return {
    int8: Int8Array,
    int16: Int16Array,
    int32: Int32Array,
    uint8: Uint8Array,
    uint16: Uint16Array,
    uint32: Uint32Array,
    float32: Float32Array,
    float64: Float64Array,
  }[dtype as 'int8']!;
}

async function writeNpz(file: string, entries: Entry[], compress = false): Promise<void> {
  const sink = atomicFileSink(file);
  await writeEntries(npzCodecImpl, entries, sink, { npz: { compress } });
  await sink.close();
}

describe.skipIf(!PYTHON)('numpy reads what we write', () => {
  test.each([
    ['stored', false],
    ['deflated', true],
  ])('every dtype, %s: numpy gives our checksums', async (_label, compress) => {
    const file = path.join(tmp, `every-${compress}.npz`);
    const entries = everyDtype();
    await writeNpz(file, entries, compress as boolean);
    const theirs = JSON.parse(python(NUMPY_DIGEST, file));
    const ours = await digest(file);
    expect(Object.keys(theirs)).toEqual(entries.map((e) => e.key));
    for (const [key, [, shape, sha]] of Object.entries(ours)) {
      expect([key, theirs[key][1], theirs[key][2]]).toEqual([key, shape, sha]);
    }
    expect(theirs.str[0]).toBe('<U3');
    expect(theirs.bytes[0]).toBe('|S3');
    expect(theirs.float16[0]).toBe('<f2');
  });

  test('convert a.npz b.npz round-trips every fixture (numpy compares the arrays)', async () => {
    for (const name of [
      'dtypes.npz',
      'dtypes.compressed.npz',
      'fortran.npz',
      'brainpy-einet.npz',
    ]) {
      const out = path.join(tmp, `rt-${name}`);
      await convertFile(path.join(FIXTURES, name), out);
      const same = python(
        `import sys, numpy as np
a, b = np.load(sys.argv[1]), np.load(sys.argv[2])
assert a.files == b.files, (a.files, b.files)
for k in a.files:
    x, y = a[k], b[k]
    assert x.shape == y.shape and x.dtype.newbyteorder('<') == y.dtype.newbyteorder('<'), k
    assert x.tobytes() == y.astype(x.dtype).tobytes() and np.array_equal(x, y, equal_nan=x.dtype.kind in 'fc'), k
print('same', len(a.files))`,
        path.join(FIXTURES, name),
        out,
      );
      expect(same).toMatch(/^same \d+/);
    }
  });

  test('ZIP64: 70,000 members (beyond the 65,535 of plain ZIP) read back in numpy and in statekit', async () => {
    const file = path.join(tmp, 'many.npz');
    const entries = Array.from({ length: 70_000 }, (_, i) =>
      entry([`k${i}`], ndarray('int32', [1], Int32Array.of(i))),
    );
    await writeNpz(file, entries);
    const out = python(
      `import sys, numpy as np, zipfile
f = np.load(sys.argv[1])
assert zipfile.ZipFile(sys.argv[1]).testzip() is None
print(len(f.files), int(f['k69999'][0]), f.files[65535])`,
      file,
    );
    expect(out.trim()).toBe('70000 69999 k65535');
    const source = fileSource(file);
    const reader = await npzCodecImpl.open(source);
    const listed = await reader.list();
    expect(listed).toHaveLength(70_000);
    for await (const e of reader.read(['k69999']))
      expect(e.value).toEqual(ndarray('int32', [1], Int32Array.of(69999)));
    await source.close();
  });

  test('.npy output is byte-identical to np.save for every little-endian C-order version-1.0 fixture', async () => {
    const names = fs
      .readdirSync(FIXTURES)
      .filter(
        (f) =>
          f.endsWith('.npy') &&
          !f.startsWith('be-') &&
          !f.startsWith('fortran') &&
          !f.startsWith('header-v'),
      );
    expect(names.length).toBeGreaterThan(15);
    for (const name of names) {
      const out = path.join(tmp, name);
      await convertFile(path.join(FIXTURES, name), out);
      expect(fs.readFileSync(out).equals(fs.readFileSync(path.join(FIXTURES, name))), name).toBe(
        true,
      );
    }
  });
});

describe('in-memory round trip (no Python needed)', () => {
  test('every dtype survives write and read through bytes', async () => {
    const sink = memorySink('mem.npz');
    const entries = everyDtype();
    await writeEntries(npzCodecImpl, entries, sink);
    await sink.close();
    const back: Entry[] = [];
    const src = (await import('@statekit/core')).bytesSource(sink.bytes(), 'mem.npz');
    for await (const e of (await npzCodecImpl.open(src)).read()) back.push(e);
    expect(back.map((e) => e.key)).toEqual(entries.map((e) => e.key));
    back.forEach((e, i) => {
      expect(e.value, e.key).toEqual(entries[i]!.value);
    });
    const sink2 = memorySink('mem2.npz');
    await convert(src, sink2, { to: 'npz' });
    expect(Buffer.from(sink2.bytes()).equals(Buffer.from(sink.bytes()))).toBe(true);
  });
});
