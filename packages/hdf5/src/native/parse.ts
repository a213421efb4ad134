/**
 * A native (pure TypeScript) reader of HDF5 metadata for the files h5py writes by default and
 * statekit's native writer produces: superblock version 0/1, version 1 object headers, groups
 * as symbol tables (B-tree version 1 + local heap), contiguous and compact datasets, attributes
 * and variable-length strings in global heaps; and for `libver='latest'` files: superblock
 * version 2/3, version 2 object headers (checksums verified), link-message groups and dense
 * link storage (`dense.ts`). Everything else (chunked or filtered data, soft and external
 * links, big-endian data, dense attributes...) throws {@link NotNative}, and the codec falls
 * back to h5wasm for the whole file. A broken structure of a kind it reads (a bad signature or
 * checksum, a link past its heap, a truncated file) is a `corrupt` StatekitError: h5wasm is not
 * asked, since HDF5 aborts on some of them (a corrupt global heap) and reports others as
 * missing attributes.
 *
 * Format reference: the HDF5 File Format Specification (version 3.0), sections II-IV.
 */
import { type Attrs, type ByteSource, type NdArray, StatekitError } from '@statekit/core';
import type { Container } from '@statekit/core/codec';
import { groupContainer, numericAttribute } from '../h5-types.js';
import {
  ascii,
  corrupt,
  cString,
  cStrings,
  NotNative,
  nameOrder,
  UNDEF,
  UTF8,
  u64,
  viewOf,
} from './bytes.js';
import { CLASS, type DecodedType, decodeDatatype } from './datatype.js';
import { checkBlock, denseLinks } from './dense.js';

/** A dataset's type, shape and element count. */
export type DatasetMeta = DecodedType & { total_size: number };

/** Where a dataset's bytes are. */
export type Storage =
  | { kind: 'contiguous'; address: number; size: number }
  | { kind: 'compact'; bytes: Uint8Array }
  | { kind: 'empty' };

/** A dataset found by the native reader. */
export interface NativeDataset {
  path: string[];
  meta: DatasetMeta;
  attrs: Attrs;
  storage: Storage;
}

/** The file's datasets in h5wasm's order, its groups, and its heaps. */
export interface NativeFile {
  datasets: NativeDataset[];
  /** Every group, parents first, with its children (groups and datasets) in listing order. */
  containers: Container[];
  /** Absolute file offset of address 0 (the superblock; after a user block if there is one). */
  base: number;
  heaps: GlobalHeaps;
}

const MAX_DEPTH = 64;
/** Bounds on structures, so a crafted file cannot make the walk run away. */
const MAX_HEADER_BLOCKS = 4096;
const MAX_BTREE_NODES = 1 << 22;

const MSG = {
  nil: 0x00,
  dataspace: 0x01,
  linkInfo: 0x02,
  datatype: 0x03,
  fillOld: 0x04,
  fill: 0x05,
  link: 0x06,
  external: 0x07,
  layout: 0x08,
  groupInfo: 0x0a,
  filters: 0x0b,
  attribute: 0x0c,
  comment: 0x0d,
  mtimeOld: 0x0e,
  continuation: 0x10,
  symbolTable: 0x11,
  mtime: 0x12,
  btreeK: 0x13,
  attributeInfo: 0x15,
  refCount: 0x16,
} as const;
/** Messages that do not change what statekit reads. */
const IGNORED = new Set<number>([
  MSG.nil,
  MSG.fillOld,
  MSG.fill,
  MSG.comment,
  MSG.mtimeOld,
  MSG.mtime,
  MSG.btreeK,
  MSG.refCount,
]);

interface Message {
  type: number;
  data: Uint8Array;
}

/** Global heap collections (variable-length data), read once each. */
export class GlobalHeaps {
  private readonly collections = new Map<number, Promise<Map<number, Uint8Array>>>();
  constructor(
    private readonly source: ByteSource,
    private readonly base: number,
  ) {}

