/**
 * A native (pure TypeScript) HDF5 writer producing what h5py's default settings produce:
 * superblock version 0, version 1 object headers, groups as symbol tables (version 1 B-trees
 * with K = 16, symbol table nodes with K = 4, a local heap of names), contiguous datasets and
 * version 1 attributes, variable-length strings in global heap collections. Data is streamed
 * to the sink dataset by dataset; the group structures follow at the end and the superblock is
 * patched in last, so the sink must support `patch`.
 *
 * Format reference: the HDF5 File Format Specification (version 3.0), sections II-IV.
 */
import {
  type ByteSink,
  Complex,
  type DType,
  type Entry,
  isNdArray,
  type NdArray,
  StatekitError,
  StreamedArray,
  strings,
} from '@statekit/core';
import type { Container, WriteSummary } from '@statekit/core/codec';
import { bytesOf } from '@statekit/core/codec';
import { storedAttributes } from '../attributes.js';
import { skipped } from '../h5-types.js';
import { align, ENCODER, nameOrder, putU64, UNDEF, viewOf } from './bytes.js';
import { encodeDtype, encodeFixedString, encodeNumber, encodeVlenString } from './datatype.js';

const SIGNATURE = Uint8Array.of(0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a);
const SUPERBLOCK_BYTES = 96;
/** h5py's (HDF5's) defaults: symbol table nodes hold 2 * 4 links, B-tree nodes 2 * 16 children. */
const LEAF_K = 4;
const NODE_K = 16;
const SNOD_BYTES = 8 + 2 * LEAF_K * 40;
const BTREE_BYTES = 24 + (2 * NODE_K + 1) * 8 + 2 * NODE_K * 8;
/** A global heap collection is at least this large (HDF5's H5HG_MINSIZE). */
const HEAP_MIN = 4096;
/** Header messages carry their size in 16 bits. */
const MAX_MESSAGE = 0xfff8;

const MSG_DATASPACE = 0x01;
const MSG_DATATYPE = 0x03;
const MSG_FILL = 0x05;
const MSG_LAYOUT = 0x08;
const MSG_ATTRIBUTE = 0x0c;
const MSG_SYMBOL_TABLE = 0x11;

/** A header message: type, flags and body (padded to 8 bytes when the header is built). */
interface Message {
  type: number;
  flags: number;
  body: Uint8Array;
}

/** A dataset's type, shape, data bytes (or vlen strings) and the tag attribute it needs. */
interface Stored {
  type: Uint8Array;
  shape: readonly number[];
  data?: Uint8Array;
  /** Data too large to hold, written slice by slice. */
  stream?: StreamedArray;
  vlen?: string[];
  tag?: string;
}

interface GroupNode {
  children: Map<string, GroupNode | number>;
  /** The group's attribute messages, made before any dataset is written. */
  attributes?: Message[];
  /** Filled in when the group is written. */
  header?: number;
  btree?: number;
  heap?: number;
}

/** Lays out variable-length data in global heap collections written as placeholders. */
class HeapWriter {
  private current?: { address: number; capacity: number; used: number; parts: Uint8Array[] };
  constructor(private readonly file: FileWriter) {}

  /** The heap ID (collection address, object index) that will hold `bytes`. */
  async add(bytes: Uint8Array): Promise<[number, number]> {
    const need = 16 + align(bytes.length, 8);
    if (!this.current || this.current.used + need + 16 > this.current.capacity) {
      await this.finish();
      const capacity = Math.max(HEAP_MIN, 16 + need + 16);
      const address = await this.file.reserve(capacity);
      this.current = { address, capacity, used: 16, parts: [] };
    }
    const c = this.current;
    const object = new Uint8Array(need);
    const view = viewOf(object);
    const index = c.parts.length + 1;
    if (index > 0xffff) {
      await this.finish();
      return this.add(bytes);
    }
    view.setUint16(0, index, true);
    putU64(view, 8, bytes.length);
    object.set(bytes, 16);
    c.parts.push(object);
    c.used += need;
    return [c.address, index];
  }

