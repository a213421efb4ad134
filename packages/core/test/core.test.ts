import { describe, expect, test } from 'vitest';
import {
  collectSlots,
  fortranToC,
  infoOf,
  pyList,
  swapBytesInPlace,
  withContext,
} from '../src/codec-kit.js';
import {
  arraySha256,
  bfloat16BitsToNumber,
  bytesArray,
  DTYPE_NAMES,
  DTYPES,
  elementCount,
  entry,
  float16BitsToNumber,
  formatShape,
  isStatekitError,
  ndarray,
  numberToBfloat16Bits,
  numberToFloat16Bits,
  StatekitError,
  StreamedArray,
  stateDict,
  strArray,
  strings,
  unflatten,
  Variable,
} from '../src/index.js';

describe('dtype table', () => {
  test('has every numpy name the issue lists, with backing arrays and descrs', () => {
    expect(DTYPE_NAMES).toEqual([
      'bool',
      'int8',
      'int16',
      'int32',
      'int64',
      'uint8',
      'uint16',
      'uint32',
      'uint64',
      'float16',
      'bfloat16',
      'float32',
      'float64',
      'complex64',
      'complex128',
      'str',
      'bytes',
    ]);
    expect(DTYPES.int64.ArrayType).toBe(BigInt64Array);
    expect(DTYPES.bool.ArrayType).toBe(Uint8Array);
    expect(DTYPES.complex64).toMatchObject({
      itemSize: 8,
      lanes: 2,
      ArrayType: Float32Array,
      descr: '<c8',
    });
    expect(DTYPES.float16).toMatchObject({ itemSize: 2, rawBits: true, ArrayType: Uint16Array });
  });
});

describe('float16 and bfloat16', () => {
  test('decode known bit patterns exactly', () => {
    expect(float16BitsToNumber(0x3c00)).toBe(1);
    expect(float16BitsToNumber(0xc000)).toBe(-2);
    expect(float16BitsToNumber(0x7bff)).toBe(65504);
    expect(float16BitsToNumber(0x0001)).toBe(2 ** -24);
    expect(float16BitsToNumber(0x7c00)).toBe(Number.POSITIVE_INFINITY);
    expect(float16BitsToNumber(0x7e00)).toBeNaN();
    expect(Object.is(float16BitsToNumber(0x8000), -0)).toBe(true);
    expect(bfloat16BitsToNumber(0x3f80)).toBe(1);
    expect(bfloat16BitsToNumber(0x4049)).toBe(3.140625);
  });
  test('every one of the 65,536 half bit patterns round-trips (NaNs stay NaN)', () => {
    for (let bits = 0; bits < 0x10000; bits++) {
      const value = float16BitsToNumber(bits);
      const back = numberToFloat16Bits(value);
      if (Number.isNaN(value))
        expect((back & 0x7c00) === 0x7c00 && (back & 0x3ff) !== 0).toBe(true);
      else if (back !== bits)
        throw new Error(`0x${bits.toString(16)} -> ${value} -> 0x${back.toString(16)}`);
    }
  });
  test('encoding rounds to nearest even, overflows to infinity', () => {
    expect(numberToFloat16Bits(1 + 2 ** -11)).toBe(0x3c00); // tie -> even
    expect(numberToFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie -> even (up)
    expect(numberToFloat16Bits(65520)).toBe(0x7c00);
    expect(numberToFloat16Bits(65519)).toBe(0x7bff);
    expect(numberToFloat16Bits(2 ** -25)).toBe(0);
    expect(numberToFloat16Bits(3 * 2 ** -26)).toBe(1);
    expect(numberToBfloat16Bits(1)).toBe(0x3f80);
    expect(numberToBfloat16Bits(1 + 2 ** -8)).toBe(0x3f80); // tie -> even
    expect(numberToBfloat16Bits(1 + 3 * 2 ** -8)).toBe(0x3f82);
  });
});

describe('arrays', () => {
  test('ndarray checks the element count and the backing type', () => {
    expect(elementCount([])).toBe(1);
    expect(elementCount([2, 0, 3])).toBe(0);
    expect(() => ndarray('float32', [2, 2], new Float32Array(3))).toThrow(
      'shape (2, 2) of float32 needs 4 Float32Array elements, got 3',
    );
    expect(() => ndarray('int64', [1], new Int32Array(1) as never)).toThrow(
      'int64 data must be a BigInt64Array, got Int32Array',
    );
    expect(() => ndarray('complex64', [2], new Float32Array(2))).toThrow(/needs 4/);
    expect(() => ndarray('float32', [-1], new Float32Array(0))).toThrow('invalid dimension -1');
  });
  test('str and bytes arrays encode like numpy <U and |S', () => {
    const s = strArray(['E.V', '日本', ''], [3]);
    expect(s.itemSize).toBe(12);
    expect(Array.from(s.data.slice(0, 8))).toEqual([69, 0, 0, 0, 46, 0, 0, 0]);
    expect(strings(s)).toEqual(['E.V', '日本', '']);
    const b = bytesArray(['ab', new Uint8Array([1, 0, 2])]);
    expect(b.itemSize).toBe(3);
    expect(strings(b)).toEqual(['ab', '\x01\x00\x02']);
  });
  test('formatShape prints like numpy', () => {
    expect([formatShape([]), formatShape([3]), formatShape([2, 3])]).toEqual([
      '()',
      '(3,)',
      '(2, 3)',
    ]);
  });
  test('byte swapping and Fortran-to-C transposition', () => {
    const b = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8);
    swapBytesInPlace(b, 4);
    expect(Array.from(b)).toEqual([4, 3, 2, 1, 8, 7, 6, 5]);
    // 2x3 array [[0,1,2],[3,4,5]] stored column-major is 0,3,1,4,2,5
    const f = new Uint8Array(Float64Array.of(0, 3, 1, 4, 2, 5).buffer);
    expect(Array.from(new Float64Array(fortranToC(f, [2, 3], 8).buffer))).toEqual([
      0, 1, 2, 3, 4, 5,
    ]);
    // 3-D, 1-byte items: shape (2,2,2), F order index i + 2j + 4k
    const f3 = Uint8Array.from({ length: 8 }, (_, n) => n);
    const c3 = fortranToC(f3, [2, 2, 2], 1);
    expect(Array.from(c3)).toEqual([0, 4, 2, 6, 1, 5, 3, 7]);
    // 16-byte items (complex128) and 3-byte items (|S3)
    expect(
      Array.from(
        fortranToC(
          Uint8Array.from({ length: 12 }, (_, n) => n),
          [2, 2],
          3,
        ),
      ),
    ).toEqual([0, 1, 2, 6, 7, 8, 3, 4, 5, 9, 10, 11]);
  });
});

