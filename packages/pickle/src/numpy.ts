/**
 * numpy's pickle forms, rebuilt as data (numpy/core/_methods and `ndarray.__reduce_ex__`):
 * protocols 0-4 write `_reconstruct(ndarray, (0,), b'b')` then BUILD with
 * `(version, shape, dtype, is_fortran, raw)`; protocol 5 writes
 * `numeric._frombuffer(buffer, dtype, shape, order)`; numpy scalars are
 * `multiarray.scalar(dtype, raw)`; a dtype is `dtype(spec, align, copy)` then BUILD with
 * `(version, byteorder, subarray, names, fields, elsize, alignment, flags[, metadata])`.
 */
import { elementCount, StatekitError } from '@statekit/core';
import { type ResolvedDescr, resolveDescr } from '@statekit/core/codec';
import { NumpyArray, NumpyDtype, PyGlobal, PyTuple, type PyValue } from './model.js';

function corrupt(message: string): StatekitError {
  return new StatekitError('corrupt', `pickle: ${message}`);
}

/** `_reconstruct(ndarray, (0,), b'b')`: an empty array that BUILD fills in. */
export function reconstruct(args: readonly PyValue[]): NumpyArray {
  const [cls] = args;
  if (!(cls instanceof PyGlobal) || cls.qualified !== 'numpy.ndarray') {
    const what = cls instanceof PyGlobal ? cls.qualified : typeOf(cls);
    throw new StatekitError(
      'unsafe',
      `numpy _reconstruct of ${what}: only numpy.ndarray is allowed (subclasses run their own code)`,
    );
  }
  return new NumpyArray(false, true);
}

/** `dtype(spec, align, copy)`: the dtype's kind and size; BUILD gives its byte order. */
export function dtype(args: readonly PyValue[]): NumpyDtype {
  const [spec] = args;
  if (typeof spec !== 'string') throw corrupt(`numpy.dtype of ${typeOf(spec)}, not a string`);
  if (spec.length > 64) throw corrupt('numpy.dtype spec is longer than 64 characters');
  const built = new NumpyDtype(spec);
  built.descr = `=${spec}`;
  return built;
}

/** BUILD on a dtype: byte order, element size (for U, S, V), structure. */
export function setDtypeState(target: NumpyDtype, state: PyValue): void {
  if (!(state instanceof PyTuple) || state.items.length < 8)
    throw corrupt('numpy.dtype BUILD state is not an 8- or 9-tuple');
  const [, order, subarray, names, fields, elsize] = state.items;
  if (typeof order !== 'string' || !['<', '>', '|', '='].includes(order))
    throw corrupt(`numpy.dtype byte order ${String(order)}`);
  if (subarray !== null || names !== null || fields !== null) {
    target.problem = 'structured and subarray numpy dtypes are not supported';
    return;
  }
  const code = /^[A-Za-z?]+/.exec(target.spec)?.[0] ?? '';
  let digits = target.spec.slice(code.length);
  if ((code === 'U' || code === 'S' || code === 'V') && typeof elsize === 'bigint' && elsize > 0n)
    digits = String(code === 'U' ? elsize / 4n : elsize);
  // numpy's native order on the machines that write pickles is little-endian.
  const endian = order === '=' ? '<' : order;
  target.descr = `${endian}${code}${digits}`;
  target.resolved = undefined;
}

/** BUILD on an array from `_reconstruct`: `(version, shape, dtype, is_fortran, raw)`. */
export function setArrayState(target: NumpyArray, state: PyValue): void {
  if (!target.pending) throw corrupt('BUILD on a numpy array that is already built');
  if (!(state instanceof PyTuple) || (state.items.length !== 5 && state.items.length !== 4))
    throw corrupt('numpy array BUILD state is not a 4- or 5-tuple');
  const items = state.items.length === 5 ? state.items.slice(1) : state.items;
  const [shape, type, fortran, raw] = items;
  target.pending = false;
  target.shape = shapeOf(shape);
  if (!(type instanceof NumpyDtype)) throw corrupt(`array dtype is ${typeOf(type)}`);
  if (typeof fortran !== 'boolean' && typeof fortran !== 'bigint')
    throw corrupt('array is_fortran flag is not a bool');
  target.dtype = type;
  target.fortranOrder = fortran === true || fortran === 1n;
  if (typeof raw === 'string') target.data = latin1Bytes(raw);
  else if (raw instanceof Uint8Array) target.data = raw;
  else {
    target.problem = 'an object array (elements are Python objects) is not supported';
    return;
  }
  check(target);
}

