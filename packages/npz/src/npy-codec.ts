import {
  type ByteSink,
  type ByteSource,
  type Codec,
  type Entry,
  type EntryInfo,
  entry,
  type Reader,
  type ReadOptions,
  StatekitError,
  StreamedArray,
  type WriteOptions,
} from '@statekit/core';
import {
  bytesOf,
  checkArrayBytes,
  limitsWith,
  sourceSlices,
  type WritePlan,
  type WriteSummary,
  withContext,
} from '@statekit/core/codec';
import { decodeNpyData, encodeNpyHeader, readNpyHeaderFrom, streamedNpyData } from './npy.js';
import { npyContainerLossiness, npyLossiness, toStorableArray } from './to-array.js';

/** The key a lone .npy file's array is listed under: the file name without directory and `.npy`. */
export function npyKey(name: string): string {
  const base = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  return base.toLowerCase().endsWith('.npy') ? base.slice(0, -4) : base;
}

async function openNpy(source: ByteSource, options: ReadOptions = {}): Promise<Reader> {
  const limits = limitsWith(options.limits);
  const key = npyKey(source.name);
  const fail = (e: unknown): never => {
    throw withContext(e, source.name, key);
  };
  const header = await (async () => {
    const npy = await readNpyHeaderFrom((n) => source.read(0, n), source.size, limits);
    if (npy) return npy.header;
    // Kept as before: short garbage reads as a cut-off header, longer as not NPY.
    if (source.size < 6) throw new StatekitError('corrupt', 'truncated NPY header');
    throw new StatekitError('format', 'not an NPY array (bad magic)');
  })().catch(fail);
  return {
    format: 'npy',
    async list(): Promise<EntryInfo[]> {
      return [
        {
          key,
          path: [key],
          kind: 'array',
          dtype: header.dtype,
          shape: header.shape,
          byteLength: header.dataLength,
        },
      ];
    },
    async *read(keys) {
      for (const k of keys ?? []) {
        if (k !== key)
          throw new StatekitError('format', 'no such key (a .npy file holds one array)', {
            file: source.name,
            key: k,
          });
      }
      if (keys && keys.length === 0) return;
      const { streamAbove } = options;
      if (streamAbove !== undefined && header.dataLength > streamAbove) {
        const content = () =>
          sourceSlices(source, header.headerLength, source.size - header.headerLength);
        const streamed = streamedNpyData(header, content, { file: source.name, key });
        if (streamed) {
          yield entry([key], streamed);
          return;
        }
      }
      try {
        checkArrayBytes(header.dataLength, limits.maxArrayBytes);
      } catch (e) {
        fail(e);
      }
      const data = await source.read(header.headerLength, header.dataLength).catch(fail);
      yield entry([key], decodeNpyData(header, data));
    },
    async close() {},
  };
}

async function writeNpy(
  _plan: WritePlan,
  entries: AsyncIterable<Entry> | Iterable<Entry>,
  sink: ByteSink,
  _options?: WriteOptions,
): Promise<WriteSummary> {
  let written = false;
  for await (const e of entries) {
    const array = toStorableArray(e);
    if (!array) continue;
    if (written) {
      throw new StatekitError(
        'unsupported',
        'a .npy file holds one array; write several into an .npz',
        { file: sink.name, key: e.key },
      );
    }
    written = true;
    await sink.write(encodeNpyHeader(array));
    if (array instanceof StreamedArray)
      for await (const slice of array.slices()) await sink.write(slice);
    else await sink.write(bytesOf(array));
  }
  if (!written)
    throw new StatekitError('unsupported', 'nothing to write: a .npy file needs one array', {
      file: sink.name,
    });
  return { entries: 1 };
}

/** The .npy codec: one array per file, keyed by the file name. */
export const npyCodecImpl: Codec = {
  name: 'npy',
  open: openNpy,
  lossiness: npyLossiness,
  containerLossiness: npyContainerLossiness,
  write: writeNpy,
};