  /** Writes the current collection over its placeholder. */
  async finish(): Promise<void> {
    const c = this.current;
    if (!c) return;
    this.current = undefined;
    const out = new Uint8Array(c.capacity);
    const view = viewOf(out);
    out.set(ENCODER.encode('GCOL'), 0);
    out[4] = 1;
    putU64(view, 8, c.capacity);
    let p = 16;
    for (const part of c.parts) {
      out.set(part, p);
      p += part.length;
    }
    putU64(view, p + 8, c.capacity - p); // the free space object (index 0)
    await this.file.patch(c.address, out);
  }
}

/** Appends to the sink, tracking the address of the next byte. */
class FileWriter {
  position = 0;
  constructor(private readonly sink: ByteSink & Required<Pick<ByteSink, 'patch'>>) {}

  async write(bytes: Uint8Array): Promise<number> {
    const at = this.position;
    if (bytes.byteLength > 0) await this.sink.write(bytes);
    this.position += bytes.byteLength;
    return at;
  }

  /** Pads with zeros to a multiple of `to`. */
  async align(to: number): Promise<void> {
    const pad = align(this.position, to) - this.position;
    if (pad > 0) await this.write(new Uint8Array(pad));
  }

  /** Writes `n` zero bytes to be patched later; returns their address. */
  async reserve(n: number): Promise<number> {
    await this.align(8);
    return this.write(new Uint8Array(n));
  }

  async patch(at: number, bytes: Uint8Array): Promise<void> {
    await this.sink.patch(at, bytes);
  }
}

/** A version 1 object header holding `messages`. */
function objectHeader(messages: Message[]): Uint8Array {
  const size = messages.reduce((n, m) => n + 8 + align(m.body.length, 8), 0);
  const out = new Uint8Array(16 + size);
  const view = viewOf(out);
  out[0] = 1;
  view.setUint16(2, messages.length, true);
  view.setUint32(4, 1, true); // reference count
  view.setUint32(8, size, true);
  let p = 16;
  for (const m of messages) {
    const body = align(m.body.length, 8);
    view.setUint16(p, m.type, true);
    view.setUint16(p + 2, body, true);
    out[p + 4] = m.flags;
    out.set(m.body, p + 8);
    p += 8 + body;
  }
  return out;
}

/** A version 1 dataspace: scalar for `[]`, else simple with these dimensions. */
function dataspace(shape: readonly number[]): Uint8Array {
  const out = new Uint8Array(8 + 8 * shape.length);
  const view = viewOf(out);
  out[0] = 1;
  out[1] = shape.length;
  for (const [i, d] of shape.entries()) putU64(view, 8 + 8 * i, d);
  return out;
}

/** h5py's fill value message for datasets written at once: late allocation, default value. */
const FILL = Uint8Array.of(2, 2, 2, 1, 0, 0, 0, 0);

function layout(address: number, size: number): Uint8Array {
  const out = new Uint8Array(18);
  const view = viewOf(out);
  out[0] = 3;
  out[1] = 1; // contiguous
  putU64(view, 2, address);
  putU64(view, 10, size);
  return out;
}

/** A version 1 attribute message. */
function attributeMessage(
  name: string,
  type: Uint8Array,
  shape: readonly number[],
  data: Uint8Array,
): Message {
  const nameBytes = ENCODER.encode(`${name}\0`);
  const space = dataspace(shape);
  const body = new Uint8Array(
    8 + align(nameBytes.length, 8) + align(type.length, 8) + align(space.length, 8) + data.length,
  );
  if (body.length > MAX_MESSAGE) {
    throw new StatekitError('unsupported', `attribute ${name} is too large for a header message`);
  }
  const view = viewOf(body);
  body[0] = 1;
  view.setUint16(2, nameBytes.length, true);
  view.setUint16(4, type.length, true);
  view.setUint16(6, space.length, true);
  let p = 8;
  body.set(nameBytes, p);
  p += align(nameBytes.length, 8);
  body.set(type, p);
  p += align(type.length, 8);
  body.set(space, p);
  p += align(space.length, 8);
  body.set(data, p);
  return { type: MSG_ATTRIBUTE, flags: 0, body };
}

