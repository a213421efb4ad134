import * as path from 'node:path';
import {
  type CodecDescriptor,
  detectFormat,
  isStatekitError,
  registerCodec,
  unregisterCodec,
} from '@statekit/core';
import { CONFIDENCE } from '@statekit/core/codec';
import { fileSource } from '@statekit/core/node';
import type { Dataset } from 'h5wasm';
import { expect, test } from 'vitest';
import { hdf5, withHdf5 } from '../src/index.js';

const MAT = path.resolve(import.meta.dirname, '../../../test-fixtures/mat/v73-cell.mat');

test('a MAT v7.3 file (512-byte MATLAB header) opens: attributes and #refs# references resolve', async () => {
  const source = fileSource(MAT);
  const result = await withHdf5(source, ({ file }) => {
    const w = file.get('W') as Dataset;
    const cell = file.get('C') as Dataset;
    const refs = (cell.value as unknown as { ref_data?: unknown }[]).map((ref) => {
      const target = file.dereference(ref as never) as unknown as Dataset;
      return [target.path, target.attrs.MATLAB_class?.json_value, target.value];
    });
    return {
      wClass: w.attrs.MATLAB_class?.json_value,
      wShape: w.shape,
      cellClass: cell.attrs.MATLAB_class?.json_value,
      refs,
    };
  });
  await source.close();
  expect(result.wClass).toBe('double');
  expect(result.wShape).toEqual([3, 2]); // column-major: MATLAB's 2x3
  expect(result.cellClass).toBe('cell');
  expect(result.refs.map(([p, cls]) => [p, cls])).toEqual([
    ['/#refs#/a', 'double'],
    ['/#refs#/b', 'char'],
  ]);
  expect(Array.from(result.refs[1]![2] as Uint16Array)).toEqual([104, 105]);
});

test('withHdf5 refuses non-HDF5 input with a format error naming the file', async () => {
  const file = path.resolve(import.meta.dirname, '../../../test-fixtures/npz/dtypes.npz');
  const error = await withHdf5(fileSource(file), () => 1).catch((e) => e);
  expect(isStatekitError(error, 'format')).toBe(true);
  expect(error.message).toBe(`${file}: not an HDF5 file (no signature)`);
});

test('the HDF5 codec yields a MAT v7.3 file to a MAT codec once one is registered', async () => {
  // A stand-in for @statekit/mat's descriptor: MATLAB 7.3's header is a marker on top of
  // the HDF5 signature, so it outranks hdf5's magic whatever the registration order.
  const mat: CodecDescriptor = {
    name: 'mat',
    extensions: ['.mat'],
    sniff: (head) =>
      new TextDecoder('latin1').decode(head.subarray(0, 19)) === 'MATLAB 7.3 MAT-file'
        ? CONFIDENCE.marker
        : CONFIDENCE.none,
    load: () => Promise.reject(new Error('a stub')),
  };
  const source = fileSource(MAT);
  registerCodec(hdf5);
  expect((await detectFormat(source)).name).toBe('hdf5');
  registerCodec(mat);
  expect((await detectFormat(source)).name).toBe('mat');
  unregisterCodec('mat');
  unregisterCodec('hdf5');
  await source.close();
});
