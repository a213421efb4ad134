/**
 * Writes a state tree as one pickled Python value that `pickle.load` reads with numpy 1.x and
 * 2.x: the containers the plan names (dict, OrderedDict, list, tuple, set), arrays as numpy
 * pickles them (`_reconstruct` + BUILD before protocol 5, `_frombuffer` at 5), numpy scalars,
 * Python scalars. A flat plan (npz's `E.V` keys) becomes BrainPy's `save_as_pkl` dict.
 */
import {
  type ByteSink,
  Complex,
  type Container,
  type Entry,
  isNdArray,
  type NdArray,
  type PathPart,
  SparseMatrix,
  StatekitError,
  StreamedArray,
  type WriteOptions,
} from '@statekit/core';
import {
  bytesOf,
  descrOf,
  isContainer,
  TreeIndex,
  type WritePlan,
  type WriteSummary,
  widenBfloat16,
} from '@statekit/core/codec';
import { PickleEncoder } from './encoder.js';
import { OP } from './opcodes.js';
import { PICKLE_HINT } from './tree.js';

/** Items per SETITEMS / APPENDS / ADDITEMS batch, as CPython's `_BATCHSIZE`. */
const BATCH = 1000;

/** Array payloads of more bytes go to the sink as they are, not through the buffer. */
const DIRECT_ABOVE = 64 << 10;

/** numpy's module, written as numpy 1.x names it (numpy 2.x still imports `numpy.core`). */
const NUMPY_CORE = 'numpy.core';

export async function writePickle(
  plan: WritePlan,
  entries: AsyncIterable<Entry> | Iterable<Entry>,
  sink: ByteSink,
  options: WriteOptions = {},
): Promise<WriteSummary> {
  const protocol = options.pickle?.protocol ?? 4;
  if (![2, 3, 4, 5].includes(protocol))
    throw new StatekitError(
      'format',
      `pickle: protocol ${protocol} is not one statekit writes (2-5)`,
      { file: sink.name },
    );
  const tree = await TreeIndex.gather(plan, entries, (e) => e.value instanceof SparseMatrix); // lossiness: skipped
  const writer = new TreeWriter(new PickleEncoder(sink, protocol), tree, sink.name);
  writer.out.header();
  // A pickle whose top value was one array (or scalar) is written back as that value alone.
  const [lone] = plan.entries;
  const alone = plan.entries.length === 1 && lone!.hints?.[PICKLE_HINT] === 'root';
  if (alone) await writer.leaf(tree.entry(lone!.path)!);
  else await writer.container(tree.root);
  writer.out.op(OP.STOP);
  await writer.out.flush();
  return { entries: tree.count };
}

class TreeWriter {
  /** Arrays already written, by object: a second path gets a memo reference, as pickle does. */
  private readonly shared = new Map<object, number>();
  /** Dtypes already written, by descr: numpy's dtypes are singletons, memoized so too. */
  private readonly dtypes = new Map<string, number>();

  constructor(
    readonly out: PickleEncoder,
    private readonly tree: TreeIndex,
    private readonly file: string,
  ) {}

  async container(c: Container): Promise<void> {
    const child = (name: PathPart): Promise<void> => {
      const node = this.tree.child(c, name);
      if (!node)
        throw new StatekitError(
          'format',
          `pickle: the plan names ${JSON.stringify([...c.path, name])} but nothing came for it`,
          {
            file: this.file,
          },
        );
      return isContainer(node) ? this.container(node) : this.leaf(node);
    };
    const { out } = this;
    switch (c.kind) {
      case 'list':
      case 'cell':
      case 'struct_array':
        out.op(OP.EMPTY_LIST);
        return this.batches(c.children, OP.APPENDS, child);
      case 'tuple':
        if (c.children.length > 3) out.op(OP.MARK);
        for (const name of c.children) await child(name);
        return out.tuple(c.children.length);
      case 'set':
        return this.set(c, child);
      case 'ordered_dict':
        out.global('collections', 'OrderedDict');
        out.op(OP.EMPTY_TUPLE);
        out.op(OP.REDUCE);
        break;
      default:
        out.op(OP.EMPTY_DICT);
    }
    return this.batches(c.children, OP.SETITEMS, async (name) => {
      if (typeof name === 'number') out.int(name);
      else out.str(name);
      await child(name);
    });
  }