  /** The bytes of object `index` in the collection at `address`. */
  async object(address: number, index: number): Promise<Uint8Array> {
    let collection = this.collections.get(address);
    if (!collection) {
      collection = this.load(address);
      this.collections.set(address, collection);
    }
    const bytes = (await collection).get(index);
    if (!bytes) throw corrupt(`missing global heap object ${address}:${index}`);
    return bytes;
  }

  private async load(address: number): Promise<Map<number, Uint8Array>> {
    const head = await this.source.read(this.base + address, 16);
    if (ascii(head, 0, 4) !== 'GCOL') throw corrupt('a global heap without signature');
    const size = u64(viewOf(head), 8);
    const bytes = (await this.source.read(this.base + address, size)).slice();
    const view = viewOf(bytes);
    const out = new Map<number, Uint8Array>();
    for (let p = 16; p + 16 <= size; ) {
      const index = view.getUint16(p, true);
      if (index === 0) break;
      const length = u64(view, p + 8);
      if (p + 16 + length > size) throw corrupt('a global heap object past its collection');
      out.set(index, bytes.subarray(p + 16, p + 16 + length));
      p += 16 + Math.ceil(length / 8) * 8;
    }
    return out;
  }
}

/** Reads the whole metadata tree of an HDF5 file whose superblock is at `base`. */
export async function parseHdf5(source: ByteSource, base: number): Promise<NativeFile> {
  const read = (address: number, length: number): Promise<Uint8Array> => {
    if (address === UNDEF) throw corrupt('an undefined address');
    return source.read(base + address, length);
  };
  const sb = (await read(0, Math.min(96 + 8, source.size - base))).slice();
  const version = sb[8]!;
  if (version > 3) throw new NotNative(`superblock version ${version}`);
  const view = viewOf(sb);
  let baseAddress: number;
  let eof: number;
  let rootHeader: number;
  if (version >= 2) {
    checkBlock(sb.subarray(0, 48), '\x89HDF', 'the superblock');
    if (sb[9] !== 8 || sb[10] !== 8) throw new NotNative('offsets or lengths other than 8 bytes');
    if (u64(view, 20) !== UNDEF) throw new NotNative('a superblock extension');
    baseAddress = u64(view, 12);
    eof = u64(view, 28);
    rootHeader = u64(view, 36);
  } else {
    if (sb[13] !== 8 || sb[14] !== 8) throw new NotNative('offsets or lengths other than 8 bytes');
    const at = version === 1 ? 28 : 24;
    baseAddress = u64(view, at);
    eof = u64(view, at + 16);
    rootHeader = u64(view, at + 32 + 8);
  }
  if (baseAddress !== 0 && baseAddress !== base) throw new NotNative('a relocated base address');
  // HDF5 stores the end of file as its relative end plus the base address field.
  const end = eof === UNDEF ? UNDEF : eof - baseAddress + base;
  if (end !== UNDEF && end > source.size) {
    throw new StatekitError(
      'corrupt',
      `truncated: the superblock says ${end} bytes, but the file has ${source.size}`,
    );
  }
  const heaps = new GlobalHeaps(source, base);
  const datasets: NativeDataset[] = [];
  const containers: Container[] = [];
  let nodes = 0;

  async function objectHeader(address: number): Promise<Message[]> {
    // Long enough for either version's prefix (version 2: up to 34 bytes before its messages).
    const prefix = await read(address, Math.max(0, Math.min(34, source.size - base - address)));
    if (ascii(prefix, 0, 4) === 'OHDR') return objectHeader2(address, prefix);
    if (prefix.length < 16) throw corrupt(`a truncated object header at ${address}`);
    if (prefix[0] !== 1) {
      throw corrupt(`no object header at ${address} (version byte ${prefix[0]})`);
    }
    const pv = viewOf(prefix);
    const count = pv.getUint16(2, true);
    const blocks: [number, number][] = [[address + 16, pv.getUint32(8, true)]];
    const messages: Message[] = [];
    for (let b = 0; b < blocks.length && messages.length < count; b++) {
      if (b >= MAX_HEADER_BLOCKS) throw corrupt('too many header continuation blocks');
      const [start, size] = blocks[b]!;
      const block = (await read(start, size)).slice();
      const bv = viewOf(block);
      for (let p = 0; p + 8 <= size && messages.length < count; ) {
        const type = bv.getUint16(p, true);
        const length = bv.getUint16(p + 2, true);
        const flags = block[p + 4]!;
        if (p + 8 + length > size) throw corrupt('a header message past its block');
        const data = block.subarray(p + 8, p + 8 + length);
        if (flags & 0x02 && type !== MSG.nil) throw new NotNative('shared header messages');
        if (type === MSG.continuation) blocks.push([u64(viewOf(data), 0), u64(viewOf(data), 8)]);
        messages.push({ type, data });
        p += 8 + length;
      }
    }
    return messages;
  }

  /** The messages of a version 2 object header (`OHDR`, continued in `OCHK` blocks). */
  async function objectHeader2(address: number, prefix: Uint8Array): Promise<Message[]> {
    const flags = prefix[5]!;
    if (prefix[4] !== 2) throw corrupt(`object header version ${prefix[4]}`);
    let p = 6 + (flags & 0x20 ? 16 : 0) + (flags & 0x10 ? 4 : 0);
    const width = 1 << (flags & 3);
    let size = 0;
    for (let i = 0; i < width; i++) size += prefix[p + i]! * 2 ** (8 * i);
    p += width;
    const blocks: [number, number, number][] = [[address, p + size + 4, p]];
    const messages: Message[] = [];
    const orders = flags & 0x04 ? 2 : 0;
    for (let b = 0; b < blocks.length; b++) {
      if (b >= MAX_HEADER_BLOCKS) throw corrupt('too many header continuation blocks');
      const [start, length, skip] = blocks[b]!;
      const block = (await read(start, length)).slice();
      checkBlock(block, b === 0 ? 'OHDR' : 'OCHK', 'an object header');
      const bv = viewOf(block);
      for (let q = skip; q + 4 + orders <= length - 4; ) {
        const type = block[q]!;
        const size = bv.getUint16(q + 1, true);
        const mflags = block[q + 3]!;
        const at = q + 4 + orders;
        if (at + size > length - 4) throw corrupt('a header message past its block');
        const data = block.subarray(at, at + size);
        if (mflags & 0x02 && type !== MSG.nil) throw new NotNative('shared header messages');
        if (type === MSG.continuation) {
          blocks.push([u64(viewOf(data), 0), u64(viewOf(data), 8), 4]);
        }
        messages.push({ type, data });
        q = at + size;
      }
    }
    return messages;
  }

  /** The (name, header address) links of a symbol-table group, in name order. */
  async function symbolTable(btree: number, heap: number): Promise<Link[]> {
    const names = await localHeap(heap);
    const links: Link[] = [];
    const seen = new Set<number>();
    async function visit(node: number, depth: number): Promise<void> {
      if (seen.has(node) || depth > MAX_DEPTH || ++nodes > MAX_BTREE_NODES) {
        throw corrupt('a B-tree cycle or runaway');
      }
      seen.add(node);
      const head = await read(node, 24);
      if (ascii(head, 0, 4) !== 'TREE' || head[4] !== 0) throw corrupt('a group B-tree node');
      const level = head[5]!;
      const used = viewOf(head).getUint16(6, true);
      const body = viewOf((await read(node + 24, 8 + used * 16)).slice());
      for (let i = 0; i < used; i++) {
        const child = u64(body, 8 + i * 16);
        if (level > 0) {
          await visit(child, depth + 1);
          continue;
        }
        const snod = await read(child, 8);
        if (ascii(snod, 0, 4) !== 'SNOD') throw corrupt('a symbol table node');
        const n = viewOf(snod).getUint16(6, true);
        const entries = viewOf((await read(child + 8, n * 40)).slice());
        for (let e = 0; e < n; e++) {
          const cacheType = entries.getUint32(e * 40 + 16, true);
          const name = cString(names, u64(entries, e * 40));
          // A soft link keeps its value's offset in the local heap in the scratch pad.
          if (cacheType === 2)
            links.push([name, { soft: cString(names, entries.getUint32(e * 40 + 24, true)) }]);
          else links.push([name, u64(entries, e * 40 + 8)]);
        }
      }
    }
    await visit(btree, 0);
    const order = nameOrder(links.map((l) => l[0]));
    for (let i = 1; i < links.length; i++) {
      if (order(links[i - 1]![0], links[i]![0]) >= 0) throw corrupt('unsorted links');
    }
    return links;
  }

  async function attributesOf(messages: Message[]): Promise<Attrs> {
    const found: [string, unknown][] = [];
    for (const m of messages) {
      if (m.type === MSG.attribute) found.push(await attribute(m.data, heaps));
    }
    const order = nameOrder(found.map((f) => f[0]));
    found.sort((a, b) => order(a[0], b[0]));
    return Object.fromEntries(found);
  }

  /** A group's links: from its symbol table, or from its link messages (compact storage). */
  async function linksOf(messages: Message[]): Promise<Link[]> {
    const stab = messages.find((m) => m.type === MSG.symbolTable);
    if (stab) {
      const sv = viewOf(stab.data);
      return symbolTable(u64(sv, 0), u64(sv, 8));
    }
    const info = messages.find((m) => m.type === MSG.linkInfo);
    if (!info) throw new NotNative('a group without links');
    const flags = info.data[1]!;
    const iv = viewOf(info.data);
    const heap = u64(iv, (flags & 1 ? 8 : 0) + 2);
    const stored =
      heap === UNDEF
        ? messages.filter((m) => m.type === MSG.link).map((m) => m.data)
        : await denseLinks(read, heap, u64(iv, (flags & 1 ? 8 : 0) + 10));
    return linkOrder(stored.map(linkMessage), (flags & 2) !== 0);
  }

  /** Header addresses of the groups walked so far, and the path each was first met at. */
  const walked = new Map<number, string[]>();
  /** Soft links met: where their entry stands in `datasets`, and the path they name. */
  const softLinks: { at: number; path: string[]; target: string[] }[] = [];

  /**
   * A soft link names a path in this file: to a dataset, its entry is that dataset (as h5py's
   * `f[name]` follows it); to a group, an alias entry (`soft_link`), walked once under its own
   * name; to nothing, a `null` entry, as h5wasm reports a dangling one.
   */
  function resolveSoftLinks(): void {
    const byPath = new Map(datasets.map((d, i) => [JSON.stringify(d.path), i]));
    const groups = new Set(containers.map((c) => JSON.stringify(c.path)));
    const pending = new Map(softLinks.map((l) => [l.at, l]));
    for (const link of softLinks) {
      let target = link.target;
      let at = byPath.get(JSON.stringify(target));
      // A chain of soft links ends at a dataset, a group, nothing, or a loop (bounded).
      for (let hops = 0; at !== undefined && pending.has(at) && hops < 16; hops++) {
        target = pending.get(at)!.target;
        at = byPath.get(JSON.stringify(target));
      }
      const name = `/${target.join('/')}`;
      datasets[link.at] =
        at !== undefined && !pending.has(at)
          ? { ...datasets[at]!, path: link.path }
          : elsewhere(
              link.path,
              groups.has(JSON.stringify(target))
                ? { soft_link: name }
                : { external_link: `broken soft link to ${name}` },
            );
    }
  }

  async function walkGroup(
    messages: Message[],
    prefix: string[],
    depth: number,
    address: number,
  ): Promise<void> {
    if (depth > MAX_DEPTH) throw new NotNative('deep nesting');
    walked.set(address, prefix);
    checkKnown(messages);
    const links = await linksOf(messages);
    const attrs = await attributesOf(messages);
    const children: string[] = [];
    containers.push(groupContainer(prefix, attrs, children));
    // Headers are read in address order (files are written in creation order, listed in name
    // order: reading them by name would jump about the file), then walked in name order.
    const headers: (Message[] | undefined)[] = new Array(links.length);
    const byAddress = links
      .map((_, i) => i)
      .filter((i) => typeof links[i]![1] === 'number' && !walked.has(links[i]![1] as number))
      .sort((a, b) => (links[a]![1] as number) - (links[b]![1] as number));
    for (const i of byAddress) headers[i] = await objectHeader(links[i]![1] as number);
    for (const [i, [name, target]] of links.entries()) {
      const path = [...prefix, name];
      if (typeof target !== 'number' && 'soft' in target) {
        // Resolved once every object of the file is known (see resolveSoftLinks).
        children.push(name);
        softLinks.push({ at: datasets.length, path, target: softTarget(prefix, target.soft) });
        datasets.push(elsewhere(path, {}));
        continue;
      }
      if (typeof target !== 'number') {
        // Another file: reported, never opened.
        children.push(name);
        datasets.push(elsewhere(path, { external_link: `${target.file}:${target.object}` }));
        continue;
      }
      const first = walked.get(target);
      if (first !== undefined) {
        // A further name of a group already walked (h5py's visititems visits it once): an alias.
        children.push(name);
        datasets.push(elsewhere(path, { hard_link: `/${first.join('/')}` }));
        continue;
      }
      const childMessages = headers[i]!;
      if (childMessages.some((m) => m.type === MSG.symbolTable || m.type === MSG.linkInfo)) {
        children.push(name);
        await walkGroup(childMessages, path, depth + 1, target);
      } else if (childMessages.some((m) => m.type === MSG.layout)) {
        children.push(name);
        datasets.push(await dataset(path, childMessages));
      }
      // An object with only a datatype is a named datatype: no state.
    }
  }

  /**
   * Where a dataset's data is in other files (external raw storage, a virtual dataset), what
   * the file says about them; undefined when its data is in this file. Nothing is read from
   * those files, ever.
   */
  async function dataElsewhere(messages: Message[]): Promise<Attrs | undefined> {
    const external = messages.find((m) => m.type === MSG.external);
    if (external) return { external_storage: await externalFiles(external.data) };
    const layout = messages.find((m) => m.type === MSG.layout);
    if (layout && layout.data[0] === 4 && layout.data[1] === 3) {
      return { virtual_dataset: await virtualSources(layout.data) };
    }
    return undefined;
  }

  /** The files of an External Data Files message, as `file (N bytes at offset)`. */
  async function externalFiles(data: Uint8Array): Promise<string[]> {
    const view = viewOf(data);
    if (data[0] !== 1) throw corrupt(`external data files message version ${data[0]}`);
    const used = view.getUint16(6, true);
    if (16 + used * 24 > data.length) throw corrupt('an external data files message past its end');
    const names = await localHeap(u64(view, 8));
    return Array.from({ length: used }, (_, i) => {
      const at = 16 + i * 24;
      return `${cString(names, u64(view, at))} (${u64(view, at + 16)} bytes at ${u64(view, at + 8)})`;
    });
  }

  /** A virtual dataset's first source (`file:/dataset`) and how many mappings it has. */
  async function virtualSources(layout: Uint8Array): Promise<string> {
    const view = viewOf(layout);
    const mapping = await heaps.object(u64(view, 2), view.getUint32(10, true));
    if (mapping.length < 9 || mapping[0] !== 0) throw corrupt('a virtual dataset mapping');
    const count = u64(viewOf(mapping), 1);
    const [file, source] = cStrings(mapping, 9, 2);
    return `${count} mapping${count === 1 ? '' : 's'} from other files, the first ${file}:${source}`;
  }

  /** The data segment of a local heap (names of symbol tables and external files). */
  async function localHeap(heap: number): Promise<Uint8Array> {
    const head = await read(heap, 32);
    if (ascii(head, 0, 4) !== 'HEAP') throw corrupt('a local heap without signature');
    const hv = viewOf(head);
    return (await read(u64(hv, 24), u64(hv, 8))).slice();
  }

  async function dataset(path: string[], messages: Message[]): Promise<NativeDataset> {
    const away = await dataElsewhere(messages);
    if (away) return elsewhere(path, { ...(await attributesOf(messages)), ...away });
    checkKnown(messages);
    const space = messages.find((m) => m.type === MSG.dataspace);
    const type = messages.find((m) => m.type === MSG.datatype);
    const layout = messages.find((m) => m.type === MSG.layout);
    if (!space || !type || !layout) throw corrupt('a dataset without space, type or layout');
    const shape = dataspace(space.data);
    const decoded = decodeDatatype(type.data, 0).type;
    checkByteOrder(decoded);
    const total = shape === null ? 0 : shape.reduce((a, b) => a * b, 1);
    const meta: DatasetMeta = { ...decoded, shape, total_size: total };
    const bytes = total * decoded.size;
    const lv = viewOf(layout.data);
    if (layout.data[0] !== 3 && layout.data[0] !== 4)
      throw new NotNative(`layout message version ${layout.data[0]}`);
    let storage: Storage;
    if (bytes === 0) storage = { kind: 'empty' };
    else if (layout.data[1] === 1) {
      const address = u64(lv, 2);
      if (address === UNDEF) throw new NotNative('unallocated data (fill values)');
      if (u64(lv, 10) < bytes) throw corrupt('contiguous storage smaller than the data');
      storage = { kind: 'contiguous', address, size: bytes };
    } else if (layout.data[1] === 0) {
      const size = lv.getUint16(2, true);
      if (size < bytes) throw corrupt('compact storage smaller than the data');
      storage = { kind: 'compact', bytes: layout.data.slice(4, 4 + bytes) };
    } else throw new NotNative('chunked or virtual layouts');
    return { path, meta, attrs: await attributesOf(messages), storage };
  }

  const root = await objectHeader(rootHeader);
  if (!root.some((m) => m.type === MSG.symbolTable || m.type === MSG.linkInfo)) {
    throw new NotNative('a root group without links');
  }
  await walkGroup(root, [], 0, rootHeader);
  resolveSoftLinks();
  return { datasets, containers, base, heaps };
}

