/**
 * A tensor's elements out of its storage's bytes: the view `offset`, `shape`, `stride` (in
 * elements, as `torch.Tensor.as_strided`) checked to stay inside the storage, then taken as
 * it is when it is C-contiguous, or gathered into C order (transposes, slices with steps,
 * expanded dimensions) row by row.
 */
import { DTYPES, elementCount, type NdArray, ndarray, StatekitError } from '@statekit/core';
import { swapBytesInPlace, viewAs } from '@statekit/core/codec';
import type { TorchTensor } from './model.js';

/** The element strides of a C-contiguous array of `shape`. */
function cStrides(shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  let step = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    out[i] = step;
    step *= shape[i]!;
  }
  return out;
}

/** Throws `corrupt` when the view reaches outside the storage's `numel` elements. */
export function checkView(tensor: TorchTensor): void {
  const { shape, stride, offset, storage } = tensor;
  if (elementCount(shape) === 0) return;
  const last = shape.reduce((at, d, i) => at + (d - 1) * stride[i]!, offset);
  if (last >= storage.numel)
    throw new StatekitError(
      'corrupt',
      `PyTorch: the tensor (offset ${offset}, size (${shape.join(', ')}), stride (${stride.join(', ')})) reaches element ${last} of a storage of ${storage.numel}`,
    );
}

/**
 * The tensor as an NdArray: a view into `storageBytes` when contiguous and little-endian, else
 * a C-order copy (byte-swapped from a big-endian file).
 */
export function tensorArray(
  tensor: TorchTensor,
  storageBytes: Uint8Array,
  bigEndian: boolean,
): NdArray {
  checkView(tensor);
  const { dtype } = tensor.storage;
  const item = DTYPES[dtype].itemSize;
  const { shape, stride, offset } = tensor;
  const n = elementCount(shape);
  const contiguous = cStrides(shape).every((s, i) => shape[i] === 1 || s === stride[i]);
  let bytes: Uint8Array;
  if (contiguous) bytes = storageBytes.subarray(offset * item, (offset + n) * item);
  else bytes = gather(tensor, storageBytes, item);
  if (bigEndian) {
    if (contiguous) bytes = bytes.slice();
    swapBytesInPlace(bytes, item / DTYPES[dtype].lanes);
  }
  return ndarray(dtype, shape, viewAs(dtype, bytes), item);
}

/** C-order copy of a strided view: each innermost row copied at once when its stride is 1. */
function gather(tensor: TorchTensor, source: Uint8Array, item: number): Uint8Array {
  const { shape, stride, offset } = tensor;
  const rank = shape.length;
  const out = new Uint8Array(elementCount(shape) * item);
  const inner = shape[rank - 1]!;
  const innerStride = stride[rank - 1]!;
  const rows = out.byteLength / (inner * item);
  const index = new Array<number>(rank - 1).fill(0);
  let at = 0;
  for (let r = 0; r < rows; r++) {
    let start = offset;
    for (let d = 0; d < rank - 1; d++) start += index[d]! * stride[d]!;
    if (innerStride === 1) {
      out.set(source.subarray(start * item, (start + inner) * item), at);
      at += inner * item;
    } else {
      for (let k = 0; k < inner; k++, at += item) {
        const from = (start + k * innerStride) * item;
        out.set(source.subarray(from, from + item), at);
      }
    }
    for (let d = rank - 2; d >= 0; d--) {
      if (++index[d]! < shape[d]!) break;
      index[d] = 0;
    }
  }
  return out;
}