  private async set(c: Container, child: (name: PathPart) => Promise<void>): Promise<void> {
    const { out } = this;
    const frozen = c.hints?.[PICKLE_HINT] === 'frozenset';
    if (out.protocol < 4) {
      out.global('builtins', frozen ? 'frozenset' : 'set');
      out.op(OP.EMPTY_LIST);
      await this.batches(c.children, OP.APPENDS, child);
      out.op(OP.TUPLE1);
      out.op(OP.REDUCE);
    } else if (frozen) {
      out.op(OP.MARK);
      for (const name of c.children) await child(name);
      out.op(OP.FROZENSET);
    } else {
      out.op(OP.EMPTY_SET);
      await this.batches(c.children, OP.ADDITEMS, child);
    }
  }

  /** MARK, up to BATCH items, `opcode`; repeated (CPython's `_batch_appends`/`_batch_setitems`). */
  private async batches(
    names: readonly PathPart[],
    opcode: number,
    item: (name: PathPart) => Promise<void>,
  ): Promise<void> {
    for (let i = 0; i < names.length; i += BATCH) {
      this.out.op(OP.MARK);
      for (const name of names.slice(i, i + BATCH)) await item(name);
      this.out.op(opcode);
      await this.out.maybeFlush();
    }
  }

  async leaf(e: Entry): Promise<void> {
    const v = e.value;
    const { out } = this;
    if (v instanceof StreamedArray || isNdArray(v)) return this.array(v);
    if (v === null) out.none();
    else if (typeof v === 'boolean') out.bool(v);
    else if (typeof v === 'bigint') out.int(v);
    else if (typeof v === 'number') out.float(v);
    else if (typeof v === 'string') out.str(v);
    else if (v instanceof Uint8Array && e.hints?.[PICKLE_HINT] === 'bytearray') this.bytearray(v);
    else if (v instanceof Uint8Array) out.bytes(v);
    else if (v instanceof Complex) {
      out.global('builtins', 'complex');
      out.float(v.re);
      out.float(v.im);
      out.op(OP.TUPLE2);
      out.op(OP.REDUCE);
    } else
      throw new StatekitError('unsupported', 'pickle: this value has no pickle form here', {
        file: this.file,
        key: e.key,
      });
  }

  /** `bytearray(b'...')`, as Python writes it (BYTEARRAY8 at protocol 5). */
  private bytearray(v: Uint8Array): void {
    const { out } = this;
    if (out.protocol >= 5) {
      out.opLength(OP.BYTEARRAY8, v.byteLength, 8);
      out.raw(v);
      return;
    }
    out.global('builtins', 'bytearray');
    out.bytes(v);
    out.op(OP.TUPLE1);
    out.op(OP.REDUCE);
  }

  private async array(value: NdArray | StreamedArray): Promise<void> {
    const memo = this.shared.get(value);
    if (memo !== undefined) return this.out.get(memo);
    // bfloat16: widened to float32 (numpy has no bfloat16 without ml_dtypes), as lossiness says.
    const array = widenBfloat16(value);
    if (isNdArray(array) && array.scalar) await this.numpyScalar(array);
    else if (this.out.protocol >= 5) await this.frombuffer(array);
    else await this.reconstruct(array);
    this.shared.set(value, this.out.put());
  }

  /** `numpy.core.multiarray.scalar(dtype, raw)`. */
  private async numpyScalar(array: NdArray): Promise<void> {
    const { out } = this;
    out.global(`${NUMPY_CORE}.multiarray`, 'scalar');
    this.dtype(array);
    out.bytes(bytesOf(array));
    out.op(OP.TUPLE2);
    out.op(OP.REDUCE);
  }

