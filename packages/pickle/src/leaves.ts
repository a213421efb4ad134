/**
 * A tree leaf as statekit's entry: numpy arrays and scalars become `NdArray`s (views into the
 * pickle where byte order and alignment allow), PyTorch tensors `NdArray`s of their storage's
 * elements, Python scalars the matching leaf type.
 */
import {
  Complex,
  DTYPES,
  type EntryInfo,
  elementCount,
  keyOf,
  type Leaf,
  leafKind,
  type NdArray,
  numpyScalar,
  StatekitError,
} from '@statekit/core';
import { numpyArrayOf, scalarByteLength } from '@statekit/core/codec';
import { isBytearray, NumpyArray, type PyValue, TorchTensor } from './model.js';
import { resolvedOf, typeOf } from './numpy.js';
import { PICKLE_HINT, type TreeLeaf } from './tree.js';

/** What `list()` says of a leaf, without decoding array data. */
export function infoOfLeaf(leaf: TreeLeaf): EntryInfo {
  const { path, value } = leaf;
  const key = keyOf(path);
  const problem = leaf.problem ?? (value instanceof NumpyArray ? arrayProblem(value) : undefined);
  if (problem !== undefined)
    return { key, path, kind: 'unsupported', dtype: 'none', shape: [], byteLength: 0, problem };
  if (value instanceof NumpyArray) {
    const { dtype } = resolvedOf(value.dtype!);
    return {
      key,
      path,
      kind: 'array',
      dtype,
      shape: value.shape,
      byteLength: value.data!.byteLength,
      ...(value.scalar ? { numpyScalar: true } : {}),
      ...hintsOf(leaf),
    };
  }
  if (value instanceof TorchTensor) {
    const { dtype } = value.storage;
    const byteLength = elementCount(value.shape) * DTYPES[dtype].itemSize;
    return { key, path, kind: 'array', dtype, shape: value.shape, byteLength, ...hintsOf(leaf) };
  }
  const scalar = scalarOf(value);
  return {
    key,
    path,
    kind: 'scalar',
    dtype: leafKind(scalar) as EntryInfo['dtype'],
    shape: [],
    byteLength: scalarByteLength(scalar),
    ...hintsOf(leaf),
  };
}

/** A bytearray is listed and read as bytes, with a hint so pkl -> pkl writes a bytearray. */
export function hintsOf(leaf: TreeLeaf): { hints?: { [PICKLE_HINT]: 'bytearray' | 'root' } } {
  if (leaf.root) return { hints: { [PICKLE_HINT]: 'root' } };
  return isBytearray(leaf.value) ? { hints: { [PICKLE_HINT]: 'bytearray' } } : {};
}

/** Why a numpy value is not read (object or structured dtype), or a corrupt one refused. */
function arrayProblem(array: NumpyArray): string | undefined {
  if (array.pending)
    throw new StatekitError(
      'corrupt',
      'pickle: a numpy array was never given its state (no BUILD)',
    );
  return array.problem;
}

/** Reads a tensor's elements from its file (PyTorch: the storage's ZIP member). */
export type TensorLoader = (tensor: TorchTensor) => Promise<NdArray>;

/**
 * The leaf value of `leaf`. `arrays` caches decoded arrays, so an array or tensor the pickle
 * shares between two paths (its memo) comes out as one object at both.
 */
export async function valueOfLeaf(
  leaf: TreeLeaf,
  arrays: Map<object, NdArray>,
  loadTensor?: TensorLoader,
): Promise<Leaf> {
  const { value } = leaf;
  const problem = leaf.problem ?? (value instanceof NumpyArray ? arrayProblem(value) : undefined);
  if (problem !== undefined) throw new StatekitError('unsupported', problem);
  if (!(value instanceof NumpyArray || value instanceof TorchTensor)) return scalarOf(value);
  let array = arrays.get(value);
  if (!array) {
    array = value instanceof TorchTensor ? await tensorOf(value, loadTensor) : numpyOf(value);
    arrays.set(value, array);
  }
  return array;
}

function numpyOf(value: NumpyArray): NdArray {
  const decoded = numpyArrayOf(
    resolvedOf(value.dtype!),
    value.shape,
    value.fortranOrder,
    value.data!,
  );
  return value.scalar ? numpyScalar(decoded) : decoded;
}

async function tensorOf(
  value: TorchTensor,
  loadTensor: TensorLoader | undefined,
): Promise<NdArray> {
  if (!loadTensor)
    throw new StatekitError('unsupported', 'pickle: a PyTorch tensor outside a torch.save file');
  return loadTensor(value);
}

/** A Python scalar as a leaf. */
function scalarOf(value: PyValue): Leaf {
  if (
    value === null ||
    typeof value === 'boolean' ||
    typeof value === 'bigint' ||
    typeof value === 'number' ||
    typeof value === 'string' ||
    value instanceof Uint8Array ||
    value instanceof Complex
  )
    return value;
  throw new StatekitError('unsupported', `pickle: a ${typeOf(value)} is not a state value`);
}