/** A link: its name, and the object's header address, a path in this file, or another file's. */
type Link = [string, LinkTarget];
type LinkTarget = number | ExternalTarget | { soft: string };
/** An external link's target: a file and an object path in it (never opened). */
interface ExternalTarget {
  file: string;
  object: string;
}

/**
 * A link message as [name, target, creation order]: hard links give the header address, soft
 * links the path they name, external links their target (reported, never followed).
 */
function linkMessage(d: Uint8Array): [string, LinkTarget, number] {
  const view = viewOf(d);
  if (d[0] !== 1) throw new NotNative(`link message version ${d[0]}`);
  const f = d[1]!;
  let p = 2;
  const linkType = f & 0x08 ? d[p++]! : 0;
  let order = 0;
  if (f & 0x04) {
    order = Number(view.getBigInt64(p, true));
    p += 8;
  }
  if (f & 0x10) p++; // character set: names are decoded as UTF-8 either way
  const width = 1 << (f & 3);
  let length = 0;
  for (let i = 0; i < width; i++) length += d[p + i]! * 2 ** (8 * i);
  p += width;
  if (p + length > d.length) throw corrupt('a link message past its end');
  const name = UTF8.decode(d.subarray(p, p + length));
  p += length;
  if (linkType === 64) return [name, externalTarget(d, p), order];
  if (linkType === 1) {
    if (p + 2 > d.length) throw corrupt('a soft link past its end');
    const end = p + 2 + view.getUint16(p, true);
    if (end > d.length) throw corrupt('a soft link past its end');
    return [name, { soft: UTF8.decode(d.subarray(p + 2, end)) }, order];
  }
  if (linkType !== 0) throw new NotNative(`link type ${linkType}`);
  if (p + 8 > d.length) throw corrupt('a link message past its end');
  return [name, u64(view, p), order];
}

