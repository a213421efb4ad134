import { aliasNames, isAliasList } from './brainpy-aliases.js';
import type { ByteSource } from './byte-source.js';
import type { Rename } from './convert.js';
import { type EntryInfo, keyOf, type PathPart } from './entry.js';
import { StatekitError } from './errors.js';
import { bfloat16BitsToNumber, float16BitsToNumber } from './half.js';
import { type Leaf, leafKind, SparseMatrix } from './leaf.js';
import { describeLeaf } from './load-states.js';
import { bytesOf, elementCount, isNdArray, type NdArray } from './ndarray.js';
import { openSource } from './open.js';
import { StreamedArray } from './streamed-array.js';

export interface DiffOptions {
  /** Relative tolerance for float and complex values (default 0: exact). */
  rtol?: number;
  /** Absolute tolerance for float and complex values (default 0: exact). */
  atol?: number;
  /** Renames both files' paths before they are matched (e.g. {@link brainpyLegacyKey}). */
  rename?: Rename;
  /** Called after each compared entry with the bytes of A's arrays compared and their total. */
  onProgress?: (done: number, total: number) => void;
}

/** One difference between two files. */
export interface Difference {
  /** The key, or the `/`-joined path where two entries of a file share the key. */
  key: string;
  kind: 'only-in-a' | 'only-in-b' | 'type' | 'value';
  detail: string;
}

/** An entry of one side: its stored key (to read it by), its matching name and path. */
interface Side {
  readonly stored: string;
  readonly path: readonly PathPart[];
  readonly name: string;
  /** Why the reader cannot read it (an `unsupported` entry): it is not compared. */
  readonly problem: string | undefined;
}

/**
 * Compares two files of any registered formats key by key: which keys each has, dtypes and
 * shapes, and values (NaN equals NaN; floats within `atol + rtol * |b|`). Entries are matched
 * by key; where a file has two entries of one key (HDF5's root dataset `E.V` and group dataset
 * `E/V`), by path, named `E/V`. A `.npy` file's one array is keyed by the file's name, so two
 * one-array files of which one is `.npy` compare their arrays whatever the names. BrainPy's
 * alias lists compare by the names they hold, in either form. An entry either reader lists as
 * `unsupported` is reported (`not compared: why`), not read. Returns the differences, empty
 * when the files hold the same states.
 */
export async function diff(
  a: ByteSource,
  b: ByteSource,
  options: DiffOptions = {},
): Promise<Difference[]> {
  const ra = await openSource(a);
  try {
    const rb = await openSource(b);
    try {
      const [la, lb] = [await ra.list(), await rb.list()];
      const anonymous =
        (ra.format === 'npy' || rb.format === 'npy') && la.length === 1 && lb.length === 1;
      const sa = sides(la, undefined, options.rename);
      const sb = sides(lb, anonymous ? () => la[0]!.path : undefined, options.rename);
      const byName = new Map(sb.map((s) => [s.name, s]));
      const names = new Set(sa.map((s) => s.name));
      const out: Difference[] = [];
      for (const s of sa)
        if (!byName.has(s.name))
          out.push({ key: s.name, kind: 'only-in-a', detail: `only in ${a.name}` });
      for (const s of sb)
        if (!names.has(s.name))
          out.push({ key: s.name, kind: 'only-in-b', detail: `only in ${b.name}` });
      const shared = sa.filter((s) => byName.has(s.name));
      for (const s of shared) {
        const problem = s.problem ?? byName.get(s.name)!.problem;
        if (problem !== undefined)
          out.push({ key: s.name, kind: 'type', detail: `not compared: ${problem}` });
      }
      const readable = shared.filter((s) => !s.problem && !byName.get(s.name)!.problem);
      const common = new Map(readable.map((s) => [entryId(s.stored, s.path), s]));
      const wanted = new Set([...common.values()].map((s) => s.stored));
      const sizes = new Map(la.map((i) => [entryId(i.key, i.path), i.byteLength]));
      const total = [...common.keys()].reduce((n, id) => n + (sizes.get(id) ?? 0), 0);
      let done = 0;
      // A streams in its file order; B is read key by key through its reader's index
      // (Reader.read's contract), so the whole comparison is linear in the number of keys.
      for await (const e of ra.read([...wanted])) {
        const mine = common.get(entryId(e.key, e.path));
        if (!mine) continue; // the other entry of a shared key, only in A
        const theirs = byName.get(mine.name)!;
        for await (const f of rb.read([theirs.stored])) {
          if (!samePath(f.path, theirs.path)) continue; // the other entry of a shared key
          const d = isAliasList(mine.path)
            ? compareAliasLists(e.value, f.value)
            : compareLeaves(e.value, f.value, options);
          if (d) out.push({ key: mine.name, ...d });
        }
        done += sizes.get(entryId(e.key, e.path)) ?? 0;
        options.onProgress?.(done, total);
      }
      return out;
    } finally {
      await rb.close();
    }
  } finally {
    await ra.close();
  }
}