describe('state dicts', () => {
  test('flat E.V and nested E/V cannot share a flat map', () => {
    expect(() => stateDict([entry(['E.V'], 1), entry(['E', 'V'], 2)])).toThrow(
      'key "E.V": paths ["E.V"] and ["E","V"] both flatten to this key',
    );
  });
  test('unflatten rebuilds trees from paths, keeping dotted names whole', () => {
    const tree = unflatten([entry(['E.V'], 1), entry(['net', 'w'], 2n)]);
    expect(Object.getPrototypeOf(tree)).toBe(null);
    expect(tree['E.V']).toBe(1);
    expect((tree.net as Record<string, unknown>).w).toBe(2n);
  });
  test('__proto__ keys are plain data, not prototypes', () => {
    const tree = unflatten([entry(['__proto__', 'polluted'], 'yes')]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(tree)).toEqual(['__proto__']);
  });
  test('collectSlots walks breadth first, folds aliases, cuts cycles', () => {
    const V = new Variable(1);
    const E: Record<string, unknown> = { V };
    const net: Record<string, unknown> = { syn: { pre: E, g: new Variable(2) }, E };
    E.net = net; // a cycle
    const slots = collectSlots(net);
    expect(slots.map((s) => s.key)).toEqual(['syn.g', 'E.V', 'syn.pre.V']);
    expect(slots[1]!.identity).toBe(slots[2]!.identity);
  });
});