/** An external link's value: its length, a flags byte, the file name and the object path. */
function externalTarget(d: Uint8Array, at: number): ExternalTarget {
  if (at + 2 > d.length) throw corrupt('an external link past its end');
  const end = at + 2 + viewOf(d).getUint16(at, true);
  if (end > d.length || end < at + 3) throw corrupt('an external link past its end');
  const [file, object] = cStrings(d, at + 3, 2, end);
  return { file: file!, object: object! };
}

/** A soft link's value as path parts from the root (relative ones start at `group`). */
function softTarget(group: string[], value: string): string[] {
  const parts = value.split('/').filter((p) => p !== '' && p !== '.');
  return value.startsWith('/') ? parts : [...group, ...parts];
}

/** The null dataspace h5py writes for `h5py.Empty`: what entries with no data here report. */
const NOWHERE: DatasetMeta = {
  type: CLASS.integer,
  size: 1,
  signed: false,
  vlen: false,
  shape: null,
  littleEndian: true,
  cset: 0,
  total_size: 0,
};

/** An entry whose data is not in this file, or which is another name of a group walked. */
function elsewhere(path: string[], attrs: Attrs): NativeDataset {
  return { path, meta: NOWHERE, attrs, storage: { kind: 'empty' } };
}

/**
 * A new-style group's links in the order h5wasm lists them: creation order when the group
 * indexes it, else by name.
 */
