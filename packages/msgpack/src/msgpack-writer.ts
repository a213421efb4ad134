/**
 * Writes a state tree as flax's `serialization.to_bytes` does (and braintools' msgpack_save):
 * maps with string keys; lists, tuples and sets as `{'0': .., '1': ..}` maps (flax's
 * `to_state_dict`), except lists that were msgpack arrays; arrays as ext 1 `[shape, dtype.name,
 * C-order bytes]` (ext 3 for numpy scalars), split into `__msgpack_chunked_array__` maps past
 * flax's 2^30 bytes; complex as ext 2; Python floats always float64. Array bytes stream into
 * the sink: a 4 GiB state is never gathered into one buffer.
 */
import {
  type ByteSink,
  Complex,
  type Container,
  type Entry,
  isNdArray,
  type NdArray,
  SparseMatrix,
  StatekitError,
  StreamedArray,
  type WriteOptions,
} from '@statekit/core';
import {
  bytesOf,
  isContainer,
  TreeIndex,
  type WritePlan,
  type WriteSummary,
} from '@statekit/core/codec';
import { MsgpackEncoder } from './encoder.js';
import { CHUNKED, EXT, MAX_CHUNK_BYTES, nameOfDtype } from './flax.js';
import { MSGPACK_HINT } from './tree.js';

/** Array bytes start at a multiple of this (float64 and complex128 views need 8). */
const ALIGN = 8;

/**
 * Header widths that put an ext array's bytes at a multiple of {@link ALIGN}, when the ext
 * header is ext32 and starts at `at`: msgpack lets a str or array header be wider than its
 * length needs, and Python's msgpack reads any of them, so the headers themselves pad.
 */
function alignedWidths(
  at: number,
  shape: readonly number[],
  name: string,
  bytes: number,
): { outer: number; shape: number; name: number } | undefined {
  const nameBytes = new TextEncoder().encode(name).byteLength;
  const binHead = bytes < 256 ? 2 : bytes < 65536 ? 3 : 5;
  const intsLength = shape.reduce(
    (n, d) => n + (d < 128 ? 1 : d < 256 ? 2 : d < 65536 ? 3 : d < 2 ** 32 ? 5 : 9),
    0,
  );
  const outers = MsgpackEncoder.arrayHeadWidths(3);
  const shapes = MsgpackEncoder.arrayHeadWidths(shape.length);
  const names = MsgpackEncoder.strHeadWidths(nameBytes);
  for (const outer of outers)
    for (const dims of shapes)
      for (const width of names) {
        const head = 6 + outer + dims + width + nameBytes + binHead + intsLength;
        if ((at + head) % ALIGN === 0) return { outer, shape: dims, name: width };
      }
  return undefined; // no combination pads to the boundary: written as flax writes it
}

/** Array payloads of more bytes go to the sink as they are, not through the buffer. */
const DIRECT_ABOVE = 64 << 10;

export async function writeMsgpack(
  plan: WritePlan,
  entries: AsyncIterable<Entry> | Iterable<Entry>,
  sink: ByteSink,
  options: WriteOptions = {},
): Promise<WriteSummary> {
  const chunkBytes = options.msgpack?.chunkBytes ?? MAX_CHUNK_BYTES;
  const tree = await TreeIndex.gather(plan, entries, (e) => e.value instanceof SparseMatrix); // lossiness: skipped
  const align = options.msgpack?.align ?? true;
  const writer = new TreeWriter(new MsgpackEncoder(sink), tree, chunkBytes, sink.name, align);
  const [lone] = plan.entries;
  // A file whose top value was one array (or scalar) is written back as that value alone.
  if (plan.entries.length === 1 && lone!.hints?.[MSGPACK_HINT] === 'root')
    await writer.leaf(tree.entry(lone!.path)!);
  else await writer.container(tree.root);
  await writer.out.flush();
  return { entries: tree.count };
}

class TreeWriter {
  constructor(
    readonly out: MsgpackEncoder,
    private readonly tree: TreeIndex,
    private readonly chunkBytes: number,
    private readonly file: string,
    /** Pad array headers so the bytes start at a multiple of {@link ALIGN}. */
    private readonly align: boolean,
  ) {}

  async container(c: Container): Promise<void> {
    const array = c.hints?.[MSGPACK_HINT] === 'array';
    if (array) this.out.arrayHead(c.children.length);
    else this.out.mapHead(c.children.length);
    for (const name of c.children) {
      if (!array) this.out.str(String(name));
      const child = this.tree.child(c, name);
      if (!child)
        throw new StatekitError(
          'format',
          `msgpack: the plan names ${JSON.stringify([...c.path, name])} but nothing came for it`,
          {
            file: this.file,
          },
        );
      if (isContainer(child)) await this.container(child);
      else await this.leaf(child);
      await this.out.maybeFlush();
    }
  }