/** Encodes strings as vlen elements (length, collection, index), their bytes in the heap. */
async function vlenElements(values: string[], heaps: HeapWriter): Promise<Uint8Array> {
  const out = new Uint8Array(16 * values.length);
  const view = viewOf(out);
  for (let i = 0; i < values.length; i++) {
    const bytes = ENCODER.encode(values[i]!);
    view.setUint32(16 * i, bytes.length, true);
    if (bytes.length === 0) continue; // HDF5's empty string: no heap object
    const [address, index] = await heaps.add(bytes);
    putU64(view, 16 * i + 4, address);
    view.setUint32(16 * i + 12, index, true);
  }
  return out;
}

/**
 * Attribute messages for an object's attributes (see `attributes.ts` for the forms), plus
 * statekit's own type tag when the value needs one.
 */
async function attributeMessages(
  attrs: Record<string, unknown> | undefined,
  heaps: HeapWriter,
  tag?: string,
): Promise<Message[]> {
  const out: Message[] = [];
  for (const [name, form] of storedAttributes(attrs, tag)) {
    if (form.kind === 'string') {
      const data = await vlenElements(form.values, heaps);
      const shape = form.scalar ? [] : [form.values.length];
      out.push(attributeMessage(name, encodeVlenString(), shape, data));
    } else if (form.kind === 'float64') {
      const data = bytesOf64(Float64Array.from(form.values));
      const shape = form.scalar ? [] : [form.values.length];
      out.push(attributeMessage(name, encodeNumber('float', 8), shape, data));
    } else if (form.kind === 'int64') {
      const data = bytesOf64(BigInt64Array.of(form.value));
      out.push(attributeMessage(name, encodeNumber('int', 8), [], data));
    } else {
      out.push(await arrayAttribute(name, form.array, heaps));
    }
  }
  return out;
}

/** An attribute holding an array of its own dtype and shape. */
async function arrayAttribute(name: string, array: NdArray, heaps: HeapWriter): Promise<Message> {
  if (array.dtype === 'str') {
    const data = await vlenElements(strings(array as NdArray<'str'>), heaps);
    return attributeMessage(name, encodeVlenString(), array.shape, data);
  }
  return attributeMessage(
    name,
    encodeDtype(array.dtype, array.itemSize),
    array.shape,
    bytesOf(array),
  );
}

