import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  type ByteSource,
  bytesSource,
  convert,
  isStatekitError,
  type NdArray,
  openSource,
  registerCodec,
} from '@statekit/core';
import { atomicFileSink, fileSource } from '@statekit/core/node';
import { readZipDirectory } from '@statekit/core/zip';
import { npy, npz } from '@statekit/npz';
import { referencePython } from '@statekit/test-utils';
import { beforeAll, describe, expect, test } from 'vitest';
import { pickle, torch } from '../src/index.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../../test-fixtures/torch');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'statekit-torch-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));
// torch is heavy and only generates fixtures; CI has no python3-torch, so this one may skip.
const torchPython = referencePython(['torch'], 'python3-torch', { optional: true });

beforeAll(() => {
  registerCodec(npz, npy, pickle, torch);
  if (!torchPython.path) console.warn(torchPython.missing);
});

const fixture = (name: string) => new Uint8Array(fs.readFileSync(path.join(FIXTURES, name)));

/** A source that records every range read from it. */
function recording(bytes: Uint8Array, name: string): ByteSource & { reads: [number, number][] } {
  const inner = bytesSource(bytes, name);
  const reads: [number, number][] = [];
  return Object.assign(Object.create(inner), {
    reads,
    read: (offset: number, length: number) => {
      reads.push([offset, length]);
      return inner.read(offset, length);
    },
  });
}

describe('torch.save files', () => {
  test('are detected by their data.pkl marker, whatever the extension (not taken for npz)', async () => {
    const reader = await openSource(bytesSource(fixture('views.pt'), 'weights.npz'));
    expect(reader.format).toBe('torch');
  });

  test('a storage several tensors view is read once, while they are read', async () => {
    const bytes = fixture('views.pt');
    const source = recording(bytes, 'views.pt');
    const reader = await openSource(source);
    const storage = (await readZipDirectory(bytesSource(bytes, 'views.pt'), {} as never)).find(
      (m) => m.name === 'archive/data/0',
    )!;
    source.reads.length = 0;
    const values: Record<string, NdArray> = {};
    for await (const e of reader.read()) values[e.key] = e.value as NdArray;
    const storageReads = source.reads.filter(
      ([at, n]) => n === storage.size && at > storage.localHeaderOffset,
    );
    expect(storageReads).toHaveLength(1);
    // A contiguous tensor is a view of the storage's bytes; a transposed one its C-order copy.
    expect(Array.from(values.whole!.data as Float32Array).slice(0, 7)).toEqual([
      0, 1, 2, 3, 4, 5, 6,
    ]);
    expect(Array.from(values.transposed!.data as Float32Array).slice(0, 5)).toEqual([
      0, 6, 12, 18, 1,
    ]);
    expect(Array.from(values.expanded!.data as BigInt64Array)).toEqual([
      0n,
      0n,
      0n,
      0n,
      1n,
      1n,
      1n,
      1n,
      2n,
      2n,
      2n,
      2n,
    ]);
  });

  test('a state dict is an OrderedDict; its _metadata (module versions) is not an entry', async () => {
    const reader = await openSource(bytesSource(fixture('state-dict.pt'), 'state-dict.pt'));
    const [root] = await reader.containers!();
    expect(root).toMatchObject({ kind: 'ordered_dict', path: [] });
    expect(root!.children).not.toContain('_metadata');
    expect(root!.children).toContain('1.num_batches_tracked');
  });

  test.each([
    [
      'hostile.pt',
      'unsafe',
      'hostile.pt: pickle: refused global posix.system: loading it would run code',
    ],
    [
      'legacy.pt',
      'unsupported',
      'legacy.pt: PyTorch: the legacy (before 1.6) torch.save format is not supported',
    ],
  ])('%s is refused whole: %s', async (name, tag, message) => {
    const error = await openSource(bytesSource(fixture(`bad/${name}`), name)).catch((e) => e);
    expect(isStatekitError(error, tag as 'unsafe')).toBe(true);
    expect(error.message.startsWith(message)).toBe(true);
  });

  test('a damaged storage fails its tensors only, naming them', async () => {
    const reader = await openSource(bytesSource(fixture('bad/short-storage.pt'), 'short.pt'));
    const read = async (key: string) => {
      for await (const e of reader.read([key])) return e.value as NdArray;
    };
    await expect(read('whole')).rejects.toThrow(
      'short.pt, key "whole": PyTorch: storage 0 holds 40 bytes, its 24 float32 elements take 96',
    );
    expect(Array.from((await read('scalar'))!.data as Float32Array)).toEqual([2.5]);
  });

  test('writing a torch file is refused, pointing to pickle and npz', async () => {
    const error = await convert(
      bytesSource(fixture('tensor.pt'), 'tensor.pt'),
      atomicFileSink(path.join(tmp, 'x.pt')),
      {
        to: 'torch',
      },
    ).catch((e) => e);
    expect(error.message).toBe(
      `${path.join(tmp, 'x.pt')}: writing PyTorch files is not supported: write .pkl (pickle) or .npz instead`,
    );
  });
});

describe.skipIf(!torchPython.path)('against torch.load', () => {
  test.each(['views.pt', 'dtypes.pt', 'checkpoint.pt'])(
    "%s -> .pkl: Python unpickles torch.load's values",
    async (name) => {
      const output = path.join(tmp, `${name}.pkl`);
      await convert(fileSource(path.join(FIXTURES, name)), atomicFileSink(output), {
        to: 'pickle',
        write: { allowLossy: true },
      });
      const check = `
import sys, pickle, torch, numpy as np
# torch 1.13's weights_only unpickler lacks BINFLOAT; these are our own fixtures.
want = torch.load(sys.argv[1])
got = pickle.load(open(sys.argv[2], 'rb'))
def same(w, g, at):
    if isinstance(w, torch.Tensor):
        w = (w.float() if w.dtype == torch.bfloat16 else w).numpy()
        assert isinstance(g, np.ndarray) and g.shape == w.shape and g.dtype == w.dtype, at
        assert np.array_equal(g, w), at
    elif isinstance(w, dict):
        assert list(w) == list(g), at
        for k in w: same(w[k], g[k], f'{at}.{k}')
    elif isinstance(w, (list, tuple)):
        assert type(w) is type(g) and len(w) == len(g), at
        for i, (x, y) in enumerate(zip(w, g)): same(x, y, f'{at}.{i}')
    else:
        assert w == g and type(w) is type(g), at
same(want, got, '')
print('same')`;
      expect(torchPython.run(check, path.join(FIXTURES, name), output).trim()).toBe('same');
    },
  );
});
