/** Options of the npz writer, passed as `{ npz: { ... } }` in write options. */
export interface NpzWriteOptions {
  /** Deflate members (np.savez_compressed); true means level 6, or give a level 1-9. */
  compress?: boolean | number;
}

/** The names of {@link NpzWriteOptions}, checked at run time. */
export const NPZ_WRITE_OPTIONS: readonly string[] = ['compress'];