  /** Protocols 2-4: `_reconstruct(ndarray, (0,), b'b')` then BUILD `(1, shape, dtype, False, raw)`. */
  private async reconstruct(array: NdArray | StreamedArray): Promise<void> {
    const { out } = this;
    out.global(`${NUMPY_CORE}.multiarray`, '_reconstruct');
    out.global('numpy', 'ndarray');
    out.int(0);
    out.op(OP.TUPLE1);
    out.bytes(Uint8Array.of(0x62));
    out.op(OP.TUPLE3);
    out.op(OP.REDUCE);
    out.op(OP.MARK);
    out.int(1);
    this.shape(array.shape);
    this.dtype(array);
    out.bool(false);
    await this.payload(array, {
      length: PickleEncoder.bytesHeadLength,
      write: (n) => out.bytesHead(n),
    });
    out.op(OP.TUPLE);
    out.op(OP.BUILD);
  }

  /** Protocol 5: `numeric._frombuffer(bytearray, dtype, shape, 'C')`, as numpy writes writable arrays. */
  private async frombuffer(array: NdArray | StreamedArray): Promise<void> {
    const { out } = this;
    out.global(`${NUMPY_CORE}.numeric`, '_frombuffer');
    out.op(OP.MARK);
    await this.payload(array, { length: () => 9, write: (n) => out.opLength(OP.BYTEARRAY8, n, 8) });
    this.dtype(array);
    this.shape(array.shape);
    out.str('C');
    out.op(OP.TUPLE);
    out.op(OP.REDUCE);
  }

  /**
   * The array's little-endian C-order bytes after `head`'s opcode, aligned (small ones to 16
   * bytes, large to 64) so a reader can view them in place: small ones into the buffer, large
   * ones and slices straight to the sink.
   */
  private async payload(
    array: NdArray | StreamedArray,
    head: { length: (n: number) => number; write: (n: number) => void },
  ): Promise<void> {
    const { out } = this;
    if (out.protocol < 3) {
      out.bytes(bytesOf(array instanceof StreamedArray ? await array.load() : array));
      return;
    }
    const n = array instanceof StreamedArray ? array.byteLength : bytesOf(array).byteLength;
    out.alignPayload(head.length(n), n < DIRECT_ABOVE ? 16 : 64);
    head.write(n);
    if (array instanceof StreamedArray)
      for await (const slice of array.slices()) await out.direct(slice);
    else if (n < DIRECT_ABOVE) out.raw(bytesOf(array));
    else await out.direct(bytesOf(array));
    await out.maybeFlush();
  }

  private shape(shape: readonly number[]): void {
    if (shape.length > 3) this.out.op(OP.MARK);
    for (const d of shape) this.out.int(d);
    this.out.tuple(shape.length);
  }

  /** `numpy.dtype(spec, False, True)` then BUILD `(3, order, None, None, None, elsize, align, flags)`. */
  private dtype(array: Pick<NdArray, 'dtype' | 'itemSize'>): void {
    const { out } = this;
    const descr = descrOf(array);
    const memo = this.dtypes.get(descr);
    if (memo !== undefined) {
      out.get(memo);
      return;
    }
    const [order, spec] = [descr[0]!, descr.slice(1)];
    out.global('numpy', 'dtype');
    out.str(spec);
    out.bool(false);
    out.bool(true);
    out.op(OP.TUPLE3);
    out.op(OP.REDUCE);
    out.op(OP.MARK);
    out.int(3);
    out.str(order);
    out.none();
    out.none();
    out.none();
    const text =
      array.dtype === 'str'
        ? [array.itemSize, 4, 8]
        : array.dtype === 'bytes'
          ? [array.itemSize, 1, 0]
          : [-1, -1, 0];
    for (const n of text) out.int(n);
    out.op(OP.TUPLE);
    out.op(OP.BUILD);
    this.dtypes.set(descr, out.put());
  }
}
