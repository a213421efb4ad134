/**
 * The msgpack Reader: the file is read whole and decoded once when opened (msgpack has no
 * index), then listed and read from the tree; array bytes stay views of the file until read.
 */
import type { ByteSource, Reader, ReadOptions } from '@statekit/core';
import {
  checkArrayBytes,
  fileStem,
  limitsWith,
  treeReader,
  withContext,
} from '@statekit/core/codec';
import { decodeMsgpack } from './decoder.js';
import { type Tree, treeOf } from './tree.js';

export async function openMsgpack(source: ByteSource, options: ReadOptions = {}): Promise<Reader> {
  const limits = limitsWith(options.limits);
  const tree: Tree = await (async () => {
    checkArrayBytes(source.size, limits.maxArrayBytes);
    const bytes = await source.read(0, source.size);
    return treeOf(
      decodeMsgpack(bytes, { maxDepth: limits.maxDepth }),
      limits,
      fileStem(source.name),
    );
  })().catch((error) => {
    throw withContext(error, source.name);
  });
  return treeReader('msgpack', source.name, tree.leaves, tree.containers);
}