function bytesOf64(a: Float64Array | BigInt64Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** How an entry's value is stored; throws `unsupported` for values HDF5 cannot hold here. */
async function storedOf(value: Entry['value']): Promise<Stored> {
  if (value instanceof StreamedArray) {
    // Strings become variable-length ones, which need the whole array.
    if (value.dtype === 'str') return storedOf(await value.load());
    if (value.dtype === 'bytes' && value.itemSize === 0)
      throw new StatekitError('unsupported', 'zero-width bytes arrays have no HDF5 type');
    const stored = value.dtype === 'bfloat16' ? 'uint16' : value.dtype;
    const type = encodeDtype(stored, value.dtype === 'bfloat16' ? 2 : value.itemSize);
    return {
      type,
      shape: value.shape,
      stream: value,
      ...(value.dtype === 'bfloat16' ? { tag: 'bfloat16' } : {}),
    };
  }
  if (isNdArray(value)) {
    const array = value as NdArray;
    const shape = array.shape;
    if (array.dtype === 'bfloat16') {
      // h5py has no bfloat16: the bits as uint16, tagged (the documented convention).
      return { type: encodeDtype('uint16', 2), shape, data: bytesOf(array), tag: 'bfloat16' };
    }
    if (array.dtype === 'str') {
      const tag = `<U${array.itemSize / 4}`;
      const values = strings(array as NdArray<'str'>);
      if (values.length === 0)
        return { type: encodeFixedString(1), shape, data: new Uint8Array(0), tag };
      return { type: encodeVlenString(), shape, vlen: values, tag };
    }
    if (array.dtype === 'bytes' && array.itemSize === 0)
      throw new StatekitError('unsupported', 'zero-width bytes arrays have no HDF5 type');
    return { type: encodeDtype(array.dtype as DType, array.itemSize), shape, data: bytesOf(array) };
  }
  if (typeof value === 'number') {
    return {
      type: encodeNumber('float', 8),
      shape: [],
      data: bytesOf64(Float64Array.of(value)),
      tag: 'python:float',
    };
  }
  if (typeof value === 'bigint') {
    if (value < -(2n ** 63n) || value >= 2n ** 63n)
      throw new StatekitError('unsupported', `integer ${value} does not fit int64`);
    return {
      type: encodeNumber('int', 8),
      shape: [],
      data: bytesOf64(BigInt64Array.of(value)),
      tag: 'python:int',
    };
  }
  if (typeof value === 'boolean') {
    return {
      type: encodeDtype('bool', 1),
      shape: [],
      data: Uint8Array.of(value ? 1 : 0),
      tag: 'python:bool',
    };
  }
  if (typeof value === 'string') return { type: encodeVlenString(), shape: [], vlen: [value] };
  if (value instanceof Complex) {
    const data = bytesOf64(Float64Array.of(value.re, value.im));
    return { type: encodeDtype('complex128', 16), shape: [], data, tag: 'python:complex' };
  }
  if (value instanceof Uint8Array) {
    throw new StatekitError('unsupported', 'raw bytes scalars have no HDF5 form here');
  }
  throw new StatekitError('unsupported', 'value cannot be stored in HDF5');
}

/** Checks a link name HDF5 can hold and find again. */
function checkName(name: string, key: string): void {
  if (name === '' || name === '.' || name.includes('/') || name.includes('\0')) {
    throw new StatekitError('unsupported', `${JSON.stringify(name)} is not a valid HDF5 name`, {
      key,
    });
  }
}

/**
 * Writes `entries` (each at `parts(entry)`, a path of group names and a dataset name) as an
 * HDF5 file to a patchable sink. Throws `unsupported` for values or names HDF5 cannot hold,
 * with the key; the caller aborts the sink.
 */
export async function writeNativeHdf5(
  containers: readonly Container[],
  entries: AsyncIterable<Entry> | Iterable<Entry>,
  sink: ByteSink & Required<Pick<ByteSink, 'patch'>>,
  parts: (e: Entry) => string[],
): Promise<WriteSummary> {
  let written = 0;
  const file = new FileWriter(sink);
  const heaps = new HeapWriter(file);
  const root: GroupNode = { children: new Map() };
  await file.write(new Uint8Array(SUPERBLOCK_BYTES));
  for (const c of containers) {
    const key = c.path.join('.');
    try {
      const group = groupAt(root, c.path.map(String), c.path.length, key);
      group.attributes = await attributeMessages(c.attrs, heaps);
    } catch (cause) {
      if (cause instanceof StatekitError)
        throw new StatekitError(cause.tag, cause.detail, { file: sink.name, key, cause });
      throw cause;
    }
  }
  for await (const e of entries) {
    if (skipped(e)) continue;
    try {
      const path = parts(e);
      const group = groupAt(root, path, path.length - 1, e.key);
      const name = path[path.length - 1]!;
      checkName(name, e.key);
      const existing = group.children.get(name);
      if (existing !== undefined) {
        const what = typeof existing === 'number' ? 'is written twice' : 'is already a group';
        throw new StatekitError('unsupported', `${path.join('/')} ${what}`);
      }
      const stored = await storedOf(e.value);
      const attributes = await attributeMessages(e.attrs, heaps, stored.tag);
      const data = stored.vlen ? await vlenElements(stored.vlen, heaps) : stored.data;
      const dataLength = stored.stream ? stored.stream.byteLength : data!.byteLength;
      await file.align(8);
      const headerAt = file.position;
      const messages = (address: number): Message[] => [
        { type: MSG_DATASPACE, flags: 0, body: dataspace(stored.shape) },
        { type: MSG_DATATYPE, flags: 1, body: stored.type },
        { type: MSG_FILL, flags: 1, body: FILL },
        { type: MSG_LAYOUT, flags: 0, body: layout(address, dataLength) },
        ...attributes,
      ];
      const headerBytes = objectHeader(messages(0)).byteLength;
      const dataAt = dataLength > 0 ? align(headerAt + headerBytes, 8) : UNDEF;
      await file.write(objectHeader(messages(dataAt)));
      if (dataLength > 0) {
        await file.align(8);
        if (stored.stream)
          for await (const slice of stored.stream.slices()) await file.write(slice);
        else await file.write(data!);
      }
      group.children.set(name, headerAt);
      written++;
    } catch (cause) {
      if (cause instanceof StatekitError)
        throw new StatekitError(cause.tag, cause.detail, { file: sink.name, key: e.key, cause });
      throw cause;
    }
  }
  await heaps.finish();
  await writeGroup(file, root);
  await file.align(8);
  const superblock = new Uint8Array(SUPERBLOCK_BYTES);
  const view = viewOf(superblock);
  superblock.set(SIGNATURE, 0);
  superblock[13] = 8; // size of offsets
  superblock[14] = 8; // size of lengths
  view.setUint16(16, LEAF_K, true);
  view.setUint16(18, NODE_K, true);
  putU64(view, 24, 0); // base address
  putU64(view, 32, UNDEF); // free-space info
  putU64(view, 40, file.position); // end of file
  putU64(view, 48, UNDEF); // driver information
  // The root group's symbol table entry, with its B-tree and heap cached.
  putU64(view, 56, 0);
  putU64(view, 64, root.header!);
  view.setUint32(72, 1, true);
  putU64(view, 80, root.btree!);
  putU64(view, 88, root.heap!);
  await file.patch(0, superblock);
  return { entries: written };
}

/** The group at `path.slice(0, depth)` under `root`, made (with its parents) if missing. */
function groupAt(root: GroupNode, path: readonly string[], depth: number, key: string): GroupNode {
  let group = root;
  for (let i = 0; i < depth; i++) {
    const name = path[i]!;
    checkName(name, key);
    let next = group.children.get(name);
    if (next === undefined) {
      next = { children: new Map() };
      group.children.set(name, next);
    }
    if (typeof next === 'number')
      throw new StatekitError(
        'unsupported',
        `${path.slice(0, i + 1).join('/')} is a dataset, not a group`,
      );
    group = next;
  }
  return group;
}

/** Writes a group's subgroups, then its local heap, symbol table nodes, B-tree and header. */
async function writeGroup(file: FileWriter, group: GroupNode): Promise<void> {
  for (const child of group.children.values())
    if (typeof child !== 'number') await writeGroup(file, child);
  const names = [...group.children.keys()].sort(nameOrder(group.children.keys()));
  // The local heap: "" at offset 0 (the B-tree's leftmost key), then each name, 8-byte aligned.
  const offsets: number[] = [];
  let size = 8;
  const encoded = names.map((n) => ENCODER.encode(n));
  for (const bytes of encoded) {
    offsets.push(size);
    size += align(bytes.length + 1, 8);
  }
  await file.align(8);
  const heap = new Uint8Array(32 + size);
  const hv = viewOf(heap);
  heap.set(ENCODER.encode('HEAP'), 0);
  putU64(hv, 8, size);
  putU64(hv, 16, 1); // no free block (HDF5 writes 1, its "no free list" value)
  const heapAt = file.position;
  putU64(hv, 24, heapAt + 32);
  for (const [i, bytes] of encoded.entries()) heap.set(bytes, 32 + offsets[i]!);
  await file.write(heap);

  // Symbol table nodes of up to 2K entries each.
  const leaves: { at: number; lastKey: number }[] = [];
  const snodCount = Math.max(1, Math.ceil(names.length / (2 * LEAF_K)));
  const snods = new Uint8Array(snodCount * SNOD_BYTES);
  const sv = viewOf(snods);
  const snodsAt = file.position;
  for (let s = 0; s < snodCount; s++) {
    const base = s * SNOD_BYTES;
    const slice = names.slice(s * 2 * LEAF_K, (s + 1) * 2 * LEAF_K);
    snods.set(ENCODER.encode('SNOD'), base);
    snods[base + 4] = 1;
    sv.setUint16(base + 6, slice.length, true);
    slice.forEach((name, j) => {
      const at = base + 8 + j * 40;
      const child = group.children.get(name)!;
      putU64(sv, at, offsets[s * 2 * LEAF_K + j]!);
      if (typeof child === 'number') putU64(sv, at + 8, child);
      else {
        putU64(sv, at + 8, child.header!);
        sv.setUint32(at + 16, 1, true); // cached symbol table
        putU64(sv, at + 24, child.btree!);
        putU64(sv, at + 32, child.heap!);
      }
    });
    leaves.push({
      at: snodsAt + base,
      lastKey: slice.length ? offsets[s * 2 * LEAF_K + slice.length - 1]! : 0,
    });
  }
  await file.write(snods);

  // B-tree levels, bottom up, until one root node.
  let level = 0;
  let children = leaves.map((l, i) => ({
    at: l.at,
    leftKey: i === 0 ? 0 : leaves[i - 1]!.lastKey,
    lastKey: l.lastKey,
  }));
  if (names.length === 0) children = [];
  for (;;) {
    const count = Math.max(1, Math.ceil(children.length / (2 * NODE_K)));
    const nodes = new Uint8Array(count * BTREE_BYTES);
    const nv = viewOf(nodes);
    const at = file.position;
    const parents: typeof children = [];
    for (let n = 0; n < count; n++) {
      const base = n * BTREE_BYTES;
      const slice = children.slice(n * 2 * NODE_K, (n + 1) * 2 * NODE_K);
      nodes.set(ENCODER.encode('TREE'), base);
      nodes[base + 5] = level;
      nv.setUint16(base + 6, slice.length, true);
      putU64(nv, base + 8, n > 0 ? at + (n - 1) * BTREE_BYTES : UNDEF);
      putU64(nv, base + 16, n < count - 1 ? at + (n + 1) * BTREE_BYTES : UNDEF);
      putU64(nv, base + 24, slice[0]?.leftKey ?? 0);
      slice.forEach((c, i) => {
        putU64(nv, base + 32 + i * 16, c.at);
        putU64(nv, base + 40 + i * 16, c.lastKey);
      });
      parents.push({
        at: at + base,
        leftKey: slice[0]?.leftKey ?? 0,
        lastKey: slice[slice.length - 1]?.lastKey ?? 0,
      });
    }
    await file.write(nodes);
    if (count === 1) {
      group.btree = at;
      break;
    }
    children = parents;
    level++;
  }
  group.heap = heapAt;
  const stab = new Uint8Array(16);
  putU64(viewOf(stab), 0, group.btree!);
  putU64(viewOf(stab), 8, heapAt);
  const messages = [{ type: MSG_SYMBOL_TABLE, flags: 0, body: stab }, ...(group.attributes ?? [])];
  group.header = await file.write(objectHeader(messages));
}
