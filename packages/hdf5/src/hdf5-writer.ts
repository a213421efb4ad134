import {
  type ByteSink,
  Complex,
  type Entry,
  type EntryInfo,
  isNdArray,
  type NdArray,
  StatekitError,
  strings,
  type WriteOptions,
} from '@statekit/core';
import type { File as H5File } from 'h5wasm';
import { platform } from '#h5wasm';
import { DTYPE_ATTR, STORED_AS } from './h5-types.js';
import { writeNativeHdf5 } from './native/write.js';

/** Options of the HDF5 writer, passed as `{ hdf5: { ... } }`. */
export interface Hdf5WriteOptions {
  /**
   * `'paths'` (default): each entry at its path, so BrainPy's flat `E.V` is a root dataset named
   * `E.V` and nested entries go into groups. `'flat'`: every entry a root dataset named by its
   * key. `'groups'`: keys split on `.` into groups (BrainPy 1.x's `E/V`).
   */
  layout?: 'paths' | 'flat' | 'groups';
  /** gzip level 1-9 for array datasets (chunked by h5wasm); off by default. */
  gzip?: number;
  /**
   * Arrays larger than this are written as chunked datasets, slab by slab, so no single copy
   * into the 2 GiB wasm heap is needed (default 256 MiB; this is also how files over 4 GiB are
   * written).
   */
  slabBytes?: number;
  /**
   * `'auto'` (default): statekit's own writer (h5py's default file layout, data streamed
   * straight to the file) unless `gzip` is set or the sink cannot patch its start, then
   * h5wasm. `'native'` or `'h5wasm'` force one; `'native'` with gzip is an `unsupported` error.
   */
  engine?: 'auto' | 'native' | 'h5wasm';
}

/** Default slab size for large writes. */
export const WRITE_SLAB_BYTES = 256 << 20;
/** Target chunk size of datasets written in slabs. */
const CHUNK_BYTES = 4 << 20;

/** Why HDF5 (as statekit writes it) cannot hold an entry exactly. */
export function hdf5Lossiness(info: EntryInfo): string[] {
  if (info.dtype === 'none') return ['None has no HDF5 dataset here: the entry is skipped'];
  return [];
}

function datasetName(e: Entry, layout: Hdf5WriteOptions['layout']): string[] {
  if (layout === 'flat') return [e.key];
  if (layout === 'groups') return e.key.split('.');
  return [...e.path];
}

function deinterleave(data: Float32Array | Float64Array): Map<string, Float32Array | Float64Array> {
  const n = data.length / 2;
  const Ctor = data.constructor as typeof Float64Array;
  const re = new Ctor(n);
  const im = new Ctor(n);
  for (let i = 0; i < n; i++) {
    re[i] = data[2 * i]!;
    im[i] = data[2 * i + 1]!;
  }
  return new Map([
    ['r', re],
    ['i', im],
  ]);
}

/** Chunks of about CHUNK_BYTES along the first axis (every dimension at least 1). */
function chunkShape(shape: number[], itemSize: number): number[] {
  const rest = shape.slice(1).map((d) => Math.max(d, 1));
  const rowBytes = rest.reduce((a, b) => a * b, itemSize);
  const rows = Math.max(1, Math.min(shape[0]!, Math.floor(CHUNK_BYTES / rowBytes)));
  return [rows, ...rest];
}

/**
 * Writes a numeric array either in one piece or, beyond `slabBytes`, as a chunked dataset
 * grown to its shape and filled slab by slab along the first axis.
 */