function linkOrder(links: [string, LinkTarget, number][], tracked: boolean): Link[] {
  if (tracked) links.sort((a, b) => a[2] - b[2]);
  else {
    const byName = nameOrder(links.map((l) => l[0]));
    links.sort((a, b) => byName(a[0], b[0]));
  }
  return links.map(([name, address]) => [name, address]);
}

/** Refuses headers with messages the native reader does not interpret (filters, links...). */
function checkKnown(messages: Message[]): void {
  for (const m of messages) {
    if (
      IGNORED.has(m.type) ||
      m.type === MSG.dataspace ||
      m.type === MSG.datatype ||
      m.type === MSG.layout ||
      m.type === MSG.attribute ||
      m.type === MSG.continuation ||
      m.type === MSG.symbolTable ||
      m.type === MSG.linkInfo ||
      m.type === MSG.link ||
      m.type === MSG.groupInfo
    ) {
      continue;
    }
    if (m.type === MSG.attributeInfo) {
      const heap = u64(viewOf(m.data), m.data[1]! & 1 ? 4 : 2);
      if (heap !== UNDEF) throw new NotNative('dense attribute storage');
      continue;
    }
    throw new NotNative(`header message type ${m.type}`);
  }
}

/** Big-endian data is left to h5wasm, which converts it. */
function checkByteOrder(type: DecodedType): void {
  if (!type.littleEndian) throw new NotNative('big-endian data');
  for (const m of type.compound_type?.members ?? []) checkByteOrder(m);
}

