/**
 * @statekit/core: the format-agnostic model of state checkpoints, for users: arrays, entries
 * and containers, sources and sinks, the codec registry, `convert`, `diff`, `saveStates` and
 * `loadStates`. Isomorphic: nothing here touches the file system (files on disk are in
 * `@statekit/core/node`). Codec authors' tools are in `@statekit/core/codec`.
 */
export { type ByteSink, type MemorySink, memorySink } from './byte-sink.js';
export {
  type ByteSource,
  blobSource,
  bytesSource,
  type SourceLike,
  toSource,
} from './byte-source.js';
export type {
  Codec,
  CodecDescriptor,
  CodecReadOptions,
  CodecWriteOptions,
  Reader,
  ReadOptions,
  WriteOptions,
} from './codec.js';
export {
  CONTAINER_KINDS,
  type Container,
  type ContainerKind,
  type WritePlan,
} from './container.js';
export {
  brainpyLegacyKey,
  CONVERT_STREAM_ABOVE,
  type ConvertOptions,
  type ConvertResult,
  convert,
  flattenPath,
  nestSlashes,
  type Rename,
  UnsupportedEntriesError,
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
export {
  type Attrs,
  type Entry,
  type EntryInfo,
  entry,
  type Hints,
  keyOf,
  type PathPart,
} from './entry.js';
export {
  type ErrorContext,
  type ErrorTag,
  isStatekitError,
  StatekitError,
} from './errors.js';
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
export { Complex, isLeaf, type Leaf, type LeafKind, leafKind, SparseMatrix } from './leaf.js';
export { DEFAULT_LIMITS, type Limits } from './limits.js';
export {
  type LoadStatesOptions,
  type LoadStatesResult,
  type Logger,
  loadStates,
  type Mismatch,
  type MismatchMode,
} from './load-states.js';
export {
  bytesArray,
  elementCount,
  formatShape,
  isNdArray,
  type NdArray,
  ndarray,
  numpyScalar,
  strArray,
  strings,
} from './ndarray.js';
export { openSource } from './open.js';
export {
  codecForExtension,
  detectFormat,
  registerCodec,
  registeredCodecs,
  unregisterCodec,
} from './registry.js';
export { type SaveStatesOptions, saveStates, statesOf } from './save-states.js';
export { arraySha256 } from './sha256.js';
export {
  containerKey,
  flattenTree,
  fromTree,
  type StateDict,
  stateDict,
  type Tree,
  type TreeNode,
  unflatten,
} from './state-dict.js';
export { SLICE_BYTES, StreamedArray } from './streamed-array.js';
export type { Target } from './target.js';
export { TrainVar, Variable } from './variable.js';
export { type LossProblem, LossyConversionError, lossCount } from './write-checked.js';