function writeNumeric(
  file: H5File,
  name: string,
  data: NdArray['data'],
  shape: number[],
  gzip: number | undefined,
  slabBytes: number,
): void {
  const compression = gzip ? { compression: gzip } : {};
  if (data.byteLength <= slabBytes || shape.length === 0 || shape[0] === 0) {
    // HDF5 compresses only chunked datasets; scalars and empty arrays stay plain.
    const chunked =
      gzip && shape.length > 0 && data.length > 0
        ? { ...compression, chunks: chunkShape(shape, data.byteLength / Math.max(1, data.length)) }
        : {};
    file.create_dataset({ name, data: data as Float32Array, shape, ...chunked });
    return;
  }
  const rows = shape[0]!;
  const rest = shape.slice(1);
  const perRow = data.length / rows;
  const rowBytes = data.byteLength / rows;
  const chunkRows = Math.max(1, Math.min(rows, Math.floor(CHUNK_BYTES / rowBytes)));
  const slabRows = Math.max(1, Math.floor(slabBytes / rowBytes));
  const Ctor = data.constructor as new (n: number) => Float32Array;
  const dataset = file.create_dataset({
    name,
    data: new Ctor(0),
    shape: [0, ...rest],
    maxshape: [null, ...rest],
    chunks: [chunkRows, ...rest.map((d) => Math.max(d, 1))],
    ...compression,
  });
  dataset.resize(shape);
  for (let row = 0; row < rows; row += slabRows) {
    const end = Math.min(rows, row + slabRows);
    dataset.write_slice([[row, end]], data.subarray(row * perRow, end * perRow));
  }
}

function writeValue(
  file: H5File,
  name: string,
  value: Entry['value'],
  gzip: number | undefined,
  slabBytes: number,
): Record<string, string> {
  if (isNdArray(value)) {
    const shape = [...value.shape];
    const array = value as NdArray;
    const stored = STORED_AS[array.dtype];
    if (stored) {
      // The same bits under an unsigned type (a view, not a copy).
      const bits = array.data as Uint8Array | Uint16Array;
      const data =
        stored === 'uint8'
          ? new Uint8Array(bits.buffer, bits.byteOffset, bits.length)
          : new Uint16Array(bits.buffer, bits.byteOffset, bits.length);
      writeNumeric(file, name, data, shape, gzip, slabBytes);
      return { [DTYPE_ATTR]: array.dtype };
    }
    if (array.dtype === 'complex64' || array.dtype === 'complex128') {
      file.create_dataset({ name, data: deinterleave(array.data as Float32Array), shape });
      return {};
    }
    if (array.dtype === 'str') {
      const values = strings(array as NdArray<'str'>);
      if (values.length === 0) {
        // h5wasm cannot type an empty string list: an empty fixed-string dataset, tagged.
        file.create_dataset({ name, data: [], shape, dtype: 'S1' });
        return { [DTYPE_ATTR]: `<U${array.itemSize / 4}` };
      }
      file.create_dataset({ name, data: shape.length === 0 ? values[0]! : values, shape });
      return { [DTYPE_ATTR]: `<U${array.itemSize / 4}` };
    }
    if (array.dtype === 'bytes') {
      if (array.itemSize === 0)
        throw new StatekitError('unsupported', 'zero-width bytes arrays have no HDF5 type');
      const values = strings(array as NdArray<'bytes'>);
      if (values.some((s) => /[^\x01-\x7f]/.test(s))) {
        throw new StatekitError(
          'unsupported',
          'bytes arrays with non-ASCII or NUL bytes cannot be written through h5wasm',
        );
      }
      file.create_dataset({ name, data: values, shape, dtype: `S${array.itemSize}` });
      return {};
    }
    writeNumeric(file, name, array.data, shape, gzip, slabBytes);
    return {};
  }
  if (typeof value === 'number') {
    file.create_dataset({ name, data: Float64Array.of(value), shape: [] });
    return { [DTYPE_ATTR]: 'python:float' };
  }
  if (typeof value === 'bigint') {
    if (value < -(2n ** 63n) || value >= 2n ** 63n)
      throw new StatekitError('unsupported', `integer ${value} does not fit int64`);
    file.create_dataset({ name, data: BigInt64Array.of(value), shape: [] });
    return { [DTYPE_ATTR]: 'python:int' };
  }
  if (typeof value === 'boolean') {
    file.create_dataset({ name, data: Uint8Array.of(value ? 1 : 0), shape: [] });
    return { [DTYPE_ATTR]: 'python:bool' };
  }
  if (typeof value === 'string') {
    file.create_dataset({ name, data: value, shape: [] });
    return {};
  }
  if (value instanceof Complex) {
    file.create_dataset({
      name,
      data: deinterleave(Float64Array.of(value.re, value.im)),
      shape: [],
    });
    return { [DTYPE_ATTR]: 'python:complex' };
  }
  if (value instanceof Uint8Array) {
    throw new StatekitError('unsupported', 'raw bytes scalars cannot be written through h5wasm');
  }
  throw new StatekitError('unsupported', 'value cannot be stored in HDF5');
}

