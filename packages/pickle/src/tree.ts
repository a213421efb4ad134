/**
 * The value a pickle built, as statekit's tree: containers (dict, OrderedDict, list, tuple,
 * set) with their children in stored order, and leaves at paths. Dict keys that are `str`
 * stay names, `int` keys become integer path parts. A container reached twice (the memo lets
 * a pickle share one) is walked at each path, as Python would see it; one that holds itself
 * becomes an unsupported leaf at the inner path. Depth and leaf count are bounded by the limits.
 */
import {
  Complex,
  type Container,
  type ContainerKind,
  type Limits,
  type PathPart,
  StatekitError,
} from '@statekit/core';
import {
  NumpyArray,
  NumpyDtype,
  PyDict,
  PyGlobal,
  PyList,
  PySet,
  PyTuple,
  type PyValue,
  TorchTensor,
} from './model.js';
import { typeOf } from './numpy.js';

/** A leaf of the tree: a value, or why statekit does not read what stands there. */
export interface TreeLeaf {
  readonly path: readonly PathPart[];
  readonly value: PyValue;
  readonly problem?: string;
  /** The pickle's top value itself. */
  readonly root?: boolean;
}

/** The `hints` of an entry or container that pkl -> pkl needs to write the same type back. */
export const PICKLE_HINT = 'pickle';

export interface Tree {
  readonly leaves: TreeLeaf[];
  /** Parents first; empty when the pickle's top value is a leaf. */
  readonly containers: Container[];
}

/**
 * Walks `root` into leaves and containers. A top value that is a leaf (a pickled array alone)
 * is listed under `rootName` (the file's name, as for a `.npy`), hinted so pkl -> pkl writes it
 * back alone.
 */
export function treeOf(root: PyValue, limits: Limits, rootName: string): Tree {
  const tree: Tree = { leaves: [], containers: [] };
  const inside = new Set<PyValue>();
  const visit = (value: PyValue, path: PathPart[]): void => {
    const node = nodeOf(value);
    if (!node) {
      addLeaf(tree, limits, { path, value, ...problemOf(value) });
      return;
    }
    if (inside.has(value)) {
      addLeaf(tree, limits, {
        path,
        value: null,
        problem: `this ${node.kind} holds itself (a reference cycle)`,
      });
      return;
    }
    if (path.length > limits.maxDepth)
      throw new StatekitError(
        'limit',
        `pickle: containers nest deeper than ${limits.maxDepth} (limits.maxDepth)`,
      );
    const names = node.children.map(([name]) => name);
    tree.containers.push({
      path,
      kind: node.kind,
      children: names,
      ...(value instanceof PySet && value.frozen ? { hints: { [PICKLE_HINT]: 'frozenset' } } : {}),
    });
    inside.add(value);
    for (const [name, child, keyProblem] of node.children) {
      if (keyProblem)
        addLeaf(tree, limits, { path: [...path, name], value: null, problem: keyProblem });
      else visit(child, [...path, name]);
    }
    inside.delete(value);
  };
  if (nodeOf(root)) visit(root, []);
  else addLeaf(tree, limits, { path: [rootName], value: root, ...problemOf(root), root: true });
  return tree;
}

function addLeaf(tree: Tree, limits: Limits, leaf: TreeLeaf): void {
  if (tree.leaves.length >= limits.maxEntries)
    throw new StatekitError(
      'limit',
      `pickle: more than ${limits.maxEntries} values (limits.maxEntries)`,
    );
  tree.leaves.push(leaf);
}

/** A container's kind and children (name, value, and why the name is refused, if it is). */
interface Node {
  kind: ContainerKind;
  children: [PathPart, PyValue, string?][];
}

function nodeOf(value: PyValue): Node | undefined {
  if (value instanceof PyDict) {
    return {
      kind: value.ordered ? 'ordered_dict' : 'dict',
      children: value.keys.map((key, i) => {
        const name = nameOf(key);
        const child = value.values[i]!;
        return typeof name === 'object' ? [name.shown, child, name.problem] : [name, child];
      }),
    };
  }
  const items =
    value instanceof PyList || value instanceof PyTuple || value instanceof PySet
      ? value.items
      : undefined;
  if (!items) return undefined;
  const kind = value instanceof PyList ? 'list' : value instanceof PyTuple ? 'tuple' : 'set';
  return { kind, children: items.map((item, i) => [i, item]) };
}

/** A dict key as a path part: `str` as it is, `int` as a number; anything else is refused. */
function nameOf(key: PyValue): PathPart | { shown: string; problem: string } {
  if (typeof key === 'string') return key;
  if (
    typeof key === 'bigint' &&
    key >= BigInt(Number.MIN_SAFE_INTEGER) &&
    key <= BigInt(Number.MAX_SAFE_INTEGER)
  )
    return Number(key);
  const shown =
    typeof key === 'bigint' || typeof key === 'number' || typeof key === 'boolean'
      ? String(key)
      : `<${typeOf(key)} key>`;
  return {
    shown,
    problem: `a dict key of type ${typeOf(key)} (${shown}) is not a str or an int within 2^53`,
  };
}

/** Why a leaf value is not read, for values that are not data. */
function problemOf(value: PyValue): { problem: string } | Record<string, never> {
  if (value instanceof NumpyDtype)
    return { problem: `a numpy dtype (${value.descr}) on its own is not a state value` };
  if (value instanceof PyGlobal)
    return { problem: `a reference to ${value.qualified} is not a state value` };
  if (
    value !== null &&
    typeof value === 'object' &&
    !(
      value instanceof Uint8Array ||
      value instanceof Complex ||
      value instanceof NumpyArray ||
      value instanceof TorchTensor
    )
  )
    return { problem: `a ${typeOf(value)} is not a state value` };
  return {};
}
