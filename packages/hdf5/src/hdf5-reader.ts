import {
  type AnyTypedArray,
  type Attrs,
  type ByteSource,
  DTYPES,
  type EntryInfo,
  type ErrorContext,
  entry,
  type Leaf,
  numberToFloat16Bits,
  type Reader,
  type ReadOptions,
  SLICE_BYTES,
  StatekitError,
  StreamedArray,
} from '@statekit/core';
import {
  type Container,
  checkArrayBytes,
  KeyIndex,
  limitsWith,
  withContext,
} from '@statekit/core/codec';
import type { Attribute, Dataset, Group, File as H5File, Metadata } from 'h5wasm';
import { platform } from '#h5wasm';
import { datasetEntry, datasetInfo, datasetLeaf, resolve } from './dataset-value.js';
import { groupContainer, mapType, numericAttribute } from './h5-types.js';
import { type H5Lib, isTrap, type LocalFile } from './h5wasm-api.js';
import { nativeReader } from './hdf5-native-reader.js';
import { NotNative } from './native/bytes.js';
import { parseHdf5 } from './native/parse.js';
import type { Hdf5ReadOptions } from './options.js';

/** Datasets larger than this are read in hyperslabs, so no allocation nears the 2 GiB heap. */
export const SLAB_BYTES = 256 << 20;
/** Deeper group nesting is refused (it also cuts cycles made with soft links to ancestors). */
const MAX_DEPTH = 64;

interface Node {
  path: string[];
  h5path: string;
  dataset?: Dataset;
  /** Why a name has no data here (an external link, another name of a group): its attrs. */
  nowhere?: Attrs;
}

/** The HDF5 signature, at offset 0 or after a user block of 512, 1024, 2048... bytes. */
export const HDF5_SIGNATURE = Uint8Array.of(0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a);

/** Offset of the HDF5 signature in `head`, or -1. */
export function signatureOffset(head: Uint8Array): number {
  for (let at = 0; at + 8 <= head.length; at = at === 0 ? 512 : at * 2) {
    if (HDF5_SIGNATURE.every((b, i) => head[at + i] === b)) return at;
  }
  return -1;
}

/** HDF5 type classes whose attributes become typed arrays (see `numericAttribute`). */
const NUMERIC_CLASSES = new Set([0, 1, 8]); // integer, float, enum

/** An attribute's value: text as strings, numbers and bools as arrays of their dtype. */
function attributeValue(attr: Attribute): unknown {
  const meta = attr.metadata;
  if (!NUMERIC_CLASSES.has(meta.type) || meta.shape === null) return attr.json_value;
  const value = attr.value;
  const raw = ArrayBuffer.isView(value)
    ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
    : scalarBytes(meta, value);
  if (raw === undefined || raw.byteLength !== meta.total_size * meta.size) return attr.json_value;
  return numericAttribute(meta, raw);
}

