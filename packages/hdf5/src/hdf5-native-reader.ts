import {
  type ByteSource,
  type Entry,
  entry,
  type Reader,
  StatekitError,
  withContext,
} from '@statekit/core';
import { type DatasetBytes, datasetInfo, datasetLeaf } from './dataset-value.js';
import { viewOf } from './native/bytes.js';
import { decodeText, type NativeDataset, type NativeFile, vlenBytes } from './native/parse.js';

/**
 * A Reader over metadata the native parser read (see `native/parse.ts`): listing costs no
 * further reads, and each dataset's data is one read straight from the file (a view onto the
 * file's bytes where alignment allows).
 */
export function nativeReader(source: ByteSource, file: NativeFile): Reader {
  const byKey = new Map(file.datasets.map((d) => [d.path.join('.'), d]));
  const bytesOf = (d: NativeDataset): DatasetBytes => {
    const raw = (): Promise<Uint8Array> | Uint8Array => {
      const s = d.storage;
      if (s.kind === 'compact') return s.bytes;
      if (s.kind === 'empty') return new Uint8Array(0);
      return source.read(file.base + s.address, s.size);
    };
    return {
      raw,
      async strings() {
        const elements = await raw();
        const view = viewOf(elements);
        const out: string[] = [];
        for (let i = 0; i < d.meta.total_size; i++) {
          out.push(decodeText(await vlenBytes(view, i * 16, file.heaps), d.meta.cset, true));
        }
        return d.meta.shape?.length === 0 ? (out[0] ?? '') : out;
      },
    };
  };
  const guard = async <T>(d: NativeDataset, work: () => Promise<T> | T): Promise<T> => {
    try {
      return await work();
    } catch (cause) {
      if (cause instanceof StatekitError) throw withContext(cause, source.name, d.path.join('.'));
      throw new StatekitError('corrupt', `HDF5: ${(cause as Error).message ?? cause}`, {
        file: source.name,
        key: d.path.join('.'),
        cause,
      });
    }
  };
  return {
    format: 'hdf5',
    async list() {
      return file.datasets.map((d) => datasetInfo(d.path, d.meta, d.attrs));
    },
    async *read(keys) {
      let wanted = file.datasets;
      if (keys) {
        for (const k of keys) {
          if (!byKey.has(k))
            throw new StatekitError('format', 'no such dataset in the file', {
              file: source.name,
              key: k,
            });
        }
        const set = new Set(keys);
        wanted = wanted.filter((d) => set.has(d.path.join('.')));
      }
      for (const d of wanted) {
        yield await guard(d, async (): Promise<Entry> => {
          const value = await datasetLeaf(d.meta, d.attrs, bytesOf(d));
          return Object.keys(d.attrs).length > 0
            ? entry(d.path, value, d.attrs)
            : entry(d.path, value);
        });
      }
    },
    async groups() {
      return file.groups;
    },
    async close() {},
  };
}
