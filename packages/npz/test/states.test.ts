import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  isStatekitError,
  type Logger,
  type NdArray,
  ndarray,
  registerCodec,
  statesOf,
  strings,
  TrainVar,
  Variable,
} from '@statekit/core';
import { loadStates, saveStates } from '@statekit/core/node';
import { beforeAll, describe, expect, test } from 'vitest';
import { npy, npz } from '../src/index.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../../test-fixtures/npz');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'statekit-states-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

beforeAll(() => {
  registerCodec(npz, npy);
});

function capture(): Logger & { lines: string[]; warnings: string[] } {
  const lines: string[] = [];
  const warnings: string[] = [];
  return { lines, warnings, log: (m) => lines.push(m), warn: (m) => warnings.push(m) };
}

const f32 = (values: number[]): NdArray<'float32'> =>
  ndarray('float32', [values.length], Float32Array.from(values));
const bool = (values: boolean[]): NdArray<'bool'> =>
  ndarray(
    'bool',
    [values.length],
    Uint8Array.from(values, (v) => (v ? 1 : 0)),
  );

/** A model shaped like the docs' EINet: E and I populations, ExpCOBA synapses sharing them. */
function einet(nE = 32, nI = 8) {
  const pop = (n: number) => ({
    V: new Variable(f32(new Array(n).fill(0))),
    input: new Variable(f32(new Array(n).fill(0))),
    refractory: new Variable(bool(new Array(n).fill(false))),
    spike: new Variable(bool(new Array(n).fill(false))),
    t_last_spike: new Variable(f32(new Array(n).fill(0))),
  });
  const E = pop(nE);
  const I = pop(nI);
  const syn = (pre: typeof E, post: typeof E, nPre: number, nPost: number) => ({
    g: new Variable(f32(new Array(nPost).fill(0))),
    pre,
    post,
    pre_spike: {
      data: new Variable(bool(new Array(3 * nPre).fill(false))),
      in_idx: new Variable(ndarray('uint32', [1], Uint32Array.of(9))),
      out_idx: new Variable(ndarray('uint32', [1], Uint32Array.of(9))),
    },
  });
  const net = {
    ExpCOBA0: syn(E, E, nE, nE),
    ExpCOBA1: syn(E, I, nE, nI),
    ExpCOBA2: syn(I, E, nI, nE),
    ExpCOBA3: syn(I, I, nI, nI),
    E,
    I,
  };
  // pre_spike.data is (num_step, pre.num) in BrainPy
  for (const s of [net.ExpCOBA0, net.ExpCOBA1, net.ExpCOBA2, net.ExpCOBA3]) {
    const n = s.pre === E ? nE : nI;
    s.pre_spike.data.value = ndarray('bool', [3, n], new Uint8Array(3 * n));
  }
  return net;
}

