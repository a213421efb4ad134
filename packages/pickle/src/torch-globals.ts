/**
 * What a `torch.save` pickle may name beyond plain pickles, exactly what
 * `torch.load(weights_only=True)` allows for tensors (torch/_weights_only_unpickler.py): the
 * `_rebuild_tensor(_v2)` and `_rebuild_parameter` functions, storage classes inside persistent
 * ids, `torch.Size`. Quantized, sparse and meta tensors, and every other torch global, are
 * refused like any global outside the allowlist.
 */
import { type DType, StatekitError } from '@statekit/core';
import type { Reconstructor } from './allowlist.js';
import { PyGlobal, PyTuple, type PyValue, TorchStorage, TorchTensor } from './model.js';
import { typeOf } from './numpy.js';

/** Storage classes by name (`torch.FloatStorage`), as the dtype of their elements. */
const STORAGE_DTYPES: Readonly<Record<string, DType>> = {
  FloatStorage: 'float32',
  DoubleStorage: 'float64',
  HalfStorage: 'float16',
  BFloat16Storage: 'bfloat16',
  LongStorage: 'int64',
  IntStorage: 'int32',
  ShortStorage: 'int16',
  CharStorage: 'int8',
  ByteStorage: 'uint8',
  BoolStorage: 'bool',
  ComplexFloatStorage: 'complex64',
  ComplexDoubleStorage: 'complex128',
};

function corrupt(message: string): StatekitError {
  return new StatekitError('corrupt', `PyTorch: ${message}`);
}

/** A non-negative integer argument (an offset, a size, a stride). */
function count(value: PyValue | undefined, what: string): number {
  if (typeof value !== 'bigint' || value < 0n || value > BigInt(Number.MAX_SAFE_INTEGER))
    throw corrupt(
      `${what} is ${typeof value === 'bigint' ? String(value) : typeOf(value)}, not a count`,
    );
  return Number(value);
}

function counts(value: PyValue | undefined, what: string): number[] {
  if (!(value instanceof PyTuple)) throw corrupt(`${what} is ${typeOf(value)}, not a tuple`);
  return value.items.map((v) => count(v, what));
}

/** `_rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks[, metadata])`. */
const rebuildTensor: Reconstructor = (args) => {
  const [storage, offset, size, stride] = args;
  if (!(storage instanceof TorchStorage)) throw corrupt(`a tensor's storage is ${typeOf(storage)}`);
  const shape = counts(size, 'a tensor size');
  const strides = counts(stride, 'a tensor stride');
  if (shape.length !== strides.length)
    throw corrupt(`a tensor of ${shape.length} dimensions has ${strides.length} strides`);
  return new TorchTensor(storage, count(offset, 'a storage offset'), shape, strides);
};

/** `_rebuild_parameter(data, requires_grad, hooks[, state])`: a Parameter is its tensor. */
const rebuildParameter: Reconstructor = (args) => {
  const [data] = args;
  if (!(data instanceof TorchTensor))
    throw corrupt(`a Parameter holds ${typeOf(data)}, not a tensor`);
  return data;
};

/** `torch.Size((3, 4))`: a tuple of ints. */
const size: Reconstructor = (args) => {
  const [dims] = args;
  return new PyTuple(counts(dims, 'a torch.Size').map(BigInt));
};

const storageClass: Reconstructor = () => {
  throw new StatekitError(
    'unsafe',
    'PyTorch: a storage class is only named in persistent ids, never called',
  );
};

/** The globals a `torch.save` pickle may name, beside the plain allowlist. */
export const TORCH_GLOBALS: ReadonlyMap<string, Reconstructor> = new Map<string, Reconstructor>([
  ['torch._utils._rebuild_tensor_v2', rebuildTensor],
  ['torch._utils._rebuild_tensor', rebuildTensor],
  ['torch._utils._rebuild_parameter', rebuildParameter],
  ['torch._utils._rebuild_parameter_with_state', rebuildParameter],
  ['torch.Size', size],
  ...Object.keys(STORAGE_DTYPES).map((name): [string, Reconstructor] => [
    `torch.${name}`,
    storageClass,
  ]),
]);

/**
 * Resolves persistent ids `('storage', torch.FloatStorage, key, location, numel)` to one
 * {@link TorchStorage} per key, so tensors sharing a storage share its bytes.
 */
export function storageLoader(): (id: PyValue) => PyValue {
  const storages = new Map<string, TorchStorage>();
  const load = (id: PyValue): PyValue => {
    if (!(id instanceof PyTuple) || id.items.length !== 5 || id.items[0] !== 'storage')
      throw corrupt(`a persistent id is not ('storage', type, key, location, numel)`);
    const [, type, key, , numel] = id.items;
    if (!(type instanceof PyGlobal) || typeof key !== 'string')
      throw corrupt('a storage id names no storage class or key');
    const dtype = STORAGE_DTYPES[type.name];
    if (!dtype)
      throw new StatekitError(
        'unsupported',
        `PyTorch: ${type.qualified} tensors (quantized) are not supported`,
      );
    const storage = new TorchStorage(dtype, key, count(numel, 'a storage size'));
    const known = storages.get(key);
    if (known && (known.dtype !== dtype || known.numel !== storage.numel))
      throw corrupt(`storage ${key} is named as two different storages`);
    if (!known) storages.set(key, storage);
    return known ?? storage;
  };
  return load;
}
