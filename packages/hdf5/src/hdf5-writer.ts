import {
  type ByteSink,
  Complex,
  type Entry,
  type EntryInfo,
  isNdArray,
  type NdArray,
  StatekitError,
  StreamedArray,
  strings,
  type WriteOptions,
} from '@statekit/core';
import type { Container, WritePlan, WriteSummary } from '@statekit/core/codec';
import type { File as H5File } from 'h5wasm';
import { platform } from '#h5wasm';
import { type AttributeForm, attributeLossiness, storedAttributes } from './attributes.js';
import { STORED_AS, skipped } from './h5-types.js';
import { isTrap } from './h5wasm-api.js';
import { nameOrder } from './native/bytes.js';
import { writeNativeHdf5 } from './native/write.js';
import type { Hdf5WriteOptions } from './options.js';

/** Default slab size for large writes. */
export const WRITE_SLAB_BYTES = 256 << 20;
/** Target chunk size of datasets written in slabs. */
const CHUNK_BYTES = 4 << 20;

/** HDF5 link names cannot hold `/`: a name with one is stored as groups, as h5py does. */
export const SLASH_MAKES_GROUPS =
  'a "/" in a name makes groups in HDF5 (as h5py does): the flat name is lost';

/** Why HDF5 (as statekit writes it) cannot hold an entry exactly. */
export function hdf5Lossiness(info: EntryInfo): string[] {
  const reasons = attributeLossiness(info.attrs);
  if (info.path.some((p) => typeof p === 'number'))
    reasons.push('integer keys are stored as names (HDF5 links are strings)');
  if (info.path.some((p) => typeof p === 'string' && p.includes('/')))
    reasons.push(SLASH_MAKES_GROUPS);
  if (info.dtype === 'none') reasons.push('None has no HDF5 dataset here: the entry is skipped');
  if (info.kind === 'sparse') reasons.push('a sparse matrix has no HDF5 form here: skipped');
  if (info.numpyScalar) reasons.push('a numpy scalar is stored as a 0-d (scalar) dataset');
  return reasons;
}

/**
 * Why HDF5 cannot hold a container exactly: every container becomes a group (see the container
 * table in core's README). A group lists its links by name, so only a `group` or a `dict`
 * whose keys are already in that order keeps its order.
 */
export function hdf5ContainerLossiness(c: Container): string[] {
  const reasons = attributeLossiness(c.attrs);
  if (c.kind !== 'group' && c.kind !== 'dict') {
    reasons.push(`a ${c.kind} is stored as a group: that it was a ${c.kind} is lost`);
  }
  if (c.children.some((p) => typeof p === 'number')) {
    reasons.push('integer keys are stored as names (HDF5 links are strings)');
  }
  if (c.shape !== undefined) reasons.push(`its shape (${c.shape.join(', ')}) is dropped`);
  const names = c.children.map(String);
  const sorted = [...names].sort(nameOrder(names));
  if (c.kind === 'dict' && names.some((n, i) => n !== sorted[i])) {
    reasons.push('key order: HDF5 lists a group by name');
  }
  return reasons;
}

function datasetName(e: Entry, layout: Hdf5WriteOptions['layout']): string[] {
  if (layout === 'flat') return [e.key];
  if (layout === 'groups') return e.key.split('.');
  // h5py's f['a/b'] = x makes group a and dataset b; names with '/' are stored the same way.
  return e.path.flatMap((p) => String(p).split('/'));
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
): string | undefined {
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
      return array.dtype;
    }
    if (array.dtype === 'complex64' || array.dtype === 'complex128') {
      file.create_dataset({ name, data: deinterleave(array.data as Float32Array), shape });
      return undefined;
    }
    if (array.dtype === 'str') {
      const values = strings(array as NdArray<'str'>);
      if (values.length === 0) {
        // h5wasm cannot type an empty string list: an empty fixed-string dataset, tagged.
        file.create_dataset({ name, data: [], shape, dtype: 'S1' });
        return `<U${array.itemSize / 4}`;
      }
      file.create_dataset({ name, data: shape.length === 0 ? values[0]! : values, shape });
      return `<U${array.itemSize / 4}`;
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
      return undefined;
    }
    writeNumeric(file, name, array.data, shape, gzip, slabBytes);
    return undefined;
  }
  if (typeof value === 'number') {
    file.create_dataset({ name, data: Float64Array.of(value), shape: [] });
    return 'python:float';
  }
  if (typeof value === 'bigint') {
    if (value < -(2n ** 63n) || value >= 2n ** 63n)
      throw new StatekitError('unsupported', `integer ${value} does not fit int64`);
    file.create_dataset({ name, data: BigInt64Array.of(value), shape: [] });
    return 'python:int';
  }
  if (typeof value === 'boolean') {
    file.create_dataset({ name, data: Uint8Array.of(value ? 1 : 0), shape: [] });
    return 'python:bool';
  }
  if (typeof value === 'string') {
    file.create_dataset({ name, data: value, shape: [] });
    return undefined;
  }
  if (value instanceof Complex) {
    file.create_dataset({
      name,
      data: deinterleave(Float64Array.of(value.re, value.im)),
      shape: [],
    });
    return 'python:complex';
  }
  if (value instanceof Uint8Array) {
    throw new StatekitError('unsupported', 'raw bytes scalars cannot be written through h5wasm');
  }
  throw new StatekitError('unsupported', 'value cannot be stored in HDF5');
}

