import {
  type ByteSource,
  type Entry,
  type Reader,
  type ReadOptions,
  StreamedArray,
} from '@statekit/core';
import {
  checkArrayBytes,
  guardEntry,
  KeyIndex,
  limitsWith,
  sourceSlices,
} from '@statekit/core/codec';
import {
  type DatasetBytes,
  datasetEntry,
  datasetInfo,
  datasetLeaf,
  resolve,
} from './dataset-value.js';
import { viewOf } from './native/bytes.js';
import { decodeText, type NativeDataset, type NativeFile, vlenBytes } from './native/parse.js';

/** Datasets smaller than this are read together with their neighbours in the file. */
const SMALL_BYTES = 1 << 20;
/** Bytes of small datasets fetched per batch. */
const BATCH_BYTES = 32 << 20;
/** Neighbours closer than this (headers between datasets) are read in one run. */
const RUN_GAP = 64 << 10;

/**
 * Reads the small contiguous datasets of `batch` in runs: sorted by address, neighbours merged
 * into one read, each dataset a view of its run. A run that fails to read is left out, so the
 * dataset's own read reports the error with its key.
 */
async function prefetch(
  source: ByteSource,
  base: number,
  batch: NativeDataset[],
): Promise<Map<NativeDataset, Uint8Array>> {
  const small = batch
    .flatMap((d) =>
      d.storage.kind === 'contiguous' && d.storage.size < SMALL_BYTES
        ? [{ d, at: d.storage.address, size: d.storage.size }]
        : [],
    )
    .sort((a, b) => a.at - b.at);
  const out = new Map<NativeDataset, Uint8Array>();
  for (let i = 0; i < small.length; ) {
    let j = i + 1;
    let end = small[i]!.at + small[i]!.size;
    while (j < small.length && small[j]!.at - end <= RUN_GAP) {
      end = Math.max(end, small[j]!.at + small[j]!.size);
      j++;
    }
    const start = small[i]!.at;
    try {
      const run = await source.read(base + start, end - start);
      for (let k = i; k < j; k++) {
        const { d, at, size } = small[k]!;
        out.set(d, run.subarray(at - start, at - start + size));
      }
    } catch {
      // each dataset of the run is read (and fails) on its own
    }
    i = j;
  }
  return out;
}

function sizeOf(d: NativeDataset): number {
  return d.storage.kind === 'contiguous' ? d.storage.size : 0;
}

/**
 * A Reader over metadata the native parser read (see `native/parse.ts`): listing costs no
 * further reads; data comes straight from the file, small datasets in batched runs of
 * neighbours (names are listed in name order, but files are written in creation order), as
 * views onto the file's bytes where alignment allows.
 */
export function nativeReader(
  source: ByteSource,
  file: NativeFile,
  options: ReadOptions = {},
): Reader {
  const limits = limitsWith(options.limits);
  const index = new KeyIndex(file.datasets, (d) => d.path.join('.'), source.name);
  const bytesOf = (d: NativeDataset, fetched?: Uint8Array): DatasetBytes => {
    const raw = (): Promise<Uint8Array> | Uint8Array => {
      const s = d.storage;
      if (fetched) return fetched;
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
  /** A contiguous array dataset above `streamAbove`, read from the file in slices. */
  const streamedDataset = (d: NativeDataset, above?: number): StreamedArray | undefined => {
    const s = d.storage;
    if (above === undefined || s.kind !== 'contiguous' || s.size <= above) return undefined;
    const mapped = resolve(d.meta, d.attrs);
    if (mapped.kind !== 'array' || mapped.scalarLeaf) return undefined;
    const chunks = () => sourceSlices(source, file.base + s.address, s.size);
    const context = { file: source.name, key: d.path.join('.') };
    return new StreamedArray(mapped.dtype, d.meta.shape ?? [], mapped.itemSize, chunks, context);
  };
  const guard = <T>(d: NativeDataset, work: () => Promise<T> | T): Promise<T> =>
    guardEntry(work, { file: source.name, key: d.path.join('.'), label: 'HDF5' });
  return {
    format: 'hdf5',
    async list() {
      return file.datasets.map((d) => datasetInfo(d.path, d.meta, d.attrs));
    },
    async *read(keys) {
      const wanted = index.select(keys);
      for (let start = 0; start < wanted.length; ) {
        let end = start;
        for (let bytes = 0; end < wanted.length && bytes < BATCH_BYTES; end++) {
          const size = sizeOf(wanted[end]!);
          if (size < SMALL_BYTES) bytes += size;
        }
        const batch = wanted.slice(start, end);
        start = end;
        const fetched = await prefetch(source, file.base, batch);
        for (const d of batch) {
          yield await guard(d, async (): Promise<Entry> => {
            const streamed = streamedDataset(d, options.streamAbove);
            if (streamed) return datasetEntry(d.path, streamed, d.attrs);
            checkArrayBytes(sizeOf(d), limits.maxArrayBytes);
            const value = await datasetLeaf(d.meta, d.attrs, bytesOf(d, fetched.get(d)));
            return datasetEntry(d.path, value, d.attrs);
          });
        }
      }
    },
    async containers() {
      return file.containers;
    },
    async close() {},
  };
}
