/**
 * @statekit/core/codec: the kit for codec authors (format packages), kept out of the user
 * API. Everything a reader or writer repeats lives here once: key selection and its errors,
 * error context guards, numpy dtype strings, byte order and memory order, limits, the
 * lossiness check and the container plan. See CONTRIBUTING.md, "adding a codec".
 */

export {
  aliasEntry,
  aliasNames,
  type BrainpyAliasForm,
  DUPLICATE_KEYS,
  DUPLICATE_TARGETS,
  isAliasList,
} from './brainpy-aliases.js';
export { ByteArena } from './byte-arena.js';
export { checkRange } from './byte-source.js';
export {
  CONFIDENCE,
  type Codec,
  type CodecDescriptor,
  type CodecReadOptions,
  type CodecWriteOptions,
  type Reader,
  type ReadOptions,
  type WriteOptions,
  type WriteSummary,
} from './codec.js';
export { concatBytes } from './concat-bytes.js';
export {
  type Container,
  type ContainerKind,
  completeContainers,
  SEQUENCE_KINDS,
  type WritePlan,
} from './container.js';
export { unsupportedInfo } from './entry.js';
export { infoOf, scalarByteLength } from './entry-info.js';
export { type EntryContext, guardEntry, withContext } from './errors.js';
export { yieldToEventLoop } from './event-loop.js';
export { KeyIndex } from './key-index.js';
export { checkArrayBytes, type Limits, limitsWith } from './limits.js';
export { describeLeaf } from './load-states.js';
export { fortranToC, swapBytesInPlace } from './memory-order.js';
export { bytesOf, itemSizeOf, viewAs } from './ndarray.js';
export { descrOf, numpyArrayOf, type ResolvedDescr, resolveDescr } from './numpy-descr.js';
export { checkOptions, READ_OPTIONS, WRITE_OPTIONS } from './options.js';
export { pyList, pyStr } from './python-repr.js';
export { extensionOf, fileStem, getCodec, pickCodec, SNIFF_BYTES } from './registry.js';
export { sha256Hex, toHex } from './sha256.js';
export { SinkWriter } from './sink-writer.js';
export { sourceSlices, wholeSlices } from './streamed-array.js';
export { collectSlots, type Slot } from './target.js';
export { isContainer, TreeIndex, type TreeLeaf, treeReader } from './tree-io.js';
export { widenBfloat16 } from './widen-bfloat16.js';
export {
  checkLossless,
  lossesOf,
  planOf,
  summarizeLosses,
  writeChecked,
  writeEntries,
} from './write-checked.js';
