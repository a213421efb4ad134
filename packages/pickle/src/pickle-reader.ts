/**
 * The pickle Reader: the file is read whole and run through the machine once when opened
 * (a pickle has no index), then listed and read from the tree it built.
 */
import {
  type ByteSource,
  type Container,
  type Entry,
  entry,
  keyOf,
  type NdArray,
  type Reader,
  type ReadOptions,
} from '@statekit/core';
import {
  checkArrayBytes,
  guardEntry,
  KeyIndex,
  limitsWith,
  unsupportedInfo,
  withContext,
} from '@statekit/core/codec';
import { hintsOf, infoOfLeaf, valueOfLeaf } from './leaves.js';
import { runPickle } from './machine.js';
import type { NumpyArray } from './model.js';
import { treeOf } from './tree.js';

export async function openPickle(source: ByteSource, options: ReadOptions = {}): Promise<Reader> {
  const limits = limitsWith(options.limits);
  const tree = await (async () => {
    // A pickle runs start to end: the whole file is read, within the whole-load limit.
    checkArrayBytes(source.size, limits.maxArrayBytes);
    const bytes = await source.read(0, source.size);
    const root = runPickle(bytes, { limits, reconstructors: options.pickle?.reconstructors });
    return treeOf(root, limits, fileStem(source.name));
  })().catch((error) => {
    throw withContext(error, source.name);
  });
  const infos = tree.leaves.map((leaf) => {
    try {
      return infoOfLeaf(leaf);
    } catch (error) {
      // A dtype statekit does not read: that entry is listed as unsupported, the rest lists.
      const info = unsupportedInfo(leaf.path, error);
      if (info) return info;
      throw withContext(error, source.name, keyOf(leaf.path));
    }
  });
  const index = new KeyIndex(
    tree.leaves.map((leaf, i) => ({ leaf, key: infos[i]!.key })),
    (item) => item.key,
    source.name,
  );
  const arrays = new Map<NumpyArray, NdArray>();
  return {
    format: 'pickle',
    list: async () => infos,
    async *read(keys): AsyncGenerator<Entry> {
      for (const { leaf, key } of index.select(keys)) {
        yield await guardEntry(
          () => entry(leaf.path, valueOfLeaf(leaf, arrays), undefined, hintsOf(leaf).hints),
          { file: source.name, key },
        );
      }
    },
    containers: async (): Promise<Container[]> => tree.containers,
    async close() {},
  };
}

/** A file's name without its directory and extension: the key of a pickle's lone top value. */
function fileStem(name: string): string {
  const base = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}