describe('errors', () => {
  test('carry tag, file, key and cause; the message names file and key', () => {
    const cause = new Error('inner');
    const e = new StatekitError('corrupt', 'bad CRC', { file: 'a.npz', key: 'E.V', cause });
    expect(e.message).toBe('a.npz, key "E.V": bad CRC');
    expect([e.tag, e.file, e.key, e.cause]).toEqual(['corrupt', 'a.npz', 'E.V', cause]);
    expect(isStatekitError(e)).toBe(true);
    expect(isStatekitError(e, 'io', 'corrupt')).toBe(true);
    expect(isStatekitError(e, 'io')).toBe(false);
    expect(isStatekitError(new Error('x'))).toBe(false);
  });
  test('withContext adds the file once and wraps foreign errors as io', () => {
    const e = withContext(new StatekitError('limit', 'too big', { key: 'k' }), 'f.npz');
    expect(e.message).toBe('f.npz, key "k": too big');
    expect(withContext(e, 'other.npz')).toBe(e);
    const io = withContext(new Error('EACCES'), 'g.npz');
    expect([io.tag, io.message]).toEqual(['io', 'g.npz: EACCES']);
  });
  test("pyList formats like Python's repr", () => {
    expect(pyList(['E.V', "it's"])).toBe(`['E.V', "it's"]`);
    expect(pyList([])).toBe('[]');
  });
});

describe('SHA-256', () => {
  test("the browser implementation (JS beyond WebCrypto's limit) matches node:crypto", async () => {
    const { sha256Js } = await import('../src/hash-browser.js');
    const { sha256Bytes } = await import('../src/hash-node.js');
    const { toHex } = await import('../src/hex.js');
    for (const n of [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000, 100_003]) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 31 + 7) & 0xff);
      expect(toHex(sha256Js(bytes)), `${n} bytes`).toBe(await sha256Bytes(bytes));
    }
    expect(toHex(sha256Js(new TextEncoder().encode('abc')))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });
  test('hashing in pieces gives the digest of the whole, in both builds', async () => {
    const browser = await import('../src/hash-browser.js');
    const node = await import('../src/hash-node.js');
    const bytes = Uint8Array.from({ length: 10_007 }, (_, i) => (i * 131 + 3) & 0xff);
    const whole = await node.sha256Bytes(bytes);
    for (const cuts of [[], [1], [63, 64, 65], [55, 56, 57, 5000], [10_006]]) {
      async function* pieces(): AsyncGenerator<Uint8Array> {
        let at = 0;
        for (const cut of [...cuts, bytes.length]) {
          yield bytes.subarray(at, cut);
          at = cut;
        }
      }
      expect(await browser.sha256Chunks(pieces()), `cuts ${cuts}`).toBe(whole);
      expect(await node.sha256Chunks(pieces()), `cuts ${cuts}`).toBe(whole);
    }
  });
});

describe('StreamedArray', () => {
  const bytes = Uint8Array.from({ length: 4 * 1000 }, (_, i) => i & 0xff);
  const from = (chunks: number[], data = bytes) =>
    new StreamedArray('float32', [1000], 4, async function* () {
      let at = 0;
      for (const n of chunks) {
        yield data.subarray(at, at + n);
        at += n;
      }
    });
  test('slices are whole elements, at most the size asked, in order', async () => {
    const s = from([3, 1, 2000, 1996]);
    const got: Uint8Array[] = [];
    for await (const slice of s.slices(10)) {
      expect(slice.byteLength).toBeLessThanOrEqual(8);
      expect(slice.byteLength % 4).toBe(0);
      got.push(slice.slice());
    }
    expect(Buffer.concat(got)).toEqual(Buffer.from(bytes));
    expect(await arraySha256(s)).toBe(await arraySha256(await s.load()));
    expect(infoOf(entry(['w'], s))).toEqual({
      key: 'w',
      path: ['w'],
      kind: 'array',
      dtype: 'float32',
      shape: [1000],
      byteLength: 4000,
    });
  });
  test('a source that ends early or runs long is corrupt; load() checks its limit first', async () => {
    const short = new StreamedArray(
      'float32',
      [1000],
      4,
      async function* () {
        yield bytes.subarray(0, 3998);
      },
      { file: 'f.npz', key: 'w' },
    );
    await expect(short.load()).rejects.toThrow(
      'f.npz, key "w": float32 array (1000,) has fewer than its 4000 bytes of data',
    );
    const long = from([4000, 4]);
    const longer = new Uint8Array(4004);
    await expect(from([4000, 4], longer).load()).rejects.toMatchObject({ tag: 'corrupt' });
    expect(long.byteLength).toBe(4000);
    await expect(from([4000]).load(3999)).rejects.toMatchObject({ tag: 'limit' });
    await expect(from([4000]).load(3999)).rejects.toThrow(
      'the array holds 4000 bytes, over limits.maxArrayBytes (3999)',
    );
  });
});
