/**
 * The pickle Reader: the file is read whole and run through the machine once when opened
 * (a pickle has no index), then listed and read from the tree it built. `treeReader` is the
 * part PyTorch files share: a tree of leaves, listed without decoding, read through a KeyIndex.
 */
import {
  type ByteSource,
  type Container,
  type Entry,
  entry,
  keyOf,
  type Limits,
  type NdArray,
  type Reader,
  type ReadOptions,
} from '@statekit/core';
import {
  checkArrayBytes,
  fileStem,
  guardEntry,
  KeyIndex,
  limitsWith,
  unsupportedInfo,
  withContext,
} from '@statekit/core/codec';
import { hintsOf, infoOfLeaf, type TensorLoader, valueOfLeaf } from './leaves.js';
import { type MachineOptions, runPickle } from './machine.js';
import { type Tree, treeOf } from './tree.js';

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
  return treeReader('pickle', source.name, tree);
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
export function treeReader(
  format: string,
  file: string,
  tree: Tree,
  loadTensor?: TensorLoader,
): Reader {
  const infos = tree.leaves.map((leaf) => {
    try {
      return infoOfLeaf(leaf);
    } catch (error) {
      // A dtype statekit does not read: that entry is listed as unsupported, the rest lists.
      const info = unsupportedInfo(leaf.path, error);
      if (info) return info;
      throw withContext(error, file, keyOf(leaf.path));
    }
  });
  const index = new KeyIndex(
    tree.leaves.map((leaf, i) => ({ leaf, key: infos[i]!.key })),
    (item) => item.key,
    file,
  );
  const arrays = new Map<object, NdArray>();
  return {
    format,
    list: async () => infos,
    async *read(keys): AsyncGenerator<Entry> {
      for (const { leaf, key } of index.select(keys)) {
        yield await guardEntry(
          async () =>
            entry(
              leaf.path,
              await valueOfLeaf(leaf, arrays, loadTensor),
              undefined,
              hintsOf(leaf).hints,
            ),
          { file, key },
        );
      }
    },
    containers: async (): Promise<Container[]> => tree.containers,
    async close() {},
  };
}
