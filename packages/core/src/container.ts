import type { Attrs, EntryInfo, Hints, PathPart } from './entry.js';

/**
 * What kind of node holds other nodes. Formats report the kinds they have: HDF5 `group`;
 * pickle `dict`, `ordered_dict`, `list`, `tuple`, `set`; msgpack (flax) `dict`, `list`;
 * MAT `struct`, `struct_array`, `cell`. See the container table in core's README.
 */
export type ContainerKind =
  | 'group'
  | 'dict'
  | 'ordered_dict'
  | 'list'
  | 'tuple'
  | 'set'
  | 'struct'
  | 'struct_array'
  | 'cell';

/** Every container kind, in the README's table order. */
export const CONTAINER_KINDS: readonly ContainerKind[] = Object.freeze([
  'group',
  'dict',
  'ordered_dict',
  'list',
  'tuple',
  'set',
  'struct',
  'struct_array',
  'cell',
]);

/** Kinds whose children are positions `0..n-1`, rebuilt as JS arrays. */
export const SEQUENCE_KINDS: ReadonlySet<ContainerKind> = new Set([
  'list',
  'tuple',
  'set',
  'struct_array',
  'cell',
]);

/**
 * A non-leaf node of a stored tree: its kind, its children's names in stored order (integers
 * for positions and Python `int` keys), its shape where the format has one (MAT cells and
 * struct arrays), and its own attributes. `path` is `[]` for the root. An empty container has
 * no children and is still reported, so writers can recreate it.
 */
export interface Container {
  readonly path: readonly PathPart[];
  readonly kind: ContainerKind;
  readonly children: readonly PathPart[];
  readonly shape?: readonly number[];
  readonly attrs?: Attrs;
  readonly hints?: Hints;
}

/**
 * What a writer is told before the first entry arrives: every entry's info in the order the
 * entries will come, and every container (parents before children). Tree formats write sizes
 * and counts from it and still stream array data.
 */
export interface WritePlan {
  readonly entries: readonly EntryInfo[];
  readonly containers: readonly Container[];
}

function pathId(path: readonly PathPart[]): string {
  return JSON.stringify(path);
}

/**
 * The containers a flat list of entries implies (`kind` for each, default `group`), completed
 * by the ones given: given containers keep their kind, children order, shape and attributes;
 * children they do not list (and containers they lack) are added in entry order. Parents come
 * before children. A path that is both a leaf and a container is left for the writer (or
 * `unflatten`) to refuse in its own words.
 */
export function completeContainers(
  entries: Iterable<{ readonly key: string; readonly path: readonly PathPart[] }>,
  given: readonly Container[] = [],
  kind: ContainerKind = 'group',
): Container[] {
  // Children are kept in a Set of parts: 0 and '0' stay apart, and no name is stringified.
  const byId = new Map<string, { c: Container; children: PathPart[]; names: Set<PathPart> }>();
  const order: string[] = [];
  const add = (path: readonly PathPart[], c?: Container): void => {
    const id = pathId(path);
    if (byId.has(id)) return;
    const base = c ?? { path: [...path], kind, children: [] };
    byId.set(id, { c: base, children: [...base.children], names: new Set(base.children) });
    order.push(id);
  };
  add(
    [],
    given.find((c) => c.path.length === 0),
  );
  for (const c of given) {
    for (let i = 0; i < c.path.length; i++) add(c.path.slice(0, i));
    add(c.path, c);
  }
  const linkTo = (parentId: string, name: PathPart): void => {
    const parent = byId.get(parentId)!;
    if (!parent.names.has(name)) {
      parent.names.add(name);
      parent.children.push(name);
    }
  };
  const link = (path: readonly PathPart[]): void =>
    linkTo(pathId(path.slice(0, -1)), path[path.length - 1]!);
  const ROOT = pathId([]);
  for (const e of entries) {
    // Flat entries (npz's `E.V`, most state dicts) sit in the root: no path to stringify.
    if (e.path.length === 1) {
      linkTo(ROOT, e.path[0]!);
      continue;
    }
    for (let i = 1; i < e.path.length; i++) {
      add(e.path.slice(0, i));
      link(e.path.slice(0, i));
    }
    if (e.path.length > 0) link(e.path);
  }
  for (const c of given) if (c.path.length > 0) link(c.path);
  return order.map((id) => {
    const { c, children } = byId.get(id)!;
    return { ...c, children };
  });
}
