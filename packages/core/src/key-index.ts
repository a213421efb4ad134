import { StatekitError } from './errors.js';

/**
 * A reader's entries indexed by key, built once when the file is opened, so `read(keys)`
 * costs O(k log k) per call instead of a scan of the whole file: `diff` of two 20,000-key
 * files stays linear. Also the one place the "no such key" error is worded. Two entries may
 * share a flat key (HDF5's root dataset `E.V` and group dataset `E/V`): selecting that key
 * selects both.
 */
export class KeyIndex<T> {
  private readonly positions = new Map<string, number[]>();

  /** `items` in file order; `keyOf` gives each one's flat key. */
  constructor(
    readonly items: readonly T[],
    keyOf: (item: T) => string,
    private readonly file: string,
  ) {
    items.forEach((item, i) => {
      const key = keyOf(item);
      const at = this.positions.get(key);
      if (at) at.push(i);
      else this.positions.set(key, [i]);
    });
  }

  /** True when some item has `key`. */
  has(key: string): boolean {
    return this.positions.has(key);
  }

  /**
   * The items of `keys` in file order (all items without `keys`). A key the file lacks is a
   * `format` StatekitError naming it; repeated keys are read once.
   */
  select(keys: readonly string[] | undefined): readonly T[] {
    if (keys === undefined) return this.items;
    const at = new Set<number>();
    for (const key of keys) {
      const found = this.positions.get(key);
      if (found === undefined) {
        throw new StatekitError('format', 'no such key in the file', { file: this.file, key });
      }
      for (const i of found) at.add(i);
    }
    return [...at].sort((a, b) => a - b).map((i) => this.items[i]!);
  }
}
