import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isStatekitError, type Logger, type NdArray, ndarray, Variable } from '@statekit/core';
import { describe, expect, test } from 'vitest';
import { AsyncManager, registerSerialization } from '../src/index.js';
import { loadPytree, msgpackLoad, msgpackSave, savePytree } from '../src/node.js';
import { PYTHON, python } from './python.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'statekit-msgpack-api-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));
const FIXTURES = path.resolve(import.meta.dirname, '../../../test-fixtures/msgpack');

function capture(): Logger & { lines: string[]; warnings: string[] } {
  const lines: string[] = [];
  const warnings: string[] = [];
  return { lines, warnings, log: (m) => lines.push(m), warn: (m) => warnings.push(m) };
}

const f32 = (...v: number[]) => ndarray('float32', [v.length], Float32Array.from(v));

/** The braintools-style model of the mismatch tests. */
function model() {
  return {
    params: {
      w: new Variable(ndarray('float32', [2, 3], new Float32Array(6))),
      b: new Variable(f32(0, 0, 0)),
    },
    layers: [f32(0), f32(0)],
    step: 0n,
  };
}

describe('msgpackSave / msgpackLoad', () => {
  test('save then load into a template: Variables in place, lists back to lists', async () => {
    const file = path.join(tmp, 'sub', 'ckpt.msgpack');
    const saved = model();
    (saved.params.w.value as NdArray<'float32'>).data.set([1, 2, 3, 4, 5, 6]);
    saved.layers[1] = f32(9);
    saved.step = 7n;
    const log = capture();
    expect(await msgpackSave(file, saved, { verbose: true, logger: log })).toBe(file);
    expect(log.lines).toEqual([`Saving checkpoint into ${file}`]);
    const target = model();
    const w = target.params.w;
    const restored = await msgpackLoad(file, { target, verbose: true, logger: log });
    expect(log.lines[1]).toBe(`Loading checkpoint from ${file}`);
    expect(restored.params.w).toBe(w); // restored in place, as braintools does for States
    expect(Array.from((w.value as NdArray<'float32'>).data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.isArray(restored.layers)).toBe(true);
    expect(Array.from((restored.layers[1] as NdArray<'float32'>).data)).toEqual([9]);
    expect(restored.step).toBe(7n);
  });

  test('without a target: the state dict, lists as {"0": ..} maps, as braintools returns it', async () => {
    const state = await msgpackLoad(path.join(FIXTURES, 'snn.bp'));
    expect(Object.keys(state)).toEqual(['net', 'epoch_i', 'train_loss']);
    expect(state.epoch_i).toBe(9n);
    // Keys a JS object would reorder ('0', '1', ... '10') come as a Map, in stored order.
    const tree = await msgpackLoad(path.join(FIXTURES, 'tree.msgpack'));
    expect([...tree.params.layers.keys()]).toEqual(['0', '1']);
  });

  test.each(['error', 'warn', 'ignore'] as const)(
    "mismatch '%s': braintools' messages",
    async (mismatch) => {
      const file = path.join(tmp, `mismatch-${mismatch}.msgpack`);
      await msgpackSave(file, {
        params: { w: ndarray('float32', [3, 2], new Float32Array(6)) },
        layers: [f32(1)],
        extra_in_file: 1n,
      });
      const target = { ...model(), params: { ...model().params } };
      const log = capture();
      const messages = [
        "The target dict keys and state dict keys do not match, target dict contains keys {'b'} which are not present in state dict at path ./params",
        'Array shape mismatch: expected (2, 3), got (3, 2) at path ./params/w',
        'The size of the list and the state dict do not match, got 2 and 1 at path ./layers',
        "The target dict keys and state dict keys do not match, target dict contains keys {'step'} which are not present in state dict at path .",
      ];
      if (mismatch === 'error') {
        const error = await msgpackLoad(file, { target, mismatch }).catch((e) => e);
        expect(isStatekitError(error, 'mismatch')).toBe(true);
        expect(messages).toContain(error.detail);
        return;
      }
      const restored = await msgpackLoad(file, { target, mismatch, logger: log });
      expect(log.warnings.sort()).toEqual(mismatch === 'warn' ? [...messages].sort() : []);
      // The file's array (wrong shape) is used; what the file lacks keeps the target's value.
      expect((restored.params.w.value as NdArray).shape).toEqual([3, 2]);
      expect(restored.params.b).toBe(target.params.b);
      expect(restored.layers).toHaveLength(2);
      expect(restored.step).toBe(0n);
      expect(Object.keys(restored)).not.toContain('extra_in_file');
    },
  );

  test('an invalid mode, a missing file, and overwrite: false are refused as braintools refuses them', async () => {
    await expect(
      msgpackLoad('/nonexistent.msgpack', { mismatch: 'strict' as 'error' }),
    ).rejects.toThrow(
      "Invalid mismatch mode: 'strict'. Must be one of 'error', 'warn', or 'ignore'.",
    );
    await expect(msgpackLoad('/nonexistent.msgpack')).rejects.toThrow(
      'Checkpoint not found: /nonexistent.msgpack',
    );
    const file = path.join(tmp, 'kept.msgpack');
    await msgpackSave(file, { a: 1n });
    await expect(msgpackSave(file, { a: 2n }, { overwrite: false })).rejects.toThrow(
      `Invalid checkpoint at "${file}".`,
    );
    expect((await msgpackLoad(file)).a).toBe(1n);
  });
});

describe('AsyncManager', () => {
  test('the state is captured when save returns; a second save waits, with the warning', async () => {
    const manager = new AsyncManager();
    const log = capture();
    const w = f32(1, 2);
    const file = path.join(tmp, 'async.msgpack');
    await msgpackSave(file, { w }, { asyncManager: manager, logger: log });
    (w.data as Float32Array).fill(-1); // changed after save returned: not in the file
    await msgpackSave(
      path.join(tmp, 'async2.msgpack'),
      { w },
      { asyncManager: manager, logger: log },
    );
    await manager.waitPreviousSave();
    expect(Array.from((await msgpackLoad(file)).w.data)).toEqual([1, 2]);
    expect(log.warnings.length).toBeLessThanOrEqual(1);
    if (log.warnings[0])
      expect(log.warnings[0]).toBe(
        'A previous async braintools.file.msgpack_save has not finished yet; waiting for it to complete before the next save.',
      );
    await manager.close();
    await expect(msgpackSave(file, { w }, { asyncManager: manager })).rejects.toThrow(
      'Cannot save with a closed AsyncManager',
    );
  });
});

describe('savePytree / loadPytree (BrainPy .bp)', () => {
  test("'.bp' is added unless present, the name printed before; a missing file returns the target", async () => {
    const log = capture();
    const base = path.join(tmp, 'snn');
    expect(await savePytree(base, { net: { V: f32(-65) }, epoch_i: 9n }, { logger: log })).toBe(
      `${base}.bp`,
    );
    expect(log.lines).toEqual([`Saving checkpoint into ${base}`]);
    const state = await loadPytree(`${base}.bp`, { logger: log });
    expect(log.lines[1]).toBe(`Loading checkpoint from ${base}.bp`);
    expect(state.epoch_i).toBe(9n);
    const target = { net: { V: f32(0) } };
    expect(await loadPytree(path.join(tmp, 'missing.bp'), { target })).toBe(target);
  });
});

describe('registerSerialization', () => {
  class Point {
    constructor(
      readonly x: number,
      readonly y: number,
    ) {}
  }
  test('a class saved through its handler and restored through it', async () => {
    registerSerialization(
      Point,
      (p) => ({ x: p.x, y: p.y }),
      (_target, state) => new Point(state.x, state.y),
    );
    expect(() =>
      registerSerialization(
        Point,
        (p) => p,
        (t) => t,
      ),
    ).toThrow('a serialization handler for "Point" is already registered');
    const file = path.join(tmp, 'point.msgpack');
    await msgpackSave(file, { p: new Point(1.5, -2) });
    const restored = await msgpackLoad(file, { target: { p: new Point(0, 0) } });
    expect(restored.p).toEqual(new Point(1.5, -2));
  });
});

test.skipIf(!PYTHON)(
  "Python (msgpack with flax's ext hooks) reads what msgpackSave wrote",
  async () => {
    const file = path.join(tmp, 'for-python.msgpack');
    await msgpackSave(file, { params: { w: f32(1, 2, 3) }, layers: [f32(4)], lr: 0.5, step: 3n });
    const out = python(
      `
import sys, msgpack, numpy as np
def ext(code, data):
    shape, name, buf = msgpack.unpackb(data, raw=True)
    return np.frombuffer(buf, dtype=np.dtype(name.decode())).reshape(shape)
s = msgpack.unpackb(open(sys.argv[1], 'rb').read(), ext_hook=ext)
print(s['params']['w'].tolist(), s['layers']['0'].tolist(), type(s['lr']).__name__, s['step'])`,
      file,
    );
    expect(out.trim()).toBe('[1.0, 2.0, 3.0] [4.0] float 3');
  },
);
