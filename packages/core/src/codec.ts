import type { BrainpyAliasForm } from './brainpy-aliases.js';
import type { ByteSink } from './byte-sink.js';
import type { ByteSource } from './byte-source.js';
import type { Container, WritePlan } from './container.js';
import type { Entry, EntryInfo } from './entry.js';
import type { Limits } from './limits.js';
import type { StreamedArray } from './streamed-array.js';

/**
 * Each codec's own read options, under its name. Codec packages add theirs by declaration
 * merging, so `{ hdf5: { engin: 'auto' } }` fails to compile once `@statekit/hdf5` is imported:
 *
 * ```ts
 * declare module '@statekit/core' {
 *   interface CodecReadOptions { hdf5?: Hdf5ReadOptions }
 * }
 * ```
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by codec packages (declaration merging)
export interface CodecReadOptions {}

/** Each codec's own write options, under its name (declaration merging, as for reads). */
// biome-ignore lint/suspicious/noEmptyInterface: filled by codec packages (declaration merging)
export interface CodecWriteOptions {}

/** Options every reader accepts, plus each codec's own under its name. */
export interface ReadOptions extends CodecReadOptions {
  limits?: Partial<Limits>;
  /** Verify checksums where the format has them (default true). */
  verify?: boolean;
  /**
   * Arrays of more bytes than this come as {@link StreamedArray}s, read in slices while
   * consumed, where the reader can stream them (C-order data; else they load whole, within
   * `limits.maxArrayBytes`). Default: every array loads whole.
   */
  streamAbove?: number;
}

/** Options every writer accepts, plus each codec's own under its name. */
export interface WriteOptions extends CodecWriteOptions {
  /** Convert what the format cannot hold exactly instead of refusing (see `lossiness`). */
  allowLossy?: boolean;
}

/** An open file of one format. */
export interface Reader {
  /** The codec name (`npz`, `npy`, `hdf5`, ...). */
  readonly format: string;
  /** Entries' names, dtypes and shapes, without decoding array data. */
  list(): Promise<EntryInfo[]>;
  /**
   * Entries with their values, in file order. With `keys`, only those (in file order), found
   * through an index (no re-parse, no scan of the whole file per call); a key the file lacks
   * is a `format` StatekitError. Values may be views onto the file's bytes.
   */
  read(keys?: readonly string[]): AsyncIterable<Entry>;
  /**
   * The tree's containers (parents first), for formats that have them: HDF5 groups, pickle
   * dicts and lists, MAT structs and cells. Formats without containers omit this; every
   * entry then sits in the root.
   */
  containers?(): Promise<Container[]>;
  close(): Promise<void>;
}

/**
 * How sure a sniffer is that bytes are its format. Detection takes the highest; a file's
 * extension breaks ties, and a `structure` guess counts only when the extension agrees.
 */
export const CONFIDENCE = Object.freeze({
  /** Not this format. */
  none: 0,
  /** A cheap structural check passed (msgpack, pickle protocol 0-1, MAT v4: no magic). */
  structure: 1,
  /** The format's magic bytes (`PK\x03\x04`, the HDF5 signature). */
  magic: 2,
  /** Magic plus a marker only this format has (a MATLAB 7.3 header before HDF5). */
  marker: 3,
});

/** What a codec says before it is loaded: enough to detect its files and check options. */
export interface CodecDescriptor {
  /** Short name used by `--format` and in output (`npz`). */
  readonly name: string;
  /** File extensions with the dot, lower case (`.npz`). */
  readonly extensions: readonly string[];
  /** How sure the first bytes make it that a file is this format ({@link CONFIDENCE}). */
  sniff(head: Uint8Array): number;
  /** The option names this codec reads under its name in {@link ReadOptions}. */
  readonly readOptions?: readonly string[];
  /** A format statekit reads but does not write (PyTorch files): not offered as an output. */
  readonly readOnly?: boolean;
  /** The option names this codec reads under its name in {@link WriteOptions}. */
  readonly writeOptions?: readonly string[];
  /** Loads the codec itself (lazily, so heavy dependencies load only when needed). */
  load(): Promise<Codec>;
}

/** A loaded codec. */
export interface Codec {
  readonly name: string;
  /**
   * How BrainPy's own files of this format hold its `duplicate_keys` / `duplicate_targets`
   * alias lists (default `list`); `saveStates` and `convert` write them so.
   */
  readonly brainpyAliases?: BrainpyAliasForm;
  open(source: ByteSource, options?: ReadOptions): Promise<Reader>;
  /**
   * Why this format cannot hold an entry like `info` exactly (empty when it can). `write`
   * refuses such entries unless `allowLossy`, converting them as each reason says.
   */
  lossiness(info: EntryInfo): string[];
  /** The same for a container: its kind, key types, shape, order or attributes. */
  containerLossiness(container: Container): string[];
  /**
   * Writes entries in `plan.entries`'s order; `plan` says up front what will come. Returns how
   * many entries it stored (undefined: every one). On failure the sink is aborted by the caller.
   */
  write(
    plan: WritePlan,
    entries: AsyncIterable<Entry> | Iterable<Entry>,
    sink: ByteSink,
    options?: WriteOptions,
    // biome-ignore lint/suspicious/noConfusingVoidType: a writer may return nothing (every entry stored)
  ): Promise<WriteSummary | void>;
}

/** What a writer says it wrote: entries it skipped (as its `lossiness` says) are not counted. */
export interface WriteSummary {
  readonly entries: number;
}