/**
 * Each entry's matching name: its (renamed) key, or its `/`-joined path where another entry
 * of the file has the same key. `pathOf` overrides the stored path (a `.npy` file's array).
 */
function sides(infos: readonly EntryInfo[], pathOf?: Rename, rename?: Rename): Side[] {
  const paths = infos.map((i) => {
    const p = pathOf ? pathOf(i.path) : i.path;
    return rename ? rename(p) : p;
  });
  const count = new Map<string, number>();
  for (const p of paths) count.set(keyOf(p), (count.get(keyOf(p)) ?? 0) + 1);
  return infos.map((i, n) => {
    const key = keyOf(paths[n]!);
    const name = count.get(key)! > 1 ? paths[n]!.join('/') : key;
    return { stored: i.key, path: i.path, name, problem: i.problem };
  });
}

function entryId(key: string, path: readonly PathPart[]): string {
  return JSON.stringify([key, path]);
}

function samePath(x: readonly PathPart[], y: readonly PathPart[]): boolean {
  return x.length === y.length && x.every((p, i) => p === y[i]);
}

/** BrainPy's alias lists are the same when they name the same keys (h5 `+`-joined, npz `<U`). */
function compareAliasLists(a: Leaf, b: Leaf): { kind: 'value'; detail: string } | undefined {
  const [x, y] = [aliasNames(a), aliasNames(b)];
  if (x.length === y.length && x.every((n, i) => n === y[i])) return undefined;
  return { kind: 'value', detail: `names ${x.join('+')} vs ${y.join('+')}` };
}

/** Compares two leaves; undefined when equal within the tolerances. */
export function compareLeaves(
  a: Leaf,
  b: Leaf,
  options: DiffOptions = {},
): { kind: 'type' | 'value'; detail: string } | undefined {
  const ta = describeLeaf(a);
  const tb = describeLeaf(b);
  if (ta !== tb) return { kind: 'type', detail: `${ta} vs ${tb}` };
  if (a instanceof StreamedArray || b instanceof StreamedArray) {
    throw new StatekitError('unsupported', 'arrays read in slices are compared after load()');
  }
  if (isNdArray(a) && isNdArray(b)) return compareArrays(a, b, options);
  if (a instanceof SparseMatrix && b instanceof SparseMatrix) return compareSparse(a, b, options);
  const kind = leafKind(a);
  const same =
    kind === 'float'
      ? closeEnough(a as number, b as number, options)
      : kind === 'bytes'
        ? equalBytes(a as Uint8Array, b as Uint8Array)
        : kind === 'complex'
          ? closeEnough((a as { re: number }).re, (b as { re: number }).re, options) &&
            closeEnough((a as { im: number }).im, (b as { im: number }).im, options)
          : a === b;
  return same ? undefined : { kind: 'value', detail: `${String(a)} vs ${String(b)}` };
}

function closeEnough(x: number, y: number, { rtol = 0, atol = 0 }: DiffOptions): boolean {
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) && Number.isNaN(y);
  if (x === y) return true;
  return Math.abs(x - y) <= atol + rtol * Math.abs(y);
}

