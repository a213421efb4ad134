/**
 * @statekit/core: the format-agnostic model of state checkpoints. Isomorphic: nothing here
 * touches the file system; Node file access lives in `@statekit/core/node`.
 */
export { type ByteSink, type MemorySink, memorySink } from './byte-sink.js';
export {
  type ByteSource,
  blobSource,
  bytesSource,
  checkRange,
  type SourceLike,
  toSource,
} from './byte-source.js';
export type {
  Codec,
  CodecDescriptor,
  GroupInfo,
  Reader,
  ReadOptions,
  WriteOptions,
} from './codec.js';
export { concatBytes } from './concat-bytes.js';
export {
  brainpyLegacyKey,
  type ConvertOptions,
  type ConvertResult,
  convert,
} from './convert.js';
export { compareLeaves, type Difference, type DiffOptions, diff } from './diff.js';
export {
  type AnyTypedArray,
  DTYPE_NAMES,
  DTYPES,
  type DType,
  type DTypeInfo,
  isDType,
  type TypedArrayOf,
} from './dtype.js';
export { type Attrs, type Entry, type EntryInfo, entry, keyOf } from './entry.js';
export { infoOf } from './entry-info.js';
export {
  type ErrorContext,
  type ErrorTag,
  isStatekitError,
  StatekitError,
  withContext,
} from './errors.js';
export { yieldToEventLoop } from './event-loop.js';
export {
  bfloat16BitsToNumber,
  bfloat16ToFloat32,
  float16BitsToNumber,
  float16ToFloat32,
  float32ToBfloat16,
  float32ToFloat16,
  numberToBfloat16Bits,
  numberToFloat16Bits,
} from './half.js';
export { Complex, isLeaf, type Leaf, type LeafKind, leafKind } from './leaf.js';
export { DEFAULT_LIMITS, type Limits, limitsWith } from './limits.js';
export {
  DUPLICATE_KEYS,
  DUPLICATE_TARGETS,
  describeLeaf,
  type LoadStatesOptions,
  type LoadStatesResult,
  type Logger,
  loadStates,
  type Mismatch,
  type MismatchMode,
} from './load-states.js';
export { fortranToC, swapBytesInPlace } from './memory-order.js';
export {
  bytesArray,
  bytesOf,
  elementCount,
  formatShape,
  isNdArray,
  itemSizeOf,
  type NdArray,
  ndarray,
  strArray,
  strings,
  viewAs,
} from './ndarray.js';
export { openSource } from './open.js';
export { pyList, pyStr } from './python-repr.js';
export {
  codecForExtension,
  detectFormat,
  extensionOf,
  getCodec,
  registerCodec,
  registry,
  SNIFF_BYTES,
} from './registry.js';
export { type SaveStatesOptions, saveStates, statesOf } from './save-states.js';
export { arraySha256, sha256Hex, toHex } from './sha256.js';
export { flattenTree, type StateDict, stateDict, type Tree, unflatten } from './state-dict.js';
export { collectSlots, type Slot, type Target } from './target.js';
export { TrainVar, Variable } from './variable.js';
export { checkLossless, writeChecked } from './write-checked.js';
