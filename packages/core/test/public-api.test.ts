import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect, test } from 'vitest';
import * as kit from '../src/codec-kit.js';
import * as core from '../src/index.js';
import * as node from '../src/node/index.js';
import * as zip from '../src/zip-reader.js';

// Changing what a package exports is a deliberate act: update these lists with it.
test('@statekit/core exports', () => {
  expect(Object.keys(core).sort()).toMatchInlineSnapshot(`
    [
      "CONTAINER_KINDS",
      "CONVERT_STREAM_ABOVE",
      "Complex",
      "DEFAULT_LIMITS",
      "DTYPES",
      "DTYPE_NAMES",
      "LossyConversionError",
      "SLICE_BYTES",
      "SparseMatrix",
      "StatekitError",
      "StreamedArray",
      "TrainVar",
      "UnsupportedEntriesError",
      "Variable",
      "arraySha256",
      "bfloat16BitsToNumber",
      "bfloat16ToFloat32",
      "blobSource",
      "brainpyLegacyKey",
      "bytesArray",
      "bytesSource",
      "codecForExtension",
      "compareLeaves",
      "containerKey",
      "convert",
      "detectFormat",
      "diff",
      "elementCount",
      "entry",
      "flattenPath",
      "flattenTree",
      "float16BitsToNumber",
      "float16ToFloat32",
      "float32ToBfloat16",
      "float32ToFloat16",
      "formatShape",
      "fromTree",
      "isDType",
      "isLeaf",
      "isNdArray",
      "isStatekitError",
      "keyOf",
      "leafKind",
      "loadStates",
      "lossCount",
      "memorySink",
      "ndarray",
      "nestSlashes",
      "numberToBfloat16Bits",
      "numberToFloat16Bits",
      "numpyScalar",
      "openSource",
      "registerCodec",
      "registeredCodecs",
      "saveStates",
      "stateDict",
      "statesOf",
      "strArray",
      "strings",
      "toSource",
      "unflatten",
      "unregisterCodec",
    ]
  `);
});

test("@statekit/core/codec exports (the codec authors' kit)", () => {
  expect(Object.keys(kit).sort()).toMatchInlineSnapshot(`
    [
      "ByteArena",
      "CONFIDENCE",
      "DUPLICATE_KEYS",
      "DUPLICATE_TARGETS",
      "KeyIndex",
      "READ_OPTIONS",
      "SEQUENCE_KINDS",
      "SNIFF_BYTES",
      "SinkWriter",
      "TreeIndex",
      "WRITE_OPTIONS",
      "aliasEntry",
      "aliasNames",
      "bytesOf",
      "checkArrayBytes",
      "checkLossless",
      "checkOptions",
      "checkRange",
      "collectSlots",
      "completeContainers",
      "concatBytes",
      "descrOf",
      "describeLeaf",
      "extensionOf",
      "fileStem",
      "fortranToC",
      "getCodec",
      "guardEntry",
      "infoOf",
      "isAliasList",
      "isContainer",
      "itemSizeOf",
      "limitsWith",
      "lossesOf",
      "numpyArrayOf",
      "pickCodec",
      "planOf",
      "pyList",
      "pyStr",
      "resolveDescr",
      "scalarByteLength",
      "sha256Hex",
      "sourceSlices",
      "summarizeLosses",
      "swapBytesInPlace",
      "toHex",
      "treeReader",
      "unsupportedInfo",
      "viewAs",
      "wholeSlices",
      "widenBfloat16",
      "withContext",
      "writeChecked",
      "writeEntries",
      "yieldToEventLoop",
    ]
  `);
  // The user API and the kit do not overlap: each name has one home.
  expect(Object.keys(kit).filter((name) => name in core)).toEqual([]);
});

test('@statekit/core/node exports', () => {
  expect(Object.keys(node).sort()).toMatchInlineSnapshot(`
    [
      "atomicFileSink",
      "fileSource",
      "loadStates",
      "removePendingTemporaries",
      "saveStates",
    ]
  `);
});

test('@statekit/core/zip exports (ZIP reading for npz and PyTorch files)', () => {
  expect(Object.keys(zip).sort()).toMatchInlineSnapshot(`
    [
      "checkCrc",
      "memberChunks",
      "memberDataOffset",
      "readMember",
      "readMemberPrefix",
      "readZipDirectory",
    ]
  `);
});

test('the browser entry never reaches node: modules', () => {
  const src = path.resolve(import.meta.dirname, '../src');
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^(?:import|export)[^'"]*from '([^']+)'/gm)) {
      const spec = m[1]!;
      expect(spec.startsWith('node:'), `${path.relative(src, file)} imports ${spec}`).toBe(false);
      if (spec === '@statekit/core/zlib') visit(path.join(src, 'zlib-browser.ts'));
      if (spec === '@statekit/core/hash') visit(path.join(src, 'hash-browser.ts'));
      if (spec.startsWith('.'))
        visit(path.resolve(path.dirname(file), spec.replace(/\.js$/, '.ts')));
    }
  };
  visit(path.join(src, 'index.ts'));
  visit(path.join(src, 'codec-kit.ts'));
  visit(path.join(src, 'zlib-browser.ts'));
  visit(path.join(src, 'zip-reader.ts'));
  expect(seen.size).toBeGreaterThan(15);
  expect([...seen].some((f) => f.includes(`${path.sep}node${path.sep}`))).toBe(false);
});
