/**
 * Dense link storage, as HDF5 keeps groups of many links in files written with
 * `libver='latest'` or track_order: the link messages live in a fractal heap, indexed by a
 * version 2 B-tree of name hashes. Only what reading needs: every record of the name index,
 * each record's heap object. Filtered heaps and "huge" heap objects throw {@link NotNative};
 * bad signatures and checksums are `corrupt` errors.
 *
 * Format reference: the HDF5 File Format Specification (version 3.0), III.G (fractal heap)
 * and III.A.2 (version 2 B-trees).
 */
import { ascii, corrupt, NotNative, UNDEF, u64, viewOf } from './bytes.js';
import { lookup3 } from './checksum.js';

/** Reads `length` bytes at a file address (relative to the superblock). */
export type ReadAt = (address: number, length: number) => Promise<Uint8Array>;

/** Bounds on what a crafted file can make the walk do. */
const MAX_NODES = 1 << 20;
const MAX_DEPTH = 32;

/** Throws `corrupt` unless `bytes` starts with `signature` and its last 4 bytes are its checksum. */
export function checkBlock(bytes: Uint8Array, signature: string, what: string): DataView {
  const view = viewOf(bytes);
  for (let i = 0; i < signature.length; i++) {
    if (bytes[i] !== signature.charCodeAt(i)) throw corrupt(`${what} without signature`);
  }
  const end = bytes.length - 4;
  if (lookup3(bytes.subarray(0, end)) !== view.getUint32(end, true)) {
    throw corrupt(`${what} checksum mismatch`);
  }
  return view;
}

/** Little-endian unsigned integer of `width` bytes (at most 7 bytes stay exact). */
function uint(bytes: Uint8Array, at: number, width: number): number {
  let value = 0;
  for (let i = width - 1; i >= 0; i--) value = value * 256 + bytes[at + i]!;
  return value;
}

/** Bytes HDF5 uses to encode counts up to `limit` (H5VM_limit_enc_size). */
function limitBytes(limit: number): number {
  return Math.floor(Math.log2(Math.max(limit, 1)) / 8) + 1;
}

/** Every record of the version 2 B-tree whose header is at `address`, in key order. */
async function v2Records(read: ReadAt, address: number): Promise<Uint8Array[]> {
  const head = (await read(address, 38)).slice();
  const hv = checkBlock(head, 'BTHD', 'a version 2 B-tree header');
  const nodeSize = hv.getUint32(6, true);
  const recordSize = hv.getUint16(10, true);
  const depth = hv.getUint16(12, true);
  const root = u64(hv, 16);
  const rootCount = hv.getUint16(24, true);
  if (recordSize === 0 || nodeSize <= 10 || depth > MAX_DEPTH) throw corrupt('a v2 B-tree header');
  // Child pointers of a node at level d: address, record count, and (d > 1) the subtree's
  // total record count, in widths derived from the node size (H5B2 node info).
  const leafMax = Math.floor((nodeSize - 10) / recordSize);
  const countBytes = limitBytes(leafMax);
  const pointerBytes = [0];
  let subtreeBytes = 0; // leaves carry no subtree total
  let subtreeMax = leafMax;
  for (let d = 1; d <= depth; d++) {
    const pointer = 8 + countBytes + subtreeBytes;
    pointerBytes.push(pointer);
    const max = Math.floor((nodeSize - 10 - pointer) / (recordSize + pointer));
    subtreeMax = (max + 1) * subtreeMax + max;
    subtreeBytes = limitBytes(subtreeMax);
  }
  const records: Uint8Array[] = [];
  let nodes = 0;
  async function visit(node: number, count: number, level: number): Promise<void> {
    if (++nodes > MAX_NODES) throw corrupt('a runaway v2 B-tree');
    const body = (await read(node, nodeSize)).slice();
    const size = 6 + count * recordSize + (level === 0 ? 0 : (count + 1) * pointerBytes[level]!);
    if (size + 4 > nodeSize) throw corrupt('a v2 B-tree node overflows');
    const view = checkBlock(
      body.subarray(0, size + 4),
      level === 0 ? 'BTLF' : 'BTIN',
      'a v2 B-tree node',
    );
    const recordAt = (i: number) => body.subarray(6 + i * recordSize, 6 + (i + 1) * recordSize);
    if (level === 0) {
      for (let i = 0; i < count; i++) records.push(recordAt(i));
      return;
    }
    let p = 6 + count * recordSize;
    for (let i = 0; i <= count; i++) {
      const child = u64(view, p);
      const childCount = uint(body, p + 8, countBytes);
      p += pointerBytes[level]!;
      await visit(child, childCount, level - 1);
      if (i < count) records.push(recordAt(i));
    }
  }
  if (root !== UNDEF && rootCount > 0) await visit(root, rootCount, depth);
  return records;
}

/** A fractal heap's managed objects, looked up by heap ID. */
class FractalHeap {
  private blocks: { offset: number; bytes: Uint8Array }[] = [];
  private constructor(
    private readonly idLength: number,
    private readonly offsetBytes: number,
    private readonly lengthBytes: number,
  ) {}

