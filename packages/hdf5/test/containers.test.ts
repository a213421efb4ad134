/**
 * Groups and attributes survive statekit: an h5py file with nested and empty groups and
 * attributes of many dtypes on the root, on groups and on datasets converts h5 -> h5 with all
 * of it kept (h5py compares values and dtypes), h5 -> npz names what it would drop, and
 * statekit's own `statekit_dtype` tag never travels from one file into another.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  type Container,
  convert,
  entry,
  isStatekitError,
  memorySink,
  ndarray,
  numpyScalar,
  openSource,
  registerCodec,
  SparseMatrix,
  toSource,
} from '@statekit/core';
import { writeChecked, writeEntries } from '@statekit/core/codec';
import { atomicFileSink, fileSource } from '@statekit/core/node';
import { npz } from '@statekit/npz';
import { beforeAll, describe, expect, test } from 'vitest';
import { hdf5 } from '../src/index.js';
import { PYTHON, PYTHON_MISSING, python } from './python.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'statekit-h5-tree-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

beforeAll(() => {
  registerCodec(npz, hdf5);
  if (!PYTHON) console.warn(PYTHON_MISSING);
});

/** h5py writes the tree; `plain` leaves out bool and float16 attributes (h5wasm has none). */
const MAKE_TREE = `
import sys, h5py, numpy as np
plain = sys.argv[2] == 'plain'
with h5py.File(sys.argv[1], 'w') as f:
    f.attrs['creator'] = 'h5py'
    f.attrs['version'] = np.int64(3)
    f.attrs['ratio'] = np.float32(0.25)
    f.attrs['shape'] = np.array([[1, 2, 3], [4, 5, 6]], dtype='i4')
    f.attrs['names'] = ['E', 'I']
    if not plain:
        f.attrs['flags'] = np.array([True, False])
        f.attrs['half'] = np.float16(1.5)
    f['E.V'] = np.arange(3, dtype='f4')
    net = f.create_group('net')
    net.attrs['type'] = 'EINet'
    net.attrs['n'] = np.int32(4)
    E = net.create_group('E')
    E.attrs['tau'] = 10.0
    v = E.create_dataset('V', data=np.full(4, -65, dtype='f4'))
    v.attrs['unit'] = 'mV'
    v.attrs['scale'] = np.float64(0.5)
    v.attrs['ids'] = np.arange(3, dtype='u2')
    net.create_group('void')
    empty = f.create_group('empty')
    empty.attrs['note'] = 'kept'
`;

/** Every difference h5py sees between two files: objects, kinds, attribute values and dtypes. */
const COMPARE = `
import sys, json, h5py, numpy as np
def objects(f):
    out = {'/': f}
    f.visititems(lambda name, obj: out.__setitem__('/' + name, obj))
    return out
def same(x, y):
    if isinstance(x, np.ndarray) or isinstance(y, np.ndarray) or isinstance(x, np.generic):
        x, y = np.asarray(x), np.asarray(y)
        return x.dtype == y.dtype and x.shape == y.shape and np.array_equal(x, y)
    return type(x) == type(y) and x == y
problems = []
with h5py.File(sys.argv[1], 'r') as a, h5py.File(sys.argv[2], 'r') as b:
    oa, ob = objects(a), objects(b)
    if sorted(oa) != sorted(ob): problems.append(['objects', sorted(oa), sorted(ob)])
    for name in sorted(set(oa) & set(ob)):
        x, y = oa[name], ob[name]
        if type(x) != type(y): problems.append([name, 'kind']); continue
        if isinstance(x, h5py.Dataset) and not (x.dtype == y.dtype and np.array_equal(x[()], y[()])):
            problems.append([name, 'data'])
        if sorted(x.attrs) != sorted(y.attrs): problems.append([name, 'attrs', sorted(x.attrs), sorted(y.attrs)])
        for k in sorted(set(x.attrs) & set(y.attrs)):
            if not same(x.attrs[k], y.attrs[k]):
                problems.append([name, k, repr(x.attrs[k]), repr(y.attrs[k])])
print(json.dumps(problems))
`;

async function convertFile(from: string, to: string, write = {}): Promise<void> {
  const source = fileSource(from);
  try {
    await convert(source, atomicFileSink(to), { to: 'hdf5', write });
  } finally {
    await source.close();
  }
}

