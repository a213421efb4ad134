/** Options of the HDF5 reader, passed as `{ hdf5: { ... } }` in read options. */
export interface Hdf5ReadOptions {
  /**
   * `'auto'` (default): statekit's own metadata reader where the file allows (what h5py writes
   * by default and statekit writes), h5wasm otherwise. `'native'`: only statekit's reader (an
   * `unsupported` error where it does not apply). `'h5wasm'`: only h5wasm.
   */
  engine?: 'auto' | 'native' | 'h5wasm';
  /** h5wasm reads datasets larger than this in hyperslabs (default 256 MiB). */
  slabBytes?: number;
}

/** Options of the HDF5 writer, passed as `{ hdf5: { ... } }` in write options. */
export interface Hdf5WriteOptions {
  /**
   * `'paths'` (default): each entry at its path, so BrainPy's flat `E.V` is a root dataset named
   * `E.V` and nested entries go into groups. `'flat'`: every entry a root dataset named by its
   * key. `'groups'`: keys split on `.` into groups (BrainPy 1.x's `E/V`). Containers (empty
   * groups, group attributes) are written with `'paths'` only.
   */
  layout?: 'paths' | 'flat' | 'groups';
  /** gzip level 1-9 for array datasets (chunked by h5wasm); off by default. */
  gzip?: number;
  /**
   * Arrays larger than this are written as chunked datasets, slab by slab, so no single copy
   * into the 2 GiB wasm heap is needed (default 256 MiB; this is also how files over 4 GiB are
   * written).
   */
  slabBytes?: number;
  /**
   * `'auto'` (default): statekit's own writer (h5py's default file layout, data streamed
   * straight to the file) unless `gzip` is set or the sink cannot patch its start, then
   * h5wasm. `'native'` or `'h5wasm'` force one; `'native'` with gzip is an `unsupported` error.
   */
  engine?: 'auto' | 'native' | 'h5wasm';
}

/** The names of {@link Hdf5ReadOptions}, checked at run time. */
export const HDF5_READ_OPTIONS: readonly string[] = ['engine', 'slabBytes'];
/** The names of {@link Hdf5WriteOptions}, checked at run time. */
export const HDF5_WRITE_OPTIONS: readonly string[] = ['layout', 'gzip', 'slabBytes', 'engine'];
