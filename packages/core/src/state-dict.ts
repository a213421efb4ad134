import { type Entry, entry } from './entry.js';
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

/** A nested tree of leaves, as flax / msgpack / HDF5 groups hold them. */
export interface Tree {
  [name: string]: Tree | Leaf;
}

/** Flattens a nested tree into entries (depth first, insertion order), paths kept. */
export function flattenTree(tree: Tree, prefix: readonly string[] = []): Entry[] {
  const out: Entry[] = [];
  for (const [name, value] of Object.entries(tree)) {
    const path = [...prefix, name];
    if (isLeaf(value)) out.push(entry(path, value));
    else out.push(...flattenTree(value, path));
  }
  return out;
}

/** Rebuilds the nested tree from entries' paths (a null-prototype object per level). */
export function unflatten(entries: Iterable<Entry>): Tree {
  const root: Tree = Object.create(null);
  for (const e of entries) {
    let node = root;
    e.path.forEach((part, i) => {
      if (i === e.path.length - 1) {
        if (Object.hasOwn(node, part)) {
          throw new StatekitError('unsupported', 'path is both a leaf and a group', { key: e.key });
        }
        node[part] = e.value;
        return;
      }
      const next = node[part];
      if (next === undefined) {
        const child: Tree = Object.create(null);
        node[part] = child;
        node = child;
      } else if (isLeaf(next)) {
        throw new StatekitError('unsupported', 'path is both a leaf and a group', { key: e.key });
      } else {
        node = next;
      }
    });
  }
  return root;
}
