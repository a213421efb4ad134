import { type Container, completeContainers, SEQUENCE_KINDS } from './container.js';
import { type Entry, entry, keyOf, type PathPart } from './entry.js';
import { StatekitError } from './errors.js';
import { isLeaf, type Leaf } from './leaf.js';

/** An ordered map from flat key (`E.V`) to entry. */
export type StateDict = Map<string, Entry>;

/**
 * Builds a state dict from entries, keeping their order. Two entries whose paths differ but
 * join to the same key (`["E.V"]` and `["E", "V"]`) cannot share a flat map: that throws an
 * `unsupported` StatekitError naming both paths.
 */
export function stateDict(entries: Iterable<Entry>): StateDict {
  const out: StateDict = new Map();
  for (const e of entries) {
    const prior = out.get(e.key);
    if (prior) {
      throw new StatekitError(
        'unsupported',
        `paths ${JSON.stringify(prior.path)} and ${JSON.stringify(e.path)} both flatten to this key`,
        { key: e.key },
      );
    }
    out.set(e.key, e);
  }
  return out;
}

/** A value in a tree: a leaf, or a container (object or Map for mappings, array for sequences). */
export type TreeNode = Leaf | Tree | TreeNode[] | Map<PathPart, TreeNode>;

/** A nested tree of leaves, as flax / msgpack / HDF5 groups hold them. */
export interface Tree {
  [name: string]: TreeNode;
}

function childrenOf(node: Exclude<TreeNode, Leaf>): [PathPart, TreeNode][] {
  if (Array.isArray(node)) return node.map((v, i) => [i, v]);
  if (node instanceof Map) return [...node];
  return Object.entries(node);
}

/** Flattens a nested tree into entries (depth first, insertion order), paths kept. */
export function flattenTree(tree: Tree, prefix: readonly PathPart[] = []): Entry[] {
  return fromTree(tree, prefix).entries;
}

/**
 * A tree's entries and containers: arrays are `list`s (indices as integer path parts), Maps
 * and objects `dict`s (Map keys kept as they are: numbers stay numbers). Empty containers are
 * kept, so a writer can recreate them.
 */
export function fromTree(
  tree: Tree | TreeNode[] | Map<PathPart, TreeNode>,
  prefix: readonly PathPart[] = [],
): { entries: Entry[]; containers: Container[] } {
  const entries: Entry[] = [];
  const containers: Container[] = [];
  const visit = (node: Exclude<TreeNode, Leaf>, path: readonly PathPart[]): void => {
    const children = childrenOf(node);
    containers.push({
      path,
      kind: Array.isArray(node) ? 'list' : 'dict',
      children: children.map(([name]) => name),
    });
    for (const [name, value] of children) {
      const childPath = [...path, name];
      if (isLeaf(value)) entries.push(entry(childPath, value));
      else visit(value, childPath);
    }
  };
  visit(tree, prefix);
  return { entries, containers };
}

/** True for names a JS object would not keep in insertion order (array indices). */
function indexLike(name: PathPart): boolean {
  return typeof name === 'number' || /^(0|[1-9]\d*)$/.test(name);
}

/**
 * Rebuilds the nested tree from entries' paths. Without containers every level is a
 * null-prototype object. With the reader's containers, each level is built per its kind:
 * sequences (`list`, `tuple`, `set`, `cell`, `struct_array`) as arrays in stored order,
 * mappings as null-prototype objects, or as Maps when a key is an integer (or a name a JS
 * object would reorder), so key types and order survive. A path that is both a leaf and a
 * container is an `unsupported` StatekitError.
 */
export function unflatten(entries: Iterable<Entry>): Tree;
export function unflatten(entries: Iterable<Entry>, containers: readonly Container[]): TreeNode;
export function unflatten(
  entries: Iterable<Entry>,
  containers: readonly Container[] = [],
): TreeNode {
  const list = [...entries];
  const shaped = containers.length > 0;
  const all = completeContainers(list, containers);
  const leaves = new Map(list.map((e) => [JSON.stringify(e.path), e.value]));
  const byPath = new Map(all.map((c) => [JSON.stringify(c.path), c]));
  for (const e of list) {
    if (e.path.length === 0 || byPath.has(JSON.stringify(e.path))) {
      throw new StatekitError('unsupported', 'path is both a leaf and a group', { key: e.key });
    }
  }
  const build = (c: Container): TreeNode => {
    const values = c.children.map((name): [PathPart, TreeNode] => {
      const id = JSON.stringify([...c.path, name]);
      const child = byPath.get(id);
      return [name, child ? build(child) : (leaves.get(id) as Leaf)];
    });
    if (shaped && SEQUENCE_KINDS.has(c.kind)) return values.map(([, v]) => v);
    if (shaped && values.some(([name]) => indexLike(name))) return new Map(values);
    const out: Tree = Object.create(null);
    for (const [name, v] of values) out[String(name)] = v;
    return out;
  };
  return build(all[0]!);
}

/** The flat key of a container path, `(root)` for the root. */
export function containerKey(path: readonly PathPart[]): string {
  return path.length === 0 ? '(root)' : keyOf(path);
}