/** `_frombuffer(buffer, dtype, shape, order)` (protocol 5). */
export function frombuffer(args: readonly PyValue[]): NumpyArray {
  const [buffer, type, shape, order] = args;
  if (!(buffer instanceof Uint8Array)) throw corrupt(`_frombuffer of ${typeOf(buffer)}`);
  if (!(type instanceof NumpyDtype)) throw corrupt(`_frombuffer dtype is ${typeOf(type)}`);
  if (order !== 'C' && order !== 'F') throw corrupt(`_frombuffer order ${String(order)}`);
  const array = new NumpyArray(false, false);
  array.dtype = type;
  array.shape = shapeOf(shape);
  array.fortranOrder = order === 'F';
  array.data = buffer;
  return check(array);
}

/** `multiarray.scalar(dtype, raw)`: a numpy scalar such as `np.float32(1.5)`. */
export function scalar(args: readonly PyValue[]): NumpyArray {
  const [type, raw] = args;
  if (!(type instanceof NumpyDtype)) throw corrupt(`numpy scalar dtype is ${typeOf(type)}`);
  const array = new NumpyArray(true, false);
  array.dtype = type;
  if (typeof raw === 'string') array.data = latin1Bytes(raw);
  else if (raw instanceof Uint8Array) array.data = raw;
  else {
    array.problem = 'a numpy object scalar is not supported';
    return array;
  }
  return check(array);
}

/** The dtype's descr resolved, cached on it. */
export function resolvedOf(type: NumpyDtype): ResolvedDescr {
  type.resolved ??= resolveDescr(type.descr);
  return type.resolved;
}

/** Resolves the dtype and checks the data holds exactly what the shape needs. */
function check(array: NumpyArray): NumpyArray {
  const type = array.dtype!;
  if (type.problem) {
    array.problem = type.problem;
    return array;
  }
  let itemSize: number;
  try {
    itemSize = resolvedOf(type).itemSize;
  } catch (error) {
    if (!(error instanceof StatekitError) || error.tag !== 'unsupported') throw error;
    array.problem = error.detail;
    return array;
  }
  const need = elementCount(array.shape) * itemSize;
  if (array.data!.byteLength !== need) {
    throw corrupt(
      `a ${type.descr} array of shape (${array.shape.join(', ')}) needs ${need} bytes, its data holds ${array.data!.byteLength}`,
    );
  }
  return array;
}

function shapeOf(value: PyValue | undefined): number[] {
  if (!(value instanceof PyTuple)) throw corrupt(`array shape is ${typeOf(value)}, not a tuple`);
  return value.items.map((d) => {
    if (typeof d !== 'bigint' || d < 0n || d > BigInt(Number.MAX_SAFE_INTEGER))
      throw corrupt(`array dimension ${String(d)}`);
    return Number(d);
  });
}

/** Python 2 / protocol 0-2 `str` payloads: one byte per character (numpy's latin1 rule). */
export function latin1Bytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff) throw corrupt('a latin1 payload holds a character above U+00FF');
    out[i] = c;
  }
  return out;
}

/** A short name for a value's Python type, for messages. */
export function typeOf(value: PyValue | undefined): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'None';
  if (typeof value !== 'object') return typeof value === 'bigint' ? 'int' : typeof value;
  if (value instanceof Uint8Array) return 'bytes';
  if (value instanceof PyGlobal) return value.qualified;
  return value.constructor.name;
}
