import type { ByteSource } from './byte-source.js';
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
}

/** One difference between two files. */
export interface Difference {
  key: string;
  kind: 'only-in-a' | 'only-in-b' | 'type' | 'value';
  detail: string;
}

/**
 * Compares two files of any registered formats key by key: which keys each has, dtypes and
 * shapes, and values (NaN equals NaN; floats within `atol + rtol * |b|`). Returns the
 * differences, empty when the files hold the same states.
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
      const la = await ra.list();
      const lb = new Set((await rb.list()).map((i) => i.key));
      const keysA = new Set(la.map((i) => i.key));
      const out: Difference[] = [];
      for (const i of la)
        if (!lb.has(i.key))
          out.push({ key: i.key, kind: 'only-in-a', detail: `only in ${a.name}` });
      for (const k of lb)
        if (!keysA.has(k)) out.push({ key: k, kind: 'only-in-b', detail: `only in ${b.name}` });
      const common = la.filter((i) => lb.has(i.key)).map((i) => i.key);
      // A streams in its file order; B is read key by key through its reader's index
      // (Reader.read's contract), so the whole comparison is linear in the number of keys.
      for await (const e of ra.read(common)) {
        for await (const f of rb.read([e.key])) {
          const d = compareLeaves(e.value, f.value, options);
          if (d) out.push({ key: e.key, ...d });
        }
      }
      return out;
    } finally {
      await rb.close();
    }
  } finally {
    await ra.close();
  }
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

/** Byte equality, four bytes at a time where both views allow it (no BigInt boxing). */
function equalBytes(x: Uint8Array, y: Uint8Array): boolean {
  const n = x.byteLength;
  if (n !== y.byteLength) return false;
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
