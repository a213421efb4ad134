/**
 * The pickle Reader: the file is read whole and run through the machine once when opened
 * (a pickle has no index), then listed and read from the tree it built. `pickleReader` is the
 * part PyTorch files share: the tree's leaves listed without decoding, read on demand.
 */
import {
  type ByteSource,
  type EntryInfo,
  keyOf,
  type Limits,
  type NdArray,
  type Reader,
  type ReadOptions,
} from '@statekit/core';
import {
  checkArrayBytes,
  fileStem,
  limitsWith,
  treeReader,
  unsupportedInfo,
  withContext,
} from '@statekit/core/codec';
import { infoOfLeaf, type TensorLoader, valueOfLeaf } from './leaves.js';
import { type MachineOptions, runPickle } from './machine.js';
import { type TreeLeaf as PickleLeaf, type Tree, treeOf } from './tree.js';

export async function openPickle(source: ByteSource, options: ReadOptions = {}): Promise<Reader> {
  const limits = limitsWith(options.limits);
  const tree = await (async () => {
    // A pickle runs start to end: the whole file is read, within the whole-load limit.
    checkArrayBytes(source.size, limits.maxArrayBytes);
    const bytes = await source.read(0, source.size);
    return pickleTree(bytes, source.name, {
      limits,
      reconstructors: options.pickle?.reconstructors,
    });
  })().catch((error) => {
    throw withContext(error, source.name);
  });
  return pickleReader('pickle', source.name, tree);
}

/** Runs a pickle and walks what it built; a lone top value is named after the file. */
export function pickleTree(
  bytes: Uint8Array,
  file: string,
  options: MachineOptions & { limits: Limits },
): Tree {
  return treeOf(runPickle(bytes, options), options.limits, fileStem(file));
}

/** A Reader over a pickle's tree; `loadTensor` reads PyTorch tensors from their storages. */
export function pickleReader(
  format: string,
  file: string,
  tree: Tree,
  loadTensor?: TensorLoader,
): Reader {
  const arrays = new Map<object, NdArray>();
  const leaves = tree.leaves.map((leaf) => ({
    info: listed(leaf, file),
    read: () => valueOfLeaf(leaf, arrays, loadTensor),
  }));
  return treeReader(format, file, leaves, tree.containers);
}

/** A leaf's info; a dtype statekit does not read lists as unsupported, the rest of the file lists. */
function listed(leaf: PickleLeaf, file: string): EntryInfo {
  try {
    return infoOfLeaf(leaf);
  } catch (error) {
    const info = unsupportedInfo(leaf.path, error);
    if (info) return info;
    throw withContext(error, file, keyOf(leaf.path));
  }
}