function writeAttribute(file: H5File, path: string, name: string, value: unknown): void {
  const target = file.get(path);
  if (!target || !('create_attribute' in target)) return;
  if (typeof value === 'string' || typeof value === 'number') {
    target.create_attribute(name, value);
  } else if (typeof value === 'bigint') {
    target.create_attribute(name, BigInt64Array.of(value), []);
  } else if (Array.isArray(value) && value.every((v) => typeof v === 'number')) {
    target.create_attribute(name, Float64Array.from(value as number[]), [value.length]);
  } else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) {
    target.create_attribute(name, value as string[], [value.length]);
  }
  // Other attribute values (nested JSON) have no faithful HDF5 form and are left out.
}

/**
 * Writes entries as an HDF5 file h5py reads. h5wasm writes by path: to the sink's temporary
 * file when it has one, else to a scratch file whose bytes are then streamed to the sink.
 */
export async function writeHdf5(
  entries: AsyncIterable<Entry> | Iterable<Entry>,
  sink: ByteSink,
  options: WriteOptions = {},
): Promise<void> {
  const own = (options.hdf5 ?? {}) as Hdf5WriteOptions;
  const engine = own.engine ?? 'auto';
  const nativeOk = !own.gzip && sink.patch !== undefined;
  if (engine === 'native' && !nativeOk) {
    throw new StatekitError(
      'unsupported',
      own.gzip ? 'the native HDF5 writer does not compress' : 'the sink cannot patch',
      { file: sink.name },
    );
  }
  if (engine !== 'h5wasm' && nativeOk) {
    const patchable = sink as ByteSink & Required<Pick<ByteSink, 'patch'>>;
    return writeNativeHdf5(entries, patchable, (e) => datasetName(e, own.layout));
  }
  const lib = await platform.load();
  const target = platform.writable(lib, sink.path);
  let file: H5File | undefined;
  try {
    file = new lib.h5wasm.File(target.path, 'w');
    const groups = new Set<string>();
    for await (const e of entries) {
      if (e.value === null) continue;
      const parts = datasetName(e, own.layout);
      for (let i = 1; i < parts.length; i++) {
        const group = `/${parts.slice(0, i).join('/')}`;
        if (!groups.has(group)) {
          if (!file.get(group)) file.create_group(group);
          groups.add(group);
        }
      }
      const name = `/${parts.join('/')}`;
      try {
        const extra = writeValue(file, name, e.value, own.gzip, own.slabBytes ?? WRITE_SLAB_BYTES);
        for (const [k, v] of Object.entries({ ...(e.attrs ?? {}), ...extra }))
          writeAttribute(file, name, k, v);
      } catch (cause) {
        if (cause instanceof StatekitError)
          throw new StatekitError(cause.tag, cause.message, { file: sink.name, key: e.key, cause });
        throw new StatekitError(
          'io',
          `HDF5: ${String((cause as Error).message ?? cause).split('\n')[0]}`,
          { file: sink.name, key: e.key, cause },
        );
      }
    }
    file.close();
    file = undefined;
    if (sink.path === undefined) await sink.write(target.bytes());
  } finally {
    file?.close();
    target.cleanup();
  }
}
