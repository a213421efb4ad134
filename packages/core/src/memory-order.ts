/**
 * Byte-level layout fixes every codec needs on read: byte swapping (big-endian input) and
 * Fortran-to-C order transposition. Both work on raw bytes, element size given.
 */

/** Reverses the byte order of each `width`-byte word in place (width 2, 4, 8; no-op for 1). */
export function swapBytesInPlace(bytes: Uint8Array, width: number): void {
  if (width <= 1) return;
  for (let i = 0; i + width <= bytes.length; i += width) {
    for (let a = i, b = i + width - 1; a < b; a++, b--) {
      const t = bytes[a]!;
      bytes[a] = bytes[b]!;
      bytes[b] = t;
    }
  }
}

/**
 * Returns the C-order bytes of an array stored in Fortran (column-major) order.
 * `shape` is the logical shape; `itemSize` the bytes per element. Always returns a new buffer.
 */
export function fortranToC(
  bytes: Uint8Array,
  shape: readonly number[],
  itemSize: number,
): Uint8Array {
  const out = new Uint8Array(bytes.length);
  const ndim = shape.length;
  if (ndim <= 1) {
    out.set(bytes);
    return out;
  }
  // Strides (in elements) of the Fortran source for each axis.
  const fStride: number[] = new Array(ndim);
  let s = 1;
  for (let d = 0; d < ndim; d++) {
    fStride[d] = s;
    s *= shape[d]!;
  }
  const total = s;
  if (total === 0) return out;
  const copy = elementCopier(bytes, out, itemSize);
  const index = new Array<number>(ndim).fill(0);
  let src = 0;
  for (let dst = 0; dst < total; dst++) {
    copy(dst, src);
    // advance the C-order index (last axis fastest) and the Fortran source offset with it
    for (let d = ndim - 1; d >= 0; d--) {
      index[d]!++;
      src += fStride[d]!;
      if (index[d]! < shape[d]!) break;
      src -= fStride[d]! * shape[d]!;
      index[d] = 0;
    }
  }
  return out;
}

type Copier = (dst: number, src: number) => void;

/** An element copier using the widest typed-array word that divides `itemSize`. */
function elementCopier(from: Uint8Array, to: Uint8Array, itemSize: number): Copier {
  // Integer words only: copying through a Float64Array could canonicalise NaN payloads.
  if (itemSize % 4 === 0 && from.byteOffset % 4 === 0) {
    const a = new Uint32Array(from.buffer, from.byteOffset, from.byteLength / 4);
    const b = new Uint32Array(to.buffer, to.byteOffset, to.byteLength / 4);
    const words = itemSize / 4;
    if (words === 1)
      return (dst, src) => {
        b[dst] = a[src]!;
      };
    if (words === 2)
      return (dst, src) => {
        b[2 * dst] = a[2 * src]!;
        b[2 * dst + 1] = a[2 * src + 1]!;
      };
    return (dst, src) => b.set(a.subarray(src * words, src * words + words), dst * words);
  }
  if (itemSize === 2 && from.byteOffset % 2 === 0) {
    const a = new Uint16Array(from.buffer, from.byteOffset, from.byteLength / 2);
    const b = new Uint16Array(to.buffer, to.byteOffset, to.byteLength / 2);
    return (dst, src) => {
      b[dst] = a[src]!;
    };
  }
  if (itemSize === 1)
    return (dst, src) => {
      to[dst] = from[src]!;
    };
  return (dst, src) =>
    to.set(from.subarray(src * itemSize, src * itemSize + itemSize), dst * itemSize);
}
