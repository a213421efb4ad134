import type { Reader } from './codec.js';
import {
  type Container,
  type ContainerKind,
  completeContainers,
  type WritePlan,
} from './container.js';
import { type Entry, type EntryInfo, entry, type PathPart } from './entry.js';
import { guardEntry } from './errors.js';
import { KeyIndex } from './key-index.js';
import type { Leaf } from './leaf.js';

/** A path as a map key (integer parts stay apart from string ones). */
function pathId(path: readonly PathPart[]): string {
  return JSON.stringify(path);
}

/**
 * What a tree writer (pickle, msgpack) is given, found by path: every container of the plan
 * (completed, parents first) and every entry under its parent and name, so walking the tree
 * finds each child without building a key string per entry.
 */
export class TreeIndex {
  private constructor(
    private readonly containers: ReadonlyMap<string, Container>,
    private readonly leaves: ReadonlyMap<string, ReadonlyMap<PathPart, Entry>>,
    /** How many entries were gathered. */
    readonly count: number,
  ) {}

  /** Gathers `entries` (all of them, as tree formats write the tree at once), skipping `skip`. */
  static async gather(
    plan: WritePlan,
    entries: AsyncIterable<Entry> | Iterable<Entry>,
    skip: (e: Entry) => boolean = () => false,
    kind: ContainerKind = 'dict',
  ): Promise<TreeIndex> {
    const leaves = new Map<string, Map<PathPart, Entry>>();
    let count = 0;
    for await (const e of entries) {
      if (skip(e)) continue;
      const parent = pathId(e.path.slice(0, -1));
      let named = leaves.get(parent);
      if (!named) {
        named = new Map();
        leaves.set(parent, named);
      }
      named.set(e.path[e.path.length - 1]!, e);
      count++;
    }
    const containers = completeContainers(plan.entries, plan.containers, kind);
    return new TreeIndex(new Map(containers.map((c) => [pathId(c.path), c])), leaves, count);
  }

  /** The root container. */
  get root(): Container {
    return this.containers.get(pathId([]))!;
  }

  /** The entry at `path`, if one came. */
  entry(path: readonly PathPart[]): Entry | undefined {
    return this.leaves.get(pathId(path.slice(0, -1)))?.get(path[path.length - 1]!);
  }

  /** `c`'s child `name`: its entry, or its container, or undefined when neither came. */
  child(c: Container, name: PathPart): Entry | Container | undefined {
    return (
      this.leaves.get(pathId(c.path))?.get(name) ?? this.containers.get(pathId([...c.path, name]))
    );
  }
}

/** True for the {@link Container}s {@link TreeIndex.child} returns. */
export function isContainer(node: Entry | Container): node is Container {
  return 'children' in node;
}

/** A leaf of a tree a reader built whole (pickle, msgpack): its info now, its value on read. */
export interface TreeLeaf {
  readonly info: EntryInfo;
  read(): Leaf | Promise<Leaf>;
}

/**
 * A Reader over a tree a format decoded whole when the file was opened: `list()` gives the
 * infos, `read(keys)` goes through a {@link KeyIndex}, each value inside {@link guardEntry}.
 */
export function treeReader(
  format: string,
  file: string,
  leaves: readonly TreeLeaf[],
  containers: readonly Container[],
): Reader {
  const index = new KeyIndex(leaves, (leaf) => leaf.info.key, file);
  return {
    format,
    list: async () => leaves.map((leaf) => leaf.info),
    async *read(keys) {
      for (const leaf of index.select(keys)) {
        const { key, path, hints } = leaf.info;
        yield await guardEntry(async () => entry(path, await leaf.read(), undefined, hints), {
          file,
          key,
        });
      }
    },
    containers: async () => [...containers],
    async close() {},
  };
}
