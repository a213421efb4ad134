import {
  type ByteSink,
  type ByteSource,
  type Codec,
  type Entry,
  type EntryInfo,
  entry,
  type Reader,
  type ReadOptions,
  StatekitError,
  StreamedArray,
  type WriteOptions,
} from '@statekit/core';
import {
  ByteArena,
  bytesOf,
  checkArrayBytes,
  KeyIndex,
  limitsWith,
  unsupportedInfo,
  type WritePlan,
  type WriteSummary,
  withContext,
  yieldToEventLoop,
} from '@statekit/core/codec';
import {
  checkCrc,
  memberChunks,
  memberDataOffset,
  readMember,
  readMemberPrefix,
  readZipDirectory,
  type ZipMember,
} from '@statekit/core/zip';
import {
  decodeNpyData,
  encodeNpyHeader,
  isNpy,
  readNpyHeader,
  readNpyHeaderFrom,
  streamedNpyData,
} from './npy.js';
import type { NpzWriteOptions } from './options.js';
import { npyContainerLossiness, npyLossiness, toStorableArray } from './to-array.js';
import { ZipWriter } from './zip-writer.js';

/** Members at least this large are worth yielding to the event loop for, to overlap I/O. */
const PREFETCH_YIELD_BYTES = 1 << 18;
/** Bytes and members read ahead of the one being decoded. */
const PREFETCH_BYTES = 8 << 20;
const PREFETCH_MEMBERS = 8;

/** Stored members' data below this many bytes come from the file's read-ahead block. */
const PACK_BELOW = 16 << 10;

/** `chunks` without their first `n` bytes. */
async function* skipBytes(
  chunks: AsyncIterable<Uint8Array>,
  n: number,
): AsyncGenerator<Uint8Array> {
  for await (let chunk of chunks) {
    const skip = Math.min(n, chunk.byteLength);
    n -= skip;
    chunk = chunk.subarray(skip);
    if (chunk.byteLength > 0) yield chunk;
  }
}

/** `head`, then `rest`. */
async function* prepend(
  head: Uint8Array,
  rest: AsyncIterable<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  yield head;
  yield* rest;
}

/** The key numpy gives a member: its name without `.npy`. */
function keyOfMember(name: string): string {
  return name.endsWith('.npy') ? name.slice(0, -4) : name;
}