  async leaf(e: Entry): Promise<void> {
    const v = e.value;
    const { out } = this;
    try {
      if (v instanceof StreamedArray || isNdArray(v)) await this.array(v);
      else if (v === null) out.nil();
      else if (typeof v === 'boolean') out.bool(v);
      else if (typeof v === 'bigint') out.int(v);
      else if (typeof v === 'number') out.float(v);
      else if (typeof v === 'string') out.str(v);
      else if (v instanceof Uint8Array) out.bin(v);
      else if (v instanceof Complex) {
        // flax: ExtType(2, packb((x.real, x.imag))): fixarray(2) of two float64.
        out.extHead(EXT.complex, 19);
        out.arrayHead(2);
        out.float(v.re);
        out.float(v.im);
      } else throw new StatekitError('unsupported', 'msgpack: this value has no msgpack form here');
    } catch (error) {
      if (error instanceof StatekitError && error.key === undefined)
        throw new StatekitError(error.tag, error.detail, {
          file: this.file,
          key: e.key,
          cause: error.cause,
        });
      throw error;
    }
  }

  /** An array as ext 1 (ext 3 for a numpy scalar), or a chunked map past `chunkBytes`. */
  private async array(value: NdArray | StreamedArray): Promise<void> {
    const bytes = value instanceof StreamedArray ? value.byteLength : bytesOf(value).byteLength;
    if (bytes > this.chunkBytes) return this.chunked(value);
    const scalar = isNdArray(value) && value.scalar === true;
    await this.ext(
      scalar ? EXT.npscalar : EXT.ndarray,
      value,
      value.shape,
      bytes,
      this.sliced(value, 0, bytes),
    );
  }

  /** One ext array: `[shape, name, bin]` measured first, so its header can say its length. */
  private async ext(
    type: number,
    value: Pick<NdArray, 'dtype' | 'itemSize'>,
    shape: readonly number[],
    bytes: number,
    data: AsyncIterable<Uint8Array>,
  ): Promise<void> {
    const { out } = this;
    const name = nameOfDtype(value.dtype, value.itemSize);
    const widths = this.align ? alignedWidths(out.position, shape, name, bytes) : undefined;
    const mark = out.mark;
    if (widths) out.arrayHeadOfWidth(3, widths.outer);
    else out.arrayHead(3);
    if (widths) out.arrayHeadOfWidth(shape.length, widths.shape);
    else out.arrayHead(shape.length);
    for (const d of shape) out.int(d);
    if (widths) out.strOfWidth(name, widths.name);
    else out.str(name);
    out.binHead(bytes);
    const head = out.taken(mark);
    if (widths) out.ext32Head(type, head.byteLength + bytes);
    else out.extHead(type, head.byteLength + bytes);
    out.raw(head);
    for await (const piece of data) {
      if (piece.byteLength < DIRECT_ABOVE) out.raw(piece);
      else await out.direct(piece);
    }
  }

  /** flax's `_chunk`: `{marker: true, shape: {'0': d0, ..}, chunks: {'0': 1-d ext, ..}}`. */
  private async chunked(value: NdArray | StreamedArray): Promise<void> {
    const { out } = this;
    const total = value instanceof StreamedArray ? value.byteLength : bytesOf(value).byteLength;
    const perChunk = Math.max(1, Math.floor(this.chunkBytes / value.itemSize)) * value.itemSize;
    const n = Math.ceil(total / perChunk);
    out.mapHead(3);
    out.str(CHUNKED);
    out.bool(true);
    out.str('shape');
    out.mapHead(value.shape.length);
    value.shape.forEach((d, i) => {
      out.str(String(i));
      out.int(d);
    });
    out.str('chunks');
    out.mapHead(n);
    const source = this.pieces(value);
    for (let i = 0; i < n; i++) {
      const bytes = Math.min(perChunk, total - i * perChunk);
      out.str(String(i));
      await this.ext(EXT.ndarray, value, [bytes / value.itemSize], bytes, take(source, bytes));
    }
  }

  /** The array's bytes from `start`, `length` of them, in pieces. */
  private async *sliced(
    value: NdArray | StreamedArray,
    start: number,
    length: number,
  ): AsyncGenerator<Uint8Array> {
    if (isNdArray(value)) yield bytesOf(value).subarray(start, start + length);
    else yield* take(this.pieces(value), length);
  }

  /** One pass over the array's bytes, shared by its chunks in order. */
  private pieces(
    value: NdArray | StreamedArray,
  ): AsyncIterator<Uint8Array> & { rest?: Uint8Array } {
    const slices =
      value instanceof StreamedArray
        ? value.slices()
        : (async function* () {
            yield bytesOf(value);
          })();
    return slices[Symbol.asyncIterator]();
  }
}

/** The next `length` bytes of `source`, splitting a slice at the boundary (the rest kept). */
async function* take(
  source: AsyncIterator<Uint8Array> & { rest?: Uint8Array },
  length: number,
): AsyncGenerator<Uint8Array> {
  while (length > 0) {
    let piece = source.rest;
    source.rest = undefined;
    if (!piece) {
      const next = await source.next();
      if (next.done)
        throw new StatekitError('corrupt', `msgpack: an array's slices end ${length} bytes early`);
      piece = next.value;
    }
    if (piece.byteLength > length) {
      source.rest = piece.subarray(length);
      piece = piece.subarray(0, length);
    }
    length -= piece.byteLength;
    yield piece;
  }
}