describe.skipIf(!PYTHON)('groups and attributes through statekit (h5py compares)', () => {
  test('h5 -> h5 keeps every group (empty ones too) and attribute, with its dtype', async () => {
    const original = path.join(tmp, 'tree.h5');
    python(MAKE_TREE, original, 'full');
    const copy = path.join(tmp, 'tree-copy.h5');
    await convertFile(original, copy);
    expect(JSON.parse(python(COMPARE, original, copy))).toEqual([]);
  });

  test('h5 -> h5 through h5wasm (gzip) keeps them too, and refuses bool attributes by name', async () => {
    const plain = path.join(tmp, 'plain.h5');
    python(MAKE_TREE, plain, 'plain');
    const copy = path.join(tmp, 'plain-gzip.h5');
    await convertFile(plain, copy, { hdf5: { gzip: 4 } });
    expect(JSON.parse(python(COMPARE, plain, copy))).toEqual([]);

    const full = path.join(tmp, 'full.h5');
    python(MAKE_TREE, full, 'full');
    const refused = path.join(tmp, 'full-gzip.h5');
    const error = await convertFile(full, refused, { hdf5: { gzip: 4 } }).catch((e) => e);
    expect(isStatekitError(error, 'unsupported')).toBe(true);
    expect((error as Error).message).toContain(
      'attribute flags: bool attributes cannot be written through h5wasm',
    );
    expect(fs.existsSync(refused)).toBe(false);
  });

  test('h5 -> npz names every attribute it would drop, before writing anything', async () => {
    const original = path.join(tmp, 'tree-npz.h5');
    python(MAKE_TREE, original, 'full');
    const out = path.join(tmp, 'tree.npz');
    const source = fileSource(original);
    const error = await convert(source, atomicFileSink(out), { to: 'npz' }).catch((e) => e);
    await source.close();
    expect(isStatekitError(error, 'mismatch')).toBe(true);
    expect((error as Error).message).toBe(
      `${out}: npz cannot store these 6 entries exactly (allow lossy conversion to proceed):\n` +
        "  (root): the group's attributes (creator, flags, half, names, ratio, shape, version) are dropped: NumPy files have none\n" +
        "  empty: the group's attributes (note) are dropped: NumPy files have none\n" +
        '  empty, net.void: an empty group has no member to be stored as: it is dropped\n' +
        "  net: the group's attributes (n, type) are dropped: NumPy files have none\n" +
        "  net.E: the group's attributes (tau) are dropped: NumPy files have none\n" +
        '  net.E.V: a nested path is stored under its dotted name: the nesting is lost\n' +
        '  net.E.V: its attributes (ids, scale, unit) are dropped: NumPy files have none',
    );
    expect(fs.existsSync(out)).toBe(false);
  });

  test("statekit's own dtype tag is a hint: never listed as an attribute, never copied", async () => {
    // h5wasm (gzip) stores bool as uint8 tagged statekit_dtype='bool'.
    const tagged = path.join(tmp, 'tagged.h5');
    const sink = atomicFileSink(tagged);
    const codec = await hdf5.load();
    const flags = ndarray('bool', [3], Uint8Array.of(1, 0, 1));
    await writeEntries(codec, [entry(['flags'], flags, { unit: 'spikes' })], sink, {
      hdf5: { gzip: 1 },
    });
    await sink.close();
    const source = fileSource(tagged);
    const reader = await openSource(source);
    const [info] = await reader.list();
    await reader.close();
    await source.close();
    expect(info).toMatchObject({
      dtype: 'bool',
      attrs: { unit: 'spikes' },
      hints: { statekit_dtype: 'bool' },
    });

    const native = path.join(tmp, 'untagged.h5');
    await convertFile(tagged, native);
    const attrs = (file: string) =>
      JSON.parse(
        python(
          `import sys, json, h5py
with h5py.File(sys.argv[1], 'r') as f:
    d = f['flags']
    print(json.dumps({'dtype': str(d.dtype), 'attrs': {k: str(v) for k, v in d.attrs.items()}}))`,
          file,
        ),
      );
    expect(attrs(native)).toEqual({ dtype: 'bool', attrs: { unit: 'spikes' } });
    // Through h5wasm again the tag is written afresh, once, because that writer needs it.
    const again = path.join(tmp, 'retagged.h5');
    await convertFile(tagged, again, { hdf5: { gzip: 1 } });
    expect(attrs(again)).toEqual({
      dtype: 'uint8',
      attrs: { statekit_dtype: 'bool', unit: 'spikes' },
    });
  });
});

describe('what the HDF5 writers skip is what lossiness says', () => {
  const sparse = new SparseMatrix(
    [2, 2],
    ndarray('float64', [1], Float64Array.of(5)),
    ndarray('int32', [1], Int32Array.of(1)),
    ndarray('int32', [3], Int32Array.of(0, 0, 1)),
  );
  const entries = () => [
    entry(['S'], sparse),
    entry(['s'], numpyScalar(ndarray('float32', [], Float32Array.of(2)))),
    entry(['list', 0], 1.5),
  ];
  const containers: Container[] = [{ path: ['list'], kind: 'list', children: [0] }];

  test.each([undefined, 4])(
    'refused by name, then written without them (gzip %s)',
    async (gzip) => {
      const codec = await hdf5.load();
      const write = { hdf5: gzip ? { gzip } : {} };
      const refused = memorySink('t.h5');
      const error = await writeChecked(codec, entries(), refused, write, containers).catch(
        (e) => e,
      );
      expect((error as Error).message).toBe(
        't.h5: hdf5 cannot store these 4 entries exactly (allow lossy conversion to proceed):\n' +
          '  list: a list is stored as a group: that it was a list is lost\n' +
          '  list, list.0: integer keys are stored as names (HDF5 links are strings)\n' +
          '  S: a sparse matrix has no HDF5 form here: skipped\n' +
          '  s: a numpy scalar is stored as a 0-d (scalar) dataset',
      );
      const sink = memorySink('t.h5');
      await writeChecked(codec, entries(), sink, { ...write, allowLossy: true }, containers);
      const reader = await openSource(toSource(sink.bytes(), 't.h5'));
      expect((await reader.list()).map((i) => [i.path, i.dtype, i.shape])).toEqual([
        [['list', '0'], 'float', []],
        [['s'], 'float32', []],
      ]);
      expect((await reader.containers!()).map((c) => [c.path, c.kind, c.children])).toEqual([
        [[], 'group', ['list', 's']],
        [['list'], 'group', ['0']],
      ]);
      await reader.close();
    },
  );
});