/** Opens an .npz archive: the central directory is read now, members on demand. */
async function openNpz(source: ByteSource, options: ReadOptions = {}): Promise<Reader> {
  const limits = limitsWith(options.limits);
  const verify = options.verify ?? true;
  const { streamAbove } = options;
  const members = await readZipDirectory(source, limits).catch((e) => {
    throw withContext(e, source.name);
  });
  const seen = new Set<string>();
  for (const m of members) {
    if (seen.has(keyOfMember(m.name)))
      throw new StatekitError('corrupt', `duplicate member "${m.name}"`, { file: source.name });
    seen.add(keyOfMember(m.name));
  }
  const index = new KeyIndex(members, (m) => keyOfMember(m.name), source.name);
  const arena = new ByteArena();
  const offsets = new Map<ZipMember, number>();
  const dataOffset = async (m: ZipMember): Promise<number> => {
    let at = offsets.get(m);
    if (at === undefined) {
      at = await memberDataOffset(source, m);
      offsets.set(m, at);
    }
    return at;
  };

  /** A member's NPY header (inflating only its start), or undefined when it is not NPY. */
  const memberHeader = (m: ZipMember, start: number) =>
    readNpyHeaderFrom((n) => readMemberPrefix(source, m, start, n), m.size, limits);

  const describe = async (m: ZipMember): Promise<EntryInfo> => {
    const key = keyOfMember(m.name);
    const npy = await memberHeader(m, await dataOffset(m));
    if (!npy)
      return { key, path: [key], kind: 'scalar', dtype: 'bytes', shape: [], byteLength: m.size };
    const { header } = npy;
    return {
      key,
      path: [key],
      kind: 'array',
      dtype: header.dtype,
      shape: header.shape,
      byteLength: header.dataLength,
    };
  };

  /**
   * Loading is split in two so the reader can pipeline: `fetch` does the I/O (the next
   * member's data is read on the threadpool) while `finish` checks the CRC and decodes the
   * current one on the main thread.
   */
  const fetch = async (m: ZipMember): Promise<() => Entry> => {
    const key = keyOfMember(m.name);
    const start = await dataOffset(m);
    if (streamAbove !== undefined && m.size > streamAbove) {
      const streamed = await streamedMember(m, start);
      if (streamed) return () => entry([key], streamed);
    }
    if (m.size > limits.maxArrayBytes) await checkMemberBytes(m, start);
    if (m.method === 0) {
      // Stored: read the header, then the data straight into its own aligned buffer.
      const npy = await readNpyHeaderFrom((n) => source.read(start, n), m.size, limits);
      if (npy) {
        const { header, bytes: headerBytes } = npy;
        const data = await source.read(start + header.headerLength, m.size - header.headerLength);
        return () => {
          if (verify) checkCrc(m, headerBytes, data);
          // Small arrays are packed together, not left as views that keep a read-ahead block.
          const own = data.byteLength < PACK_BELOW ? arena.copy(data) : data;
          return entry([key], decodeNpyData(header, own));
        };
      }
    }
    const content = await readMember(source, m, start, verify, limits);
    return () => {
      if (!isNpy(content)) return entry([key], content.slice());
      const header = readNpyHeader(content, limits);
      return entry([key], decodeNpyData(header, content.subarray(header.headerLength)));
    };
  };

  /** A large member's array in slices (undefined when it cannot stream: not NPY, Fortran). */
  const streamedMember = async (m: ZipMember, start: number) => {
    const npy = await memberHeader(m, start);
    if (!npy) return undefined;
    const content = () => memberChunks(source, m, start, verify);
    const data = () => skipBytes(content(), npy.header.headerLength);
    return streamedNpyData(npy.header, data, { file: source.name, key: keyOfMember(m.name) });
  };

  /** A member too large to load whole is a `limit` error naming its array's size. */
  const checkMemberBytes = async (m: ZipMember, start: number): Promise<void> => {
    const npy = await memberHeader(m, start);
    // Loading inflates the whole member: its declared size counts, whatever the header says.
    checkArrayBytes(m.size - (npy?.header.headerLength ?? 0), limits.maxArrayBytes);
  };

  const guard = async <T>(m: ZipMember, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw withContext(error, source.name, keyOfMember(m.name));
    }
  };

  return {
    format: 'npz',
    async list() {
      const out: EntryInfo[] = [];
      for (const m of members) {
        try {
          out.push(await guard(m, () => describe(m)));
        } catch (error) {
          // An object or structured array: listed as unsupported, the rest of the file lists.
          const key = keyOfMember(m.name);
          const info = unsupportedInfo([key], error);
          if (!info) throw error;
          out.push(info);
        }
      }
      return out;
    },
    async *read(keys) {
      const wanted = index.select(keys);
      // Members ahead are fetched while the current one is checked and decoded: their reads
      // (on the threadpool) overlap this thread's CRC work, up to PREFETCH_BYTES and
      // PREFETCH_MEMBERS in flight.
      const ahead: (Promise<() => Entry> | undefined)[] = [];
      let next = 0;
      let inFlight = 0;
      const refill = (i: number): void => {
        while (
          next < wanted.length &&
          (next === i || (inFlight < PREFETCH_BYTES && next - i < PREFETCH_MEMBERS))
        ) {
          const m = wanted[next]!;
          inFlight += m.compressedSize;
          const p = guard(m, () => fetch(m));
          // A failed prefetch must not go unhandled if the consumer stops here.
          p.catch(() => {});
          ahead[next++] = p;
        }
      };
      for (let i = 0; i < wanted.length; i++) {
        const m = wanted[i]!;
        refill(i);
        const finish = await ahead[i]!;
        ahead[i] = undefined;
        inFlight -= m.compressedSize;
        refill(i + 1);
        // Let the prefetches run up to issuing their reads before this thread computes the CRC.
        if (inFlight >= PREFETCH_YIELD_BYTES) await yieldToEventLoop();
        yield await guard(m, async () => finish());
      }
    },
    async close() {},
  };
}

/** Writes entries as an .npz archive numpy reads: members `KEY.npy`, ZIP64 when needed. */
async function writeNpz(
  _plan: WritePlan,
  entries: AsyncIterable<Entry> | Iterable<Entry>,
  sink: ByteSink,
  options: WriteOptions = {},
): Promise<WriteSummary> {
  const own: NpzWriteOptions = options.npz ?? {};
  const level = own.compress === true ? 6 : own.compress ? own.compress : 0;
  const zip = new ZipWriter(sink);
  const seen = new Set<string>();
  for await (const e of entries) {
    const array = toStorableArray(e);
    if (!array) continue;
    if (seen.has(e.key))
      throw new StatekitError('format', 'duplicate key', { file: sink.name, key: e.key });
    seen.add(e.key);
    const name = `${e.key}.npy`;
    const header = encodeNpyHeader(array);
    if (array instanceof StreamedArray && sink.patch) {
      const size = header.byteLength + array.byteLength;
      await zip.addStream(name, prepend(header, array.slices()), size, { level });
    } else {
      const whole = array instanceof StreamedArray ? await array.load() : array;
      await zip.add(name, [header, bytesOf(whole)], { level });
    }
  }
  await zip.finish();
  return { entries: seen.size };
}

/** The .npz codec. */
export const npzCodecImpl: Codec = {
  name: 'npz',
  open: openNpz,
  lossiness: npyLossiness,
  containerLossiness: npyContainerLossiness,
  write: writeNpz,
};