/** A dataspace message: `null` for a null space, `[]` for a scalar, else the dimensions. */
function dataspace(data: Uint8Array): number[] | null {
  const view = viewOf(data);
  const version = data[0];
  const rank = data[1]!;
  let p: number;
  if (version === 1) p = 8;
  else if (version === 2) {
    if (data[3] === 2) return null;
    p = 4;
  } else throw new NotNative(`dataspace version ${version}`);
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(u64(view, p + i * 8));
  return dims;
}

/** One attribute message as [name, value], the value as h5wasm's `json_value` gives it. */
async function attribute(data: Uint8Array, heaps: GlobalHeaps): Promise<[string, unknown]> {
  const view = viewOf(data);
  const version = data[0];
  if (version !== 1 && version !== 2 && version !== 3) {
    throw new NotNative(`attribute version ${version}`);
  }
  if (version > 1 && data[1]! & 0x03) throw new NotNative('shared attribute types');
  const nameSize = view.getUint16(2, true);
  const typeSize = view.getUint16(4, true);
  const spaceSize = view.getUint16(6, true);
  const pad = (n: number): number => (version === 1 ? Math.ceil(n / 8) * 8 : n);
  let p = version === 3 ? 9 : 8;
  const name = cString(data, p, p + nameSize);
  p += pad(nameSize);
  const type = decodeDatatype(data, p).type;
  p += pad(typeSize);
  const shape = dataspace(data.subarray(p, p + spaceSize));
  p += pad(spaceSize);
  if (shape === null) return [name, null];
  const count = shape.reduce((a, b) => a * b, 1);
  const bytes = data.subarray(p, p + count * type.size);
  if (bytes.length < count * type.size) throw corrupt('attribute data truncated');
  if (type.type !== CLASS.string) return [name, numericValue(bytes, type, shape)];
  const values = await attributeValues(bytes, type, count, heaps);
  return [name, shape.length === 0 ? values[0] : values];
}