describe('loadStates on a BrainPy-style npz', () => {
  test('prints the verbose lines in file order and fills every variable', async () => {
    const net = einet();
    const log = capture();
    const result = await loadStates(net, path.join(FIXTURES, 'brainpy-einet.npz'), {
      verbose: true,
      logger: log,
    });
    const expected = JSON.parse(
      fs.readFileSync(path.join(FIXTURES, 'brainpy-einet.npz.expected.json'), 'utf8'),
    );
    expect(log.lines).toEqual(expected.entries.map((e: { key: string }) => `Loading ${e.key} ...`));
    expect(log.lines[0]).toBe('Loading ExpCOBA0.g ...');
    expect(result).toEqual({ missingKeys: [], unexpectedKeys: [], mismatched: [] });
    expect(log.warnings).toEqual([]);
    // Values really arrived: E.V is not the zeros we started with, and it is the same
    // array the synapses see through their `pre` reference.
    const v = net.E.V.value as NdArray<'float32'>;
    expect(Array.from(v.data.slice(0, 3)).every((x) => x < -30)).toBe(true);
    expect(net.ExpCOBA0.pre.V.value).toBe(v);
    expect((net.ExpCOBA0.pre_spike.out_idx.value as NdArray<'uint32'>).data[0]).toBe(2);
  });

  test('shared variables (E.V is also ExpCOBA0.pre.V) are never reported missing', async () => {
    const net = einet();
    const log = capture();
    const result = await loadStates(net, path.join(FIXTURES, 'brainpy-einet.npz'), { logger: log });
    expect(result.missingKeys).toEqual([]);
    expect(log.warnings).toEqual([]);
  });

  test("BrainPy 2.0's E--V keys load as E.V", async () => {
    const net = einet();
    const log = capture();
    const result = await loadStates(net, path.join(FIXTURES, 'brainpy-einet-legacy.npz'), {
      verbose: true,
      logger: log,
    });
    expect(log.lines[0]).toBe('Loading ExpCOBA0--g ...');
    expect(result).toEqual({ missingKeys: [], unexpectedKeys: [], mismatched: [] });
    expect((net.E.spike.value as NdArray).shape).toEqual([32]);
  });

  test("warns about missing variables with BrainPy's message and reports unexpected keys", async () => {
    const net = { ...einet(), extra: { w: new TrainVar(f32([1, 2])) } };
    const { ExpCOBA3: _dropped, ...partial } = net;
    const log = capture();
    const file = path.join(FIXTURES, 'brainpy-einet.npz');
    const result = await loadStates(partial, file, { logger: log });
    expect(result.missingKeys).toEqual(['extra.w']);
    expect(result.unexpectedKeys).toEqual([
      'ExpCOBA3.g',
      'ExpCOBA3.pre_spike.data',
      'ExpCOBA3.pre_spike.in_idx',
      'ExpCOBA3.pre_spike.out_idx',
    ]);
    expect(log.warnings).toEqual([
      `There are variable states missed in ${file}. The missed variables are: ['extra.w'].`,
    ]);
    const quiet = capture();
    await loadStates(partial, file, { logger: quiet, checkMissing: false });
    expect(quiet.warnings).toEqual([]);
  });

  test('BrainPy 2.2 duplicate_keys fill every alias and are not listed as keys', async () => {
    const V = new Variable(f32(new Array(10).fill(0)));
    const g = new Variable(f32(new Array(10).fill(0)));
    // The proxies hold *different* variables here, so the alias lists are what fills them.
    const model = {
      LIF0: { V, spike: new Variable(bool(new Array(10).fill(true))) },
      Exp0: { g },
      Proj0: { post: { V: new Variable(f32([0])) }, syn: { g: new Variable(f32([0])) } },
    };
    const log = capture();
    const result = await loadStates(model, path.join(FIXTURES, 'brainpy-2.2-duplicates.npz'), {
      verbose: true,
      logger: log,
      mismatch: 'ignore',
    });
    expect(log.lines).toEqual([
      'Loading LIF0.V ...',
      'Loading LIF0.spike ...',
      'Loading Exp0.g ...',
    ]);
    expect(result.missingKeys).toEqual([]);
    expect(result.unexpectedKeys).toEqual([]);
    expect(model.Proj0.post.V.value).toBe(V.value);
    expect(model.Proj0.syn.g.value).toBe(g.value);
    expect((g.value as NdArray<'float32'>).data[0]).toBe(1);
  });
});

describe('mismatches', () => {
  const file = path.join(FIXTURES, 'brainpy-einet.npz');
  test("'error' (default) throws naming key, expected and found, and assigns nothing", async () => {
    const net = einet(64);
    const before = net.I.V.value;
    const error = await loadStates(net, file, { logger: capture() }).catch((e) => e);
    expect(isStatekitError(error, 'mismatch')).toBe(true);
    expect(error.key).toBe('ExpCOBA0.g');
    expect(error.message).toBe(
      `${file}, key "ExpCOBA0.g": stored value does not fit the target: expected float32 (64,), found float32 (32,)`,
    );
    expect(net.I.V.value).toBe(before);
  });
  test("'warn' warns and loads; 'ignore' loads silently", async () => {
    const net = einet();
    (net.E.spike as Variable).value = f32(new Array(32).fill(0));
    const log = capture();
    const result = await loadStates(net, file, { logger: log, mismatch: 'warn' });
    expect(result.mismatched).toEqual([
      { key: 'E.spike', expected: 'float32 (32,)', found: 'bool (32,)' },
    ]);
    expect(log.warnings).toEqual([
      `${file}, key "E.spike": stored value does not fit the target: expected float32 (32,), found bool (32,)`,
    ]);
    expect((net.E.spike.value as NdArray).dtype).toBe('bool');
    const quiet = capture();
    await loadStates(einet(), file, { logger: quiet, mismatch: 'ignore' });
    expect(quiet.warnings).toEqual([]);
  });
  test('an invalid mode is refused up front', async () => {
    await expect(loadStates(einet(), file, { mismatch: 'strict' as never })).rejects.toThrow(
      "Invalid mismatch mode: 'strict'. Must be one of 'error', 'warn', or 'ignore'.",
    );
  });
});

