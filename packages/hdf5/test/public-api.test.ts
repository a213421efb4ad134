import { expect, test } from 'vitest';
import * as hdf5 from '../src/index.js';

test('@statekit/hdf5 exports', () => {
  expect(Object.keys(hdf5).sort()).toMatchInlineSnapshot(`
    [
      "DTYPE_ATTR",
      "hdf5",
      "withHdf5",
    ]
  `);
});