/** Node's native byte comparison, where there is one (browsers use the loop below). */
const nodeBuffer = (globalThis as { Buffer?: { compare(a: Uint8Array, b: Uint8Array): number } })
  .Buffer;

/** Byte equality: Node's `Buffer.compare` (memcmp), else four bytes at a time where aligned. */
function equalBytes(x: Uint8Array, y: Uint8Array): boolean {
  const n = x.byteLength;
  if (n !== y.byteLength) return false;
  if (nodeBuffer) return nodeBuffer.compare(x, y) === 0;
  let i = 0;
  if (x.byteOffset % 4 === y.byteOffset % 4) {
    for (; i < n && (x.byteOffset + i) % 4 !== 0; i++) if (x[i] !== y[i]) return false;
    const words = Math.floor((n - i) / 4);
    if (words > 0) {
      const wx = new Uint32Array(x.buffer, x.byteOffset + i, words);
      const wy = new Uint32Array(y.buffer, y.byteOffset + i, words);
      for (let w = 0; w < words; w++) if (wx[w] !== wy[w]) return false;
      i += words * 4;
    }
  }
  for (; i < n; i++) if (x[i] !== y[i]) return false;
  return true;
}

/** Sparse matrices are equal when they store the same entries at the same places. */
function compareSparse(
  a: SparseMatrix,
  b: SparseMatrix,
  options: DiffOptions,
): { kind: 'value'; detail: string } | undefined {
  const sameLayout =
    a.rowIndex.data.length === b.rowIndex.data.length &&
    a.colStart.data.length === b.colStart.data.length &&
    Array.from(a.rowIndex.data, Number).every((r, i) => r === Number(b.rowIndex.data[i])) &&
    Array.from(a.colStart.data, Number).every((c, i) => c === Number(b.colStart.data[i]));
  if (!sameLayout) return { kind: 'value', detail: 'nonzero positions differ' };
  return compareArrays(a.values, b.values, options);
}

function compareArrays(
  a: NdArray,
  b: NdArray,
  options: DiffOptions,
): { kind: 'value'; detail: string } | undefined {
  const n = elementCount(a.shape);
  const exact = (options.rtol ?? 0) === 0 && (options.atol ?? 0) === 0;
  const kind = a.dtype === 'str' || a.dtype === 'bytes' ? 'text' : a.dtype;
  if (kind === 'text' || a.dtype === 'bool' || a.dtype.includes('int')) {
    if (a.itemSize === b.itemSize && equalBytes(bytesOf(a), bytesOf(b))) return undefined;
    if (kind === 'text' || a.itemSize !== b.itemSize)
      return { kind: 'value', detail: 'values differ' };
    let count = 0;
    for (let i = 0; i < n; i++) if (a.data[i] !== b.data[i]) count++;
    return { kind: 'value', detail: `${count} of ${n} elements differ` };
  }
  if (exact && equalBytes(bytesOf(a), bytesOf(b))) return undefined;
  const decode = (arr: NdArray, i: number): number =>
    arr.dtype === 'float16'
      ? float16BitsToNumber(arr.data[i] as number)
      : arr.dtype === 'bfloat16'
        ? bfloat16BitsToNumber(arr.data[i] as number)
        : (arr.data[i] as number);
  let count = 0;
  let maxAbs = 0;
  const lanes = a.data.length;
  for (let i = 0; i < lanes; i++) {
    const x = decode(a, i);
    const y = decode(b, i);
    if (!closeEnough(x, y, options)) {
      count++;
      if (Number.isFinite(x - y)) maxAbs = Math.max(maxAbs, Math.abs(x - y));
    }
  }
  if (count === 0) return undefined;
  const unit = lanes === n ? 'elements' : 'real/imaginary parts';
  return {
    kind: 'value',
    detail: `${count} of ${lanes} ${unit} differ (max abs difference ${maxAbs})`,
  };
}