describe('saveStates', () => {
  test('saves each variable once under its first path, aliases as BrainPy 2.2 lists, and round-trips', async () => {
    const net = einet();
    (net.E.V.value as NdArray<'float32'>).data.set([1, 2, 3]);
    const file = path.join(tmp, 'net.npz');
    await saveStates(net, file);
    const keys = statesOf(net).map((e) => e.key);
    expect(keys.filter((k) => k.endsWith('.V'))).toEqual(['E.V', 'I.V']);
    expect(keys.at(-2)).toBe('duplicate_keys');
    // Breadth first like BrainPy's vars(): the same member order BrainPy's npz files have.
    const brainpy = JSON.parse(
      fs.readFileSync(path.join(FIXTURES, 'brainpy-einet.npz.expected.json'), 'utf8'),
    );
    expect(keys.slice(0, -2)).toEqual(brainpy.entries.map((e: { key: string }) => e.key));
    const aliases = statesOf(net).at(-2)!.value as NdArray<'str'>;
    expect(strings(aliases)).toContain('ExpCOBA0.pre.V');

    const fresh = einet();
    const log = capture();
    const result = await loadStates(fresh, file, { verbose: true, logger: log });
    expect(result).toEqual({ missingKeys: [], unexpectedKeys: [], mismatched: [] });
    expect(Array.from((fresh.E.V.value as NdArray<'float32'>).data.slice(0, 4))).toEqual([
      1, 2, 3, 0,
    ]);
    expect(log.lines).not.toContain('Loading duplicate_keys ...');
  });

  test('overwrite: false refuses to replace a file', async () => {
    const file = path.join(tmp, 'keep.npz');
    fs.writeFileSync(file, 'precious');
    const error = await saveStates({ a: new Variable(f32([1])) }, file, { overwrite: false }).catch(
      (e) => e,
    );
    expect(isStatekitError(error, 'io')).toBe(true);
    expect(error.message).toBe(`${file}: file exists (overwrite is off)`);
    expect(fs.readFileSync(file, 'utf8')).toBe('precious');
  });

  test('a failed save leaves the previous file intact and no temporary files', async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'atomic-'));
    const file = path.join(dir, 'model.npy');
    await saveStates({ a: new Variable(f32([1])) }, file);
    const before = fs.readFileSync(file);
    // Two arrays cannot go into one .npy: the writer fails after writing the first.
    const error = await saveStates(
      { a: new Variable(f32([5])), b: new Variable(f32([6])) },
      file,
    ).catch((e) => e);
    expect(isStatekitError(error, 'unsupported')).toBe(true);
    expect(fs.readFileSync(file)).toEqual(before);
    expect(fs.readdirSync(dir)).toEqual(['model.npy']);
  });

  test('lossy values are refused, naming each key and why, unless allowLossy', async () => {
    const file = path.join(tmp, 'lossy.npz');
    const target = {
      w: new Variable(ndarray('bfloat16', [2], Uint16Array.of(0x3f80, 0x4000))),
      step: new Variable(10n),
      ok: new Variable(f32([1])),
    };
    const error = await saveStates(target, file).catch((e) => e);
    expect(isStatekitError(error, 'mismatch')).toBe(true);
    expect(error.message).toBe(
      `${file}: npz cannot store these 2 entries exactly (allow lossy conversion to proceed):\n` +
        '  w: numpy has no bfloat16 without ml_dtypes: stored as float32 (values exact, dtype changes)\n' +
        '  step: an int scalar is stored as a 0-d int64 array',
    );
    expect(fs.existsSync(file)).toBe(false);
    await saveStates(target, file, { allowLossy: true });
    const back = {
      w: new Variable(f32([0, 0])),
      step: new Variable(ndarray('int64', [], BigInt64Array.of(0n))),
      ok: new Variable(f32([0])),
    };
    await loadStates(back, file);
    expect(Array.from((back.w.value as NdArray<'float32'>).data)).toEqual([1, 2]);
    expect((back.step.value as NdArray<'int64'>).data[0]).toBe(10n);
  });

  test('plain state dicts (objects and Maps of arrays) load in place', async () => {
    const file = path.join(tmp, 'plain.npz');
    await saveStates({ 'E.V': f32([4, 5]), b: new Map([['c', bool([true])]]) }, file);
    const target = new Map<string, unknown>([['E.V', f32([0, 0])]]);
    const nested = { b: { c: bool([false]) } };
    await loadStates(target, file, { checkMissing: false });
    await loadStates(nested, file, { checkMissing: false });
    expect(Array.from((target.get('E.V') as NdArray<'float32'>).data)).toEqual([4, 5]);
    expect(nested.b.c.data[0]).toBe(1);
  });
});
