import { keyOf } from './entry.js';
import { isLeaf, type Leaf } from './leaf.js';
import { isNdArray } from './ndarray.js';
import { Variable } from './variable.js';

/** One place in a target that holds a value: a Variable, or a leaf in a plain object or Map. */
export interface Slot {
  readonly key: string;
  readonly path: readonly string[];
  /** Identity for aliasing: the Variable (or array) object; a fresh token for primitives. */
  readonly identity: object;
  get(): Leaf;
  set(value: Leaf): void;
}

/** A model (object tree holding Variables) or a plain state dict (object or Map of leaves). */
export type Target = object;

/**
 * Lists every slot reachable from `target` breadth first, as BrainPy's `vars()` walks nodes:
 * a node's own variables (in property order) come before those of deeper nodes, so a variable
 * reachable as `E.V` and as `ExpCOBA0.pre.V` is first met as `E.V`. Keys are the property
 * names joined with `.`; Map keys and array indices count as names. A variable reachable by
 * several paths appears once per path, all with the same `identity`. Functions, symbols and
 * non-enumerable properties are skipped; cycles are cut.
 */
export function collectSlots(target: Target): Slot[] {
  const slots: Slot[] = [];
  interface Pending {
    node: object;
    path: string[];
    ancestors: Pending | undefined;
  }
  const queue: Pending[] = [{ node: target, path: [], ancestors: undefined }];
  const isAncestor = (node: object, chain: Pending | undefined): boolean => {
    for (let p = chain; p; p = p.ancestors) if (p.node === node) return true;
    return false;
  };
  for (let head = 0; head < queue.length; head++) {
    const item = queue[head]!;
    const { node, path } = item;
    const children: [string, unknown, (v: Leaf) => void][] =
      node instanceof Map
        ? [...node].map(([k, v]) => [String(k), v, (x: Leaf) => node.set(k, x)])
        : Object.keys(node).map((k) => [
            k,
            (node as Record<string, unknown>)[k],
            (x: Leaf) => {
              (node as Record<string, unknown>)[k] = x;
            },
          ]);
    for (const [name, value, assign] of children) {
      const childPath = [...path, name];
      if (value instanceof Variable) {
        const variable = value;
        slots.push({
          key: keyOf(childPath),
          path: childPath,
          identity: variable,
          get: () => variable.value,
          set: (v) => {
            variable.value = v;
          },
        });
      } else if (isLeaf(value)) {
        let current = value;
        slots.push({
          key: keyOf(childPath),
          path: childPath,
          identity: isNdArray(value) ? value : {},
          get: () => current,
          set: (v) => {
            current = v;
            assign(v);
          },
        });
      } else if (
        typeof value === 'object' &&
        value !== null &&
        !ArrayBuffer.isView(value) &&
        !isAncestor(value, item)
      ) {
        queue.push({ node: value, path: childPath, ancestors: item });
      }
    }
  }
  return slots;
}