  static async open(read: ReadAt, address: number): Promise<FractalHeap> {
    const head = (await read(address, 146)).slice();
    const hv = checkBlock(head, 'FRHP', 'a fractal heap header');
    const idLength = hv.getUint16(5, true);
    if (hv.getUint16(7, true) !== 0) throw new NotNative('a filtered fractal heap');
    const checksummed = (head[9]! & 0x02) !== 0;
    const maxManaged = hv.getUint32(10, true);
    const width = hv.getUint16(110, true);
    const start = u64(hv, 112);
    const maxDirect = u64(hv, 120);
    const heapBits = hv.getUint16(128, true);
    const rootAddress = u64(hv, 132);
    const rootRows = hv.getUint16(140, true);
    const pow2 = (n: number) => n > 0 && 2 ** Math.round(Math.log2(n)) === n;
    if (!pow2(start) || !pow2(maxDirect) || !pow2(width) || heapBits > 53 || maxDirect < start) {
      throw corrupt('a fractal heap header');
    }
    const offsetBytes = Math.ceil(heapBits / 8);
    const lengthBytes = Math.min(Math.ceil(Math.log2(maxDirect) / 8), limitBytes(maxManaged));
    const heap = new FractalHeap(idLength, offsetBytes, lengthBytes);
    const directRows = Math.log2(maxDirect) - Math.log2(start) + 2;
    const rowSize = (r: number) => (r < 2 ? start : start * 2 ** (r - 1));
    let blocks = 0;
    const direct = async (at: number, size: number): Promise<void> => {
      if (++blocks > MAX_NODES) throw corrupt('a runaway fractal heap');
      const bytes = (await read(at, size)).slice();
      if (ascii(bytes, 0, 4) !== 'FHDB') {
        throw corrupt('a fractal heap direct block without signature');
      }
      const prefix = 5 + 8 + offsetBytes;
      if (checksummed) {
        const stored = viewOf(bytes).getUint32(prefix, true);
        const zeroed = bytes.slice();
        zeroed.fill(0, prefix, prefix + 4);
        if (lookup3(zeroed) !== stored) throw corrupt('a fractal heap direct block checksum');
      }
      heap.blocks.push({ offset: uint(bytes, 13, offsetBytes), bytes });
    };
    const indirect = async (at: number, rows: number, depth: number): Promise<void> => {
      if (depth > MAX_DEPTH || rows > 64) throw corrupt('a runaway fractal heap');
      const entries = rows * width;
      const size = 5 + 8 + offsetBytes + entries * 8 + 4;
      const view = checkBlock(
        (await read(at, size)).slice(),
        'FHIB',
        'a fractal heap indirect block',
      );
      for (let e = 0; e < entries; e++) {
        const child = u64(view, 5 + 8 + offsetBytes + e * 8);
        if (child === UNDEF) continue;
        const row = Math.floor(e / width);
        const blockSize = rowSize(row);
        if (row < directRows) await direct(child, blockSize);
        else await indirect(child, Math.log2(blockSize / (start * width)) + 1, depth + 1);
      }
    };
    if (rootAddress !== UNDEF) {
      if (rootRows === 0) await direct(rootAddress, start);
      else await indirect(rootAddress, rootRows, 0);
    }
    heap.blocks.sort((a, b) => a.offset - b.offset);
    return heap;
  }

  /** The object a heap ID names. */
  object(id: Uint8Array): Uint8Array {
    if (id.length !== this.idLength) throw corrupt('a heap ID of the wrong length');
    const kind = (id[0]! >> 4) & 3;
    if (kind === 2) {
      const extended = this.idLength > 18;
      const length = (extended ? ((id[0]! & 0x0f) << 8) | id[1]! : id[0]! & 0x0f) + 1;
      const at = extended ? 2 : 1;
      if (at + length > id.length) throw corrupt('a tiny heap object past its ID');
      return id.subarray(at, at + length);
    }
    if (kind !== 0) throw new NotNative('huge fractal heap objects');
    const offset = uint(id, 1, this.offsetBytes);
    const length = uint(id, 1 + this.offsetBytes, this.lengthBytes);
    let lo = 0;
    let hi = this.blocks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.blocks[mid]!.offset <= offset) lo = mid;
      else hi = mid - 1;
    }
    const block = this.blocks[lo];
    const at = block ? offset - block.offset : -1;
    if (!block || at < 0 || at + length > block.bytes.length) {
      throw corrupt(`heap object ${offset}+${length} outside the heap`);
    }
    return block.bytes.subarray(at, at + length);
  }
}

/**
 * The link messages of a group with dense link storage: the fractal heap at `heap`, its name
 * index (a version 2 B-tree of type 5) at `nameIndex`.
 */
export async function denseLinks(
  read: ReadAt,
  heap: number,
  nameIndex: number,
): Promise<Uint8Array[]> {
  const fractal = await FractalHeap.open(read, heap);
  const records = await v2Records(read, nameIndex);
  return records.map((r) => fractal.object(r.subarray(4)));
}
