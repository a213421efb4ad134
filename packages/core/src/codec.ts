import type { ByteSink } from './byte-sink.js';
import type { ByteSource } from './byte-source.js';
import type { Attrs, Entry, EntryInfo } from './entry.js';
import type { Limits } from './limits.js';

/** Options every reader accepts. */
export interface ReadOptions {
  limits?: Partial<Limits>;
  /** Verify checksums where the format has them (default true). */
  verify?: boolean;
  /** Format-specific options, keyed by codec name, e.g. `{ hdf5: { slabBytes } }`. */
  [codec: string]: unknown;
}

/** Options every writer accepts; codecs extend this with their own. */
export interface WriteOptions {
  /** Convert what the format cannot hold exactly instead of refusing (see `lossiness`). */
  allowLossy?: boolean;
  /** Format-specific options, keyed by codec name, e.g. `{ npz: { compress: true } }`. */
  [codec: string]: unknown;
}

/** An open file of one format. */
export interface Reader {
  /** The codec name (`npz`, `npy`, `hdf5`, ...). */
  readonly format: string;
  /** Entries' names, dtypes and shapes, without decoding array data. */
  list(): Promise<EntryInfo[]>;
  /**
   * Entries with their values, in file order. With `keys`, only those (in file order); a key
   * the file lacks is a `format` StatekitError. Values may be views onto the file's bytes.
   */
  read(keys?: readonly string[]): AsyncIterable<Entry>;
  /**
   * Groups that carry metadata (HDF5 group and root attributes), for formats that have
   * groups; `path` is `[]` for the root.
   */
  groups?(): Promise<GroupInfo[]>;
  close(): Promise<void>;
}

/** A group of a nested format and its attributes. */
export interface GroupInfo {
  readonly path: readonly string[];
  readonly attrs: Attrs;
}

/** What a codec says before it is loaded: enough to detect its files. */
export interface CodecDescriptor {
  /** Short name used by `--format` and in output (`npz`). */
  readonly name: string;
  /** File extensions with the dot, lower case (`.npz`). */
  readonly extensions: readonly string[];
  /** True when the first bytes of a file look like this format. */
  sniff(head: Uint8Array): boolean;
  /** Loads the codec itself (lazily, so heavy dependencies load only when needed). */
  load(): Promise<Codec>;
}

/** A loaded codec. */
export interface Codec {
  readonly name: string;
  open(source: ByteSource, options?: ReadOptions): Promise<Reader>;
  /**
   * Why this format cannot hold an entry like `entry` exactly (empty when it can). `write` refuses such
   * entries unless `allowLossy`, converting them as each reason says.
   */
  lossiness(entry: EntryInfo): string[];
  /** Writes entries in order. On failure the sink is aborted by the caller. */
  write(
    entries: AsyncIterable<Entry> | Iterable<Entry>,
    sink: ByteSink,
    options?: WriteOptions,
  ): Promise<void>;
}