/** A numeric or bool attribute as an array of its dtype (see `numericAttribute`). */
function numericValue(bytes: Uint8Array, type: DecodedType, shape: number[]): NdArray {
  if (type.type !== CLASS.integer && type.type !== CLASS.float && type.type !== CLASS.enum) {
    throw new NotNative(`attributes of type class ${type.type}`);
  }
  if (!type.littleEndian) throw new NotNative('big-endian attributes');
  if (type.type === CLASS.float && type.size !== 2 && type.size !== 4 && type.size !== 8) {
    throw new NotNative(`${type.size}-byte float attributes`);
  }
  return numericAttribute({ ...type, shape }, bytes);
}

async function attributeValues(
  bytes: Uint8Array,
  type: DecodedType,
  count: number,
  heaps: GlobalHeaps,
): Promise<string[]> {
  const view = viewOf(bytes);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const raw = type.vlen
      ? await vlenBytes(view, i * 16, heaps)
      : bytes.subarray(i * type.size, (i + 1) * type.size);
    out.push(decodeText(raw, type.cset, type.vlen));
  }
  return out;
}

/** The bytes of the variable-length element at `at` (length, collection, index). */
export async function vlenBytes(
  view: DataView,
  at: number,
  heaps: GlobalHeaps,
): Promise<Uint8Array> {
  const length = view.getUint32(at, true);
  const collection = u64(view, at + 4);
  const index = view.getUint32(at + 12, true);
  if (length === 0 || collection === 0) return new Uint8Array(0);
  const bytes = await heaps.object(collection, index);
  if (bytes.length < length) throw corrupt('a variable-length string past its heap object');
  return bytes.subarray(0, length);
}

const ASCII = new TextDecoder('ascii');
const UTF8_TEXT = new TextDecoder('utf-8');

/** Decodes a string as h5wasm does: up to the first NUL, UTF-8 or ASCII by `cset`. */
export function decodeText(raw: Uint8Array, cset: number, vlen: boolean): string {
  const nul = raw.indexOf(0);
  const text = nul >= 0 ? raw.subarray(0, nul) : raw;
  if (cset === 1) return UTF8_TEXT.decode(text);
  if (!vlen) return ASCII.decode(text);
  let out = '';
  for (const byte of text) out += String.fromCharCode(byte);
  return out;
}
