/**
 * A decoded msgpack value as statekit's tree and entries. Maps are `dict` containers (flax
 * writes lists and tuples as `{'0': ..}` maps too: only a template tells them apart), msgpack
 * arrays (the low-level serializer's lists) are `list` containers; flax's chunked-array maps,
 * ext 1 and ext 3 values are arrays, ext 2 a complex, everything else a Python scalar. Array
 * bytes stay views of the file until read. A top value that is not a map is listed under the
 * file's name. Depth and entry count are bounded by the limits.
 */
import {
  type Container,
  type EntryInfo,
  keyOf,
  type Leaf,
  type Limits,
  leafKind,
  numpyScalar,
  type PathPart,
  StatekitError,
} from '@statekit/core';
import { scalarByteLength, type TreeLeaf, unsupportedInfo } from '@statekit/core/codec';
import { MsgExt, MsgMap, type MsgValue } from './decoder.js';
import {
  arrayOf,
  complexOfExt,
  EXT,
  isChunked,
  parseArray,
  parseChunked,
  type RawArray,
  unchunk,
} from './flax.js';

/** How the msgpack codec hints an entry so msgpack -> msgpack writes it back the same. */
export const MSGPACK_HINT = 'msgpack';

export interface Tree {
  readonly leaves: TreeLeaf[];
  readonly containers: Container[];
}

/** Walks `root` into containers and leaves; a lone top value is named `rootName`. */
export function treeOf(root: MsgValue, limits: Limits, rootName: string): Tree {
  const tree: Tree = { leaves: [], containers: [] };
  const add = (leaf: TreeLeaf): void => {
    if (tree.leaves.length >= limits.maxEntries)
      throw new StatekitError(
        'limit',
        `msgpack: more than ${limits.maxEntries} values (limits.maxEntries)`,
      );
    tree.leaves.push(leaf);
  };
  const visit = (value: MsgValue, path: PathPart[]): void => {
    if ((value instanceof MsgMap && !isChunked(value)) || Array.isArray(value)) {
      const children: [PathPart, MsgValue][] = Array.isArray(value)
        ? value.map((v, i) => [i, v])
        : value.keys.map((k, i) => [nameOf(k), value.values[i]!]);
      const names = children.map(([n]) => n);
      if (Array.isArray(value))
        tree.containers.push({
          path,
          kind: 'list',
          children: names,
          hints: { [MSGPACK_HINT]: 'array' },
        });
      else tree.containers.push({ path, kind: 'dict', children: names });
      for (const [name, child] of children) visit(child, [...path, name]);
      return;
    }
    add(localLeaf(value, path, limits.maxDepth));
  };
  if ((root instanceof MsgMap && !isChunked(root)) || Array.isArray(root)) visit(root, []);
  else {
    const leaf = localLeaf(root, [rootName], limits.maxDepth);
    add({ ...leaf, info: { ...leaf.info, hints: { [MSGPACK_HINT]: 'root' } } });
  }
  return tree;
}

/** A map key as a path part: str as it is, an int (only the low-level serializer writes them) as a number. */
function nameOf(key: MsgValue): PathPart {
  if (typeof key === 'string') return key;
  if (
    typeof key === 'bigint' &&
    key >= BigInt(Number.MIN_SAFE_INTEGER) &&
    key <= BigInt(Number.MAX_SAFE_INTEGER)
  )
    return Number(key);
  throw new StatekitError(
    'unsupported',
    `msgpack: a map key of type ${key === null ? 'nil' : typeof key} is not a str or an int`,
  );
}

function arrayInfo(
  key: string,
  path: readonly PathPart[],
  raw: { dtype: RawArray['dtype']; shape: number[] },
  bytes: number,
  scalar = false,
): EntryInfo {
  return {
    key,
    path,
    kind: 'array',
    dtype: raw.dtype,
    shape: raw.shape,
    byteLength: bytes,
    ...(scalar ? { numpyScalar: true } : {}),
  };
}

/** {@link leafOf}, with a value statekit does not read (an unknown ext or dtype) kept to its entry. */
function localLeaf(value: MsgValue, path: readonly PathPart[], maxDepth: number): TreeLeaf {
  try {
    return leafOf(value, path, maxDepth);
  } catch (error) {
    const info = unsupportedInfo(path, error);
    if (!info) throw error;
    return {
      info,
      read: () => {
        throw error;
      },
    };
  }
}

/** A leaf's info now (headers parsed, corrupt ones refused) and its value on read. */
function leafOf(value: MsgValue, path: readonly PathPart[], maxDepth: number): TreeLeaf {
  const key = keyOf(path);
  if (value instanceof MsgMap && isChunked(value)) {
    const parts = parseChunked(value, maxDepth);
    const bytes = parts.chunks.reduce((n, c) => n + c.bytes.byteLength, 0);
    return {
      info: arrayInfo(key, path, { dtype: parts.chunks[0]!.dtype, shape: parts.shape }, bytes),
      read: () => unchunk(parts),
    };
  }
  if (value instanceof MsgExt && (value.type === EXT.ndarray || value.type === EXT.npscalar)) {
    const raw = parseArray(value.data, maxDepth);
    const scalar = value.type === EXT.npscalar;
    if (scalar && raw.shape.length !== 0)
      throw new StatekitError('corrupt', 'msgpack: a numpy scalar (ext 3) has a shape');
    return {
      info: arrayInfo(key, path, raw, raw.bytes.byteLength, scalar),
      read: () => (scalar ? numpyScalar(arrayOf(raw)) : arrayOf(raw)),
    };
  }
  if (value instanceof MsgExt) {
    const complex = complexOfExt(value, maxDepth);
    return { info: scalarInfo(key, path, complex), read: () => complex };
  }
  if (value instanceof MsgMap || Array.isArray(value))
    throw new TypeError('containers are walked, not leaves');
  return { info: scalarInfo(key, path, value), read: () => value };
}

function scalarInfo(key: string, path: readonly PathPart[], value: Leaf): EntryInfo {
  const dtype = leafKind(value) as EntryInfo['dtype'];
  return { key, path, kind: 'scalar', dtype, shape: [], byteLength: scalarByteLength(value) };
}
