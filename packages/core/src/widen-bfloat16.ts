import { bfloat16ToFloat32 } from './half.js';
import { type NdArray, ndarray } from './ndarray.js';
import { StreamedArray } from './streamed-array.js';

/**
 * A bfloat16 array as float32 (exact: bfloat16 is float32's top 16 bits), for formats whose
 * readers have no bfloat16 (numpy without ml_dtypes: npz, pickle); a streamed one is widened
 * slice by slice. A numpy scalar stays one. Other dtypes pass through.
 */
export function widenBfloat16<A extends NdArray | StreamedArray>(
  value: A,
): NdArray | StreamedArray {
  if (value.dtype !== 'bfloat16') return value;
  if (value instanceof StreamedArray) {
    return new StreamedArray('float32', value.shape, 4, async function* () {
      for await (const slice of value.slices()) {
        const aligned = slice.byteOffset % 2 ? slice.slice() : slice;
        const bits = new Uint16Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 2);
        const wide = bfloat16ToFloat32(bits);
        yield new Uint8Array(wide.buffer, wide.byteOffset, wide.byteLength);
      }
    });
  }
  const array = value as NdArray;
  const wide = ndarray('float32', array.shape, bfloat16ToFloat32(array.data as Uint16Array));
  return array.scalar ? { ...wide, scalar: true } : wide;
}
