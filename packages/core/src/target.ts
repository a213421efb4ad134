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
 * Lists every slot reachable from `target`, depth first in property order. Keys are the
 * property names joined with `.`; Map keys and array indices count as names. A variable
 * reachable by several paths appears once per path, all with the same `identity`. Functions,
 * symbols and non-enumerable properties are skipped; cycles are cut.
 */
export function collectSlots(target: Target): Slot[] {
  const slots: Slot[] = [];
  const onPath = new Set<object>();

  const visit = (node: object, path: string[]): void => {
    if (onPath.has(node)) return;
    onPath.add(node);
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
      } else if (typeof value === 'object' && value !== null && !ArrayBuffer.isView(value)) {
        visit(value, childPath);
      }
    }
    onPath.delete(node);
  };

  visit(target, []);
  return slots;
}