/** Writes an attribute in its form (see `attributes.ts`) through h5wasm. */
function writeAttribute(file: H5File, path: string, name: string, form: AttributeForm): void {
  const target = file.get(path);
  if (!target || !('create_attribute' in target)) return;
  if (form.kind === 'string') {
    target.create_attribute(
      name,
      form.scalar ? form.values[0]! : form.values,
      form.scalar ? [] : [form.values.length],
    );
  } else if (form.kind === 'float64') {
    target.create_attribute(
      name,
      Float64Array.from(form.values),
      form.scalar ? [] : [form.values.length],
    );
  } else if (form.kind === 'int64') {
    target.create_attribute(name, BigInt64Array.of(form.value), []);
  } else {
    const array = form.array;
    if (STORED_AS[array.dtype] || array.dtype === 'complex64' || array.dtype === 'complex128') {
      throw new StatekitError(
        'unsupported',
        `attribute ${name}: ${array.dtype} attributes cannot be written through h5wasm (gzip); write without gzip`,
      );
    }
    const data =
      array.dtype === 'str' || array.dtype === 'bytes'
        ? strings(array as NdArray<'str'>)
        : array.data;
    target.create_attribute(name, data as Float64Array, [...array.shape]);
  }
}

/**
 * Writes entries as an HDF5 file h5py reads. h5wasm writes by path: to the sink's temporary
 * file when it has one, else to a scratch file whose bytes are then streamed to the sink.
 */
export async function writeHdf5(
  plan: WritePlan,
  entries: AsyncIterable<Entry> | Iterable<Entry>,
  sink: ByteSink,
  options: WriteOptions = {},
): Promise<WriteSummary> {
  const own: Hdf5WriteOptions = options.hdf5 ?? {};
  // What entries' paths do not make on their own, empty groups and group attributes, is made
  // from the plan (where entries keep their paths).
  const containers =
    (own.layout ?? 'paths') === 'paths'
      ? plan.containers.filter((c) => c.children.length === 0 || c.attrs !== undefined)
      : [];
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
    return writeNativeHdf5(containers, entries, patchable, (e) => datasetName(e, own.layout));
  }
  const lib = await platform.load();
  const target = platform.writable(lib, sink.path);
  let file: H5File | undefined;
  try {
    file = new lib.h5wasm.File(target.path, 'w');
    const groups = new Set<string>(['/']);
    const makeGroups = (parts: readonly string[], depth: number): void => {
      for (let i = 1; i <= depth; i++) {
        const group = `/${parts.slice(0, i).join('/')}`;
        if (!groups.has(group)) {
          if (!file!.get(group)) file!.create_group(group);
          groups.add(group);
        }
      }
    };
    for (const c of containers) {
      makeGroups(c.path.map(String), c.path.length);
      const group = `/${c.path.join('/')}`;
      for (const [k, form] of storedAttributes(c.attrs)) writeAttribute(file, group, k, form);
    }
    let written = 0;
    for await (const e of entries) {
      if (skipped(e)) continue;
      const parts = datasetName(e, own.layout);
      makeGroups(parts, parts.length - 1);
      const name = `/${parts.join('/')}`;
      try {
        // h5wasm takes whole arrays (within limits.maxArrayBytes); it fills chunks slab by slab.
        const value = e.value instanceof StreamedArray ? await e.value.load() : e.value;
        const tag = writeValue(file, name, value, own.gzip, own.slabBytes ?? WRITE_SLAB_BYTES);
        for (const [k, form] of storedAttributes(e.attrs, tag)) writeAttribute(file, name, k, form);
        written++;
      } catch (cause) {
        if (cause instanceof StatekitError)
          throw new StatekitError(cause.tag, cause.detail, { file: sink.name, key: e.key, cause });
        if (isTrap(cause)) platform.discard(); // the next write gets a fresh h5wasm
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
    return { entries: written };
  } finally {
    file?.close();
    target.cleanup();
  }
}