/** The element bytes of a scalar attribute h5wasm hands over as a JS number or bigint. */
function scalarBytes(meta: Metadata, value: unknown): Uint8Array | undefined {
  const mapped = mapType({ ...meta, shape: [] });
  if (mapped.kind !== 'array') return undefined;
  const { ArrayType } = DTYPES[mapped.dtype];
  let element: unknown = value;
  if (typeof value === 'boolean') element = value ? 1 : 0;
  if (mapped.dtype === 'float16' && typeof value === 'number') element = numberToFloat16Bits(value);
  if (ArrayType === BigInt64Array || ArrayType === BigUint64Array) {
    if (typeof element !== 'number' && typeof element !== 'bigint') return undefined;
    element = BigInt(element);
  } else if (typeof element !== 'number') return undefined;
  const array = (ArrayType as unknown as { of(v: unknown): AnyTypedArray }).of(element);
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

/** The attributes of an object, in h5py's (name) order. */
function attributesOf(obj: Dataset | Group): Attrs {
  const out: Attrs = {};
  for (const [name, attr] of Object.entries(obj.attrs)) {
    try {
      out[name] = attributeValue(attr);
    } catch {
      out[name] = null; // a type h5wasm cannot decode; the rest of the attributes still show
    }
  }
  return out;
}

/**
 * The groups libhdf5's own visit (`H5Lvisit`, as h5py's `visititems`) descends into: it enters
 * each group once, by the first name met, so `walk` does too. A diamond of hard links then
 * costs its objects, not its exponentially many paths.
 */
function visitedGroups(lib: H5Lib, file: H5File): Set<string> {
  const parents = new Set<string>(['']);
  for (const name of lib.Module.get_names(file.file_id, '/', true)) {
    const slash = name.lastIndexOf('/');
    parents.add(slash < 0 ? '' : name.slice(0, slash));
  }
  return parents;
}

function walk(
  lib: H5Lib,
  group: Group,
  prefix: string[],
  out: Node[],
  containers: Container[],
  depth: number,
  entered: Set<string>,
): void {
  if (depth > MAX_DEPTH) {
    throw new StatekitError('limit', `groups nested deeper than ${MAX_DEPTH} (a link cycle?)`, {
      key: prefix.join('.'),
    });
  }
  const attrs = attributesOf(group);
  const children: string[] = [];
  containers.push(groupContainer(prefix, attrs, children));
  for (const name of group.keys()) {
    const child = group.get(name);
    const path = [...prefix, name];
    const h5path = `/${path.join('/')}`;
    if (child instanceof lib.h5wasm.Group) {
      if (entered.has(path.join('/')) || child.keys().length === 0)
        walk(lib, child, path, out, containers, depth + 1, entered);
      else
        out.push({ path, h5path, nowhere: { hard_link: 'a further name of a group listed once' } });
    } else if (child instanceof lib.h5wasm.Dataset) out.push({ path, h5path, dataset: child });
    else if (child instanceof lib.h5wasm.ExternalLink)
      out.push({ path, h5path, nowhere: { external_link: `${child.filename}:${child.obj_path}` } });
    else if (child instanceof lib.h5wasm.BrokenSoftLink)
      out.push({ path, h5path, nowhere: { external_link: `broken soft link to ${child.target}` } });
    else continue; // Named datatypes hold no state.
    children.push(name);
  }
}

/** Reads a dataset's raw bytes (little-endian after HDF5's conversion), in hyperslabs. */
function readRaw(
  lib: H5Lib,
  file: H5File,
  h5path: string,
  meta: Metadata,
  slabBytes: number,
): Uint8Array {
  const out = new Uint8Array(meta.total_size * meta.size);
  let at = 0;
  for (const slab of rawSlabs(lib, file, h5path, meta, slabBytes)) {
    out.set(slab, at);
    at += slab.byteLength;
  }
  return out;
}

/**
 * A dataset's raw bytes in hyperslabs of whole rows along the first axis (at least one row),
 * each a view of the wasm heap valid until the next one is read: copy what is kept.
 */
function* rawSlabs(
  lib: H5Lib,
  file: H5File,
  h5path: string,
  meta: Metadata,
  slabBytes: number,
): Generator<Uint8Array> {
  const { Module } = lib;
  const shape = meta.shape ?? [];
  const total = meta.total_size * meta.size;
  if (total === 0) return;
  const rowBytes = shape.length === 0 ? total : total / Math.max(shape[0]!, 1);
  const rowsPerSlab = shape.length === 0 ? 1 : Math.max(1, Math.floor(slabBytes / rowBytes));
  const rows = shape.length === 0 ? 1 : shape[0]!;
  const bufferBytes = Math.min(total, rowsPerSlab * rowBytes);
  const ptr = Module._malloc(bufferBytes);
  if (!ptr)
    throw new StatekitError('limit', `cannot allocate ${bufferBytes} bytes in the wasm heap`);
  try {
    for (let row = 0; row < rows; row += rowsPerSlab) {
      const n = Math.min(rowsPerSlab, rows - row);
      if (shape.length === 0 || (row === 0 && n === rows)) {
        Module.get_dataset_data(file.file_id, h5path, null, null, null, BigInt(ptr));
      } else {
        const count = [BigInt(n), ...shape.slice(1).map(BigInt)];
        const offset = [BigInt(row), ...shape.slice(1).map(() => 0n)];
        // h5wasm's binding needs explicit strides whenever count and offset are given.
        const strides = count.map(() => 1n);
        Module.get_dataset_data(file.file_id, h5path, count, offset, strides, BigInt(ptr));
      }
      yield Module.HEAPU8.subarray(ptr, ptr + n * rowBytes);
    }
  } finally {
    Module._free(ptr);
  }
}

function infoOf(node: Node, meta: Metadata | undefined, attrs: Attrs): EntryInfo {
  if (!meta)
    return {
      key: node.path.join('.'),
      path: node.path,
      kind: 'scalar',
      dtype: 'none',
      shape: [],
      byteLength: 0,
      attrs: node.nowhere ?? {},
    };
  return datasetInfo(node.path, meta, attrs);
}

/** Opens `source` read-only with h5wasm; a missing signature is `format`, HDF5's refusal `corrupt`. */
async function openFile(
  source: ByteSource,
): Promise<{ lib: H5Lib; file: H5File; local: LocalFile }> {
  const lib = await platform.load();
  const head = await source.read(0, Math.min(source.size, 2056));
  if (signatureOffset(head) < 0) {
    throw new StatekitError('format', 'not an HDF5 file (no signature)', { file: source.name });
  }
  const local = await platform.readable(lib, {
    path: source.path,
    bytes: () => source.read(0, source.size),
  });
  try {
    return { lib, file: new lib.h5wasm.File(local.path, 'r'), local };
  } catch (cause) {
    local.cleanup();
    throw h5wasmFailure(lib, cause, { file: source.name }, 'HDF5 cannot open the file');
  }
}

/**
 * What an h5wasm failure means, as a StatekitError naming file and key: a trap (the instance is
 * dropped), a refused reach for another file, statekit's own error, or else damage (`corrupt`,
 * HDF5's message after `label`).
 */
function h5wasmFailure(
  lib: H5Lib,
  cause: unknown,
  context: { file: string; key?: string | undefined },
  label = 'HDF5',
): StatekitError {
  if (isTrap(cause)) return trapError(cause, { ...context, cause });
  const refused = lib.guard.takeRefused();
  if (refused.length > 0) return elsewhereError(refused, { ...context, cause });
  if (cause instanceof StatekitError) return withContext(cause, context.file, context.key);
  return new StatekitError('corrupt', `${label}: ${messageOf(cause)}`, { ...context, cause });
}

/**
 * h5wasm trapped on this file (libhdf5 called `abort()`, or a wasm memory fault): that instance
 * is dropped so the next file gets a fresh one, and the file is reported as damaged.
 */
function trapError(cause: unknown, context: ErrorContext): StatekitError {
  platform.discard();
  return new StatekitError(
    'corrupt',
    `HDF5 (h5wasm) stopped on this file: ${messageOf(cause)}`,
    context,
  );
}

/** What libhdf5 is told when it reaches for another file: statekit opens none. */
function elsewhereError(refused: string[], context: ErrorContext): StatekitError {
  const files = [...new Set(refused)].join(', ');
  return new StatekitError(
    'unsupported',
    `the data is in another file (${files}): statekit reads only the file it was given`,
    context,
  );
}

/**
 * Opens an HDF5 file. In Node a file on disk is opened in place; other sources are copied to
 * a temporary file (browsers: MEMFS). Throws `format` for non-HDF5 bytes, `corrupt` when HDF5
 * cannot open it.
 */
export async function openHdf5(source: ByteSource, options: ReadOptions = {}): Promise<Reader> {
  const own: Hdf5ReadOptions = options.hdf5 ?? {};
  const engine = own.engine ?? 'auto';
  if (engine !== 'h5wasm') {
    const head = await source.read(0, Math.min(source.size, 2056));
    const base = signatureOffset(head);
    if (base < 0) {
      throw new StatekitError('format', 'not an HDF5 file (no signature)', { file: source.name });
    }
    try {
      return nativeReader(source, await parseHdf5(source, base), options);
    } catch (cause) {
      // What the native reader does not handle goes to h5wasm; what it finds broken is corrupt.
      if (cause instanceof StatekitError) throw withContext(cause, source.name);
      if (engine === 'native' || !(cause instanceof NotNative)) {
        throw new StatekitError(
          cause instanceof NotNative ? 'unsupported' : 'corrupt',
          `HDF5 (native reader): ${messageOf(cause)}`,
          { file: source.name, cause },
        );
      }
    }
  }
  const slabBytes = own.slabBytes ?? SLAB_BYTES;
  const limits = limitsWith(options.limits);
  const { lib, file, local } = await openFile(source);
  /** A StatekitError naming the file and the dataset; h5wasm's own errors become `corrupt`. */
  const failure = (node: Node | undefined, cause: unknown): StatekitError =>
    h5wasmFailure(lib, cause, { file: source.name, key: node?.path.join('.') });
  const guard = <T>(node: Node | undefined, work: () => T): T => {
    lib.guard.takeRefused(); // only what this work is refused counts
    try {
      return work();
    } catch (cause) {
      throw failure(node, cause);
    }
  };
  const nodes: Node[] = [];
  const containers: Container[] = [];
  try {
    guard(undefined, () => walk(lib, file, [], nodes, containers, 0, visitedGroups(lib, file)));
  } catch (error) {
    closeQuietly(file);
    local.cleanup();
    throw error;
  }
  // Each dataset's metadata and attributes cost h5wasm calls: fetch them once.
  const described = new Map<Node, { meta?: Metadata; attrs: Attrs }>();
  const metaOf = (node: Node): { meta?: Metadata; attrs: Attrs } => {
    let d = described.get(node);
    if (!d) {
      d = node.dataset
        ? { meta: node.dataset.metadata, attrs: attributesOf(node.dataset) }
        : { attrs: {} };
      described.set(node, d);
    }
    return d;
  };
  /** An array dataset above `streamAbove`, read in hyperslabs while consumed. */
  const streamedDataset = (n: Node, meta: Metadata, attrs: Attrs): StreamedArray | undefined => {
    const above = options.streamAbove;
    if (above === undefined || meta.total_size * meta.size <= above) return undefined;
    const mapped = resolve(meta, attrs);
    if (mapped.kind !== 'array' || mapped.scalarLeaf) return undefined;
    async function* chunks(): AsyncGenerator<Uint8Array> {
      const slabs = rawSlabs(lib, file, n.h5path, meta, Math.min(slabBytes, SLICE_BYTES));
      try {
        for (;;) {
          let next: IteratorResult<Uint8Array>;
          lib.guard.takeRefused();
          try {
            next = slabs.next();
          } catch (cause) {
            throw failure(n, cause);
          }
          if (next.done) return;
          yield next.value.slice();
        }
      } finally {
        slabs.return(undefined); // frees the slab buffer when the consumer stops early
      }
    }
    const context = { file: source.name, key: n.path.join('.') };
    return new StreamedArray(mapped.dtype, meta.shape ?? [], mapped.itemSize, chunks, context);
  };
  const index = new KeyIndex(nodes, (n) => n.path.join('.'), source.name);
  let closed = false;
  return {
    format: 'hdf5',
    async list() {
      return nodes.map((n) =>
        guard(n, () => {
          const { meta, attrs } = metaOf(n);
          return infoOf(n, meta, attrs);
        }),
      );
    },
    async *read(keys) {
      const wanted = index.select(keys);
      for (const n of wanted) {
        const { meta, attrs } = guard(n, () => metaOf(n));
        if (!meta) {
          yield entry(n.path, null, n.nowhere);
          continue;
        }
        const streamed = streamedDataset(n, meta, attrs);
        if (streamed) {
          yield datasetEntry(n.path, streamed, attrs);
          continue;
        }
        let value: Leaf;
        lib.guard.takeRefused();
        try {
          checkArrayBytes(meta.total_size * meta.size, limits.maxArrayBytes);
          value = await datasetLeaf(meta, attrs, {
            raw: () => readRaw(lib, file, n.h5path, meta, slabBytes),
            strings: () => n.dataset!.value as string | string[],
          });
        } catch (cause) {
          throw failure(n, cause);
        }
        yield datasetEntry(n.path, value, attrs);
      }
    },
    async containers() {
      return containers;
    },
    async close() {
      if (closed) return;
      closed = true;
      closeQuietly(file);
      local.cleanup();
    },
  };
}

function messageOf(cause: unknown): string {
  const text = cause instanceof Error ? cause.message : String(cause);
  return text.split('\n')[0]!.slice(0, 300);
}

/** An open HDF5 file with h5wasm's full API, for codecs built on HDF5 (MAT v7.3). */
export interface Hdf5Handle {
  readonly lib: H5Lib;
  readonly file: H5File;
}

/**
 * Opens `source` read-only with h5wasm and runs `use` on it (attributes, object references
 * via `file.dereference`, user-block files such as MAT v7.3), closing it afterwards. Errors
 * are StatekitErrors naming the file, as for the codec.
 */
export async function withHdf5<T>(
  source: ByteSource,
  use: (handle: Hdf5Handle) => Promise<T> | T,
): Promise<T> {
  const { lib, file, local } = await openFile(source);
  lib.guard.takeRefused();
  try {
    return await use({ lib, file });
  } catch (cause) {
    throw h5wasmFailure(lib, cause, { file: source.name });
  } finally {
    closeQuietly(file);
    local.cleanup();
  }
}

/**
 * Closes an h5wasm file whose reading is over: a failure here cannot change what was read, but
 * a trap (libhdf5 aborts closing some damaged files) means that instance must not be reused.
 */
function closeQuietly(file: H5File): void {
  try {
    file.close();
  } catch (cause) {
    if (isTrap(cause)) platform.discard();
  }
}
