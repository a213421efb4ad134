/**
 * `pnpm bench`: statekit beside numpy / h5py on the same data in one run. Every figure is the
 * median of interleaved repeats (at least 5) with its min-max; the Python side answers from a
 * long-lived process, so both sides' repeats alternate in one loop, and each row's floors
 * (a plain read of the same file into a fresh buffer, a plain write+fsync of the same number
 * of bytes from a pre-touched buffer) are measured in that loop too. First touch is equal on
 * both sides: every load reads into fresh memory (statekit, numpy, h5py and the read floor),
 * every save writes from memory already touched (the in-memory state, the arrays Python loaded
 * once untimed, the pre-touched floor buffer).
 *
 * Cases: (a) 200 float32 arrays, 256 MiB; (b) 20,000 arrays of 100 floats (npz, hdf5, pickle; a
 * torch.save file of (a) when Python has torch; npz also peak load memory
 * measured in fresh processes); diff of 10,000 and 20,000 keys (is it linear?); and the main
 * job as a user runs it: the built `statekit` bin converting (a) npz -> h5 and h5 -> npz and
 * diffing the two, process start included, beside a Python script doing the same with numpy
 * and h5py, and the CLI's start-up.
 *
 * Usage: pnpm bench [--repeats N] [--quick] [--only npz|hdf5|pickle|msgpack|diff|cli] [--json FILE]
 */
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { diff, type Entry, ndarray, openSource, registerCodec, saveStates } from '@statekit/core';
import { atomicFileSink, fileSource } from '@statekit/core/node';
import { hdf5 } from '@statekit/hdf5';
import { msgpack } from '@statekit/msgpack';
import { npy, npz } from '@statekit/npz';
import { pickle, torch } from '@statekit/pickle';

registerCodec(npz, npy, hdf5, pickle, torch, msgpack);

const { values } = parseArgs({
  options: {
    repeats: { type: 'string', default: '5' },
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    json: { type: 'string' },
  },
});
const repeats = Math.max(5, Number(values.repeats));
const HERE = import.meta.dirname;
const REPO = path.dirname(HERE);
const BIN = path.join(REPO, 'packages/cli/dist/src/main.js');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'statekit-bench-'));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
const wants = (what: string): boolean => !values.only || values.only === what;

const PYTHON = ['/usr/bin/python3', 'python3'].find(
  (p) => spawnSync(p, ['-c', 'import numpy, h5py'], { stdio: 'ignore' }).status === 0,
);

/** Median, min and max of a figure's repeats. */
interface Stats {
  median: number;
  min: number;
  max: number;
  n: number;
}

function stats(samples: number[]): Stats {
  const s = [...samples].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { median, min: s[0]!, max: s.at(-1)!, n: s.length };
}

/** One row of the report: statekit's figure, Python's and the floor beside it, the target. */
interface Row {
  case: string;
  op: string;
  unit: 's' | 'x state bytes';
  ours: Stats;
  python?: Stats;
  floor?: Stats;
  floorName?: string;
  target: string;
  ok: boolean;
}

/** A timed thing: returns seconds (or, for memory, the figure itself). */
type Trial = () => Promise<number>;

/**
 * Runs every trial `repeats` times, interleaved: repeat r runs them all, starting one further
 * along each time, so no trial always runs first (after the others' cache effects) or last.
 */
async function interleaved(trials: Record<string, Trial>): Promise<Record<string, Stats>> {
  const names = Object.keys(trials);
  const samples: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < repeats; r++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + r) % names.length]!;
      collect();
      samples[name]!.push(await trials[name]!());
    }
  }
  return Object.fromEntries(names.map((n) => [n, stats(samples[n]!)]));
}

/** Collects garbage first (node --expose-gc), so no timing pays for an earlier one. */
function collect(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

async function seconds(fn: () => Promise<unknown> | unknown): Promise<number> {
  const t = performance.now();
  await fn();
  return (performance.now() - t) / 1000;
}

/** The long-lived Python process: one request, one answer, in order. */
class PythonSide {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly answers: AsyncIterator<string>;

  constructor(python: string) {
    this.child = spawn(python, [path.join(HERE, 'bench_python.py'), 'serve']);
    this.child.stderr.on('data', (d) => process.stderr.write(d));
    this.answers = createInterface({ input: this.child.stdout })[Symbol.asyncIterator]();
  }

  async ask(request: Record<string, string>): Promise<Record<string, number>> {
    this.child.stdin.write(`${JSON.stringify(request)}\n`);
    const next = await this.answers.next();
    if (next.done) throw new Error('the Python side ended');
    return JSON.parse(next.value);
  }

  timed(request: Record<string, string>): Trial {
    return async () => (await this.ask(request)).seconds!;
  }

  close(): void {
    this.child.stdin.end();
  }
}

const py = PYTHON ? new PythonSide(PYTHON) : undefined;

function makeState(count: number, floats: number): Record<string, ReturnType<typeof ndarray>> {
  const state: Record<string, ReturnType<typeof ndarray>> = {};
  let seed = 1;
  for (let i = 0; i < count; i++) {
    const data = new Float32Array(floats);
    for (let j = 0; j < floats; j++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      data[j] = seed / 2 ** 32 - 0.5;
    }
    state[`layer${i}.w`] = ndarray('float32', [floats], data);
  }
  return state;
}

async function loadAll(file: string): Promise<Map<string, Entry>> {
  const source = fileSource(file);
  const reader = await openSource(source);
  const out = new Map<string, Entry>();
  for await (const e of reader.read()) out.set(e.key, e);
  await source.close();
  return out;
}

/** The read floor: the whole file into a fresh buffer. */
function plainRead(file: string): Trial {
  return () =>
    seconds(() => {
      const size = fs.statSync(file).size;
      const buffer = new Uint8Array(size);
      const fd = fs.openSync(file, 'r');
      let done = 0;
      while (done < size) done += fs.readSync(fd, buffer, done, size - done, done);
      fs.closeSync(fd);
    });
}

/** The write floor: `bytes` from a pre-touched buffer, then fsync. */
function plainWrite(file: string, bytes: number): Trial {
  const buffer = new Uint8Array(bytes).fill(1);
  return () =>
    seconds(() => {
      const fd = fs.openSync(file, 'w');
      let done = 0;
      while (done < bytes) done += fs.writeSync(fd, buffer, done, Math.min(bytes - done, 1 << 30));
      fs.fsyncSync(fd);
      fs.closeSync(fd);
    });
}

/** Peak RSS growth of a fresh Node process loading `file` with statekit, in bytes. */
function statekitPeak(file: string): number {
  const script = `
    import { readFileSync } from 'node:fs';
    import { openSource, registerCodec } from '@statekit/core';
    import { fileSource } from '@statekit/core/node';
    import { npz } from '@statekit/npz';
    registerCodec(npz);
    await npz.load(); // the codec module itself is not state
    globalThis.gc?.();
    const before = process.memoryUsage().rss;
    const reader = await openSource(fileSource(${JSON.stringify(file)}));
    const kept = [];
    for await (const e of reader.read()) kept.push(e);
    // VmHWM belongs to this address space (ru_maxrss would count the parent's RSS at fork).
    const hwm = /VmHWM:\\s+(\\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    console.log(Number(hwm[1]) * 1024 - before);
  `;
  // Plain Node on the built packages, as a user's process (no tsx in the address space).
  const probe = path.join(REPO, 'packages/cli/.bench-probe.mjs');
  fs.writeFileSync(probe, script);
  try {
    const r = spawnSync(process.execPath, ['--expose-gc', probe], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    return Number(r.stdout.trim());
  } finally {
    fs.rmSync(probe, { force: true });
  }
}

/** The same arrays held by plain JS: one buffer, 20,000 typed-array views and entry objects. */
function plainJsPeak(count: number, floats: number): number {
  const script = `
    import { readFileSync } from 'node:fs';
    globalThis.gc?.();
    const before = process.memoryUsage().rss;
    const buffer = new ArrayBuffer(${count * floats * 4});
    const kept = [];
    for (let i = 0; i < ${count}; i++)
      kept.push({ key: 'layer' + i + '.w', value: new Float32Array(buffer, i * ${floats * 4}, ${floats}) });
    const hwm = /VmHWM:\\s+(\\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    console.log(Number(hwm[1]) * 1024 - before);
  `;
  const r = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return Number(r.stdout.trim());
}

const rows: Row[] = [];

/**
 * Loads of `file` and saves of `state` in `format`, by statekit, by numpy or h5py (saving the
 * arrays of the npz `source`) and by the floors, interleaved; one row each, with `targets`.
 */
async function loadAndSave(
  desc: string,
  state: Record<string, ReturnType<typeof ndarray>>,
  format: keyof typeof PYTHON_LIBS,
  file: string,
  source: string,
  targets: Record<'load' | 'save', { target: string; ok: (s: Record<string, Stats>) => boolean }>,
): Promise<void> {
  const lib = PYTHON_LIBS[format];
  const ext = path.extname(file);
  const ours = path.join(dir, `ours${ext}`);
  const theirs = path.join(dir, `${lib}${ext}`);
  const plain = path.join(dir, 'plain.bin');
  const trials: Record<'load' | 'save', Record<string, Trial>> = {
    load: {
      ours: () => seconds(() => loadAll(file)),
      floor: plainRead(file),
      ...(py ? { python: py.timed({ op: 'load', lib, file }) } : {}),
    },
    save: {
      ours: () => seconds(() => saveStates(state, atomicFileSink(ours), { format })),
      floor: plainWrite(plain, fs.statSync(file).size),
      ...(py ? { python: py.timed({ op: 'save', lib, source, file: theirs }) } : {}),
    },
  };
  for (const op of ['load', 'save'] as const) {
    const s = await interleaved(trials[op]);
    const { target, ok } = targets[op];
    const floorName = op === 'load' ? 'plain read' : 'plain write+fsync';
    rows.push({
      case: desc,
      op,
      unit: 's',
      ours: s.ours!,
      python: s.python,
      floor: s.floor,
      floorName,
      target,
      ok: ok(s),
    });
  }
  for (const f of [ours, theirs, plain]) fs.rmSync(f, { force: true });
}

/** The Python library each format's rows are timed beside. */
const PYTHON_LIBS = { npz: 'numpy', hdf5: 'h5py', pickle: 'pickle', msgpack: 'msgpack' } as const;

/** A target on the median: statekit within `times` the floor. */
const withinFloor = (times: number) => (s: Record<string, Stats>) =>
  s.ours!.median <= times * s.floor!.median;
/** A target on the median: statekit under `limit` seconds. */
const under = (limit: number) => (s: Record<string, Stats>) => s.ours!.median < limit;
/** A target on the medians: Python's time at least `times` statekit's. */
const fasterThanPython = (times: number) => (s: Record<string, Stats>) =>
  s.python !== undefined && s.python.median / s.ours!.median >= times;

/** npz (a) and (b): load and save beside numpy, with the read and write floors. */
async function npzCase(label: 'a' | 'b', count: number, floats: number): Promise<void> {
  const state = makeState(count, floats);
  const desc =
    label === 'a'
      ? `(a) npz ${count} x f32 ${(count * floats * 4) >> 20} MiB`
      : `(b) npz ${count} x ${floats} f32`;
  const file = path.join(dir, `${label}.npz`);
  await saveStates(state, atomicFileSink(file), { format: 'npz' });
  await loadAndSave(
    desc,
    state,
    'npz',
    file,
    file,
    label === 'a'
      ? {
          load: { target: '<= 1.5x plain read', ok: withinFloor(1.5) },
          save: { target: '<= 1.1x plain write+fsync', ok: withinFloor(1.1) },
        }
      : {
          load: { target: '< 0.5 s', ok: under(0.5) },
          save: { target: '< 0.5 s', ok: under(0.5) },
        },
  );
  if (label === 'b') {
    const bytes = count * floats * 4;
    const memory = await interleaved({
      ours: async () => statekitPeak(file) / bytes,
      floor: async () => plainJsPeak(count, floats) / bytes,
      ...(py
        ? { python: async () => (await py.ask({ op: 'peak', lib: 'numpy', file })).grew! / bytes }
        : {}),
    });
    rows.push({
      case: desc,
      op: 'peak load memory',
      unit: 'x state bytes',
      ours: memory.ours!,
      python: memory.python,
      floor: memory.floor,
      floorName: 'plain JS views of one buffer',
      target: '<= 2x state bytes',
      ok: memory.ours!.median <= 2,
    });
  }
  fs.rmSync(file, { force: true });
}

/** HDF5 (a) and (b): statekit beside h5py, flat root datasets. */
async function hdf5Case(label: 'a' | 'b', count: number, floats: number): Promise<void> {
  const state = makeState(count, floats);
  const desc =
    label === 'a'
      ? `(a) hdf5 ${count} x f32 ${(count * floats * 4) >> 20} MiB`
      : `(b) hdf5 ${count} x ${floats} f32`;
  const file = path.join(dir, `${label}.h5`);
  const source = path.join(dir, `${label}-source.npz`);
  await saveStates(state, atomicFileSink(source), { format: 'npz' });
  await saveStates(state, atomicFileSink(file), { format: 'hdf5' });
  const times = label === 'a' ? 0.5 : 3;
  const target = { target: `>= ${times}x h5py`, ok: fasterThanPython(times) };
  await loadAndSave(desc, state, 'hdf5', file, source, { load: target, save: target });
  for (const f of [file, source]) fs.rmSync(f, { force: true });
}

/**
 * Pickle (a) and (b): statekit beside Python's pickle.load / pickle.dump (protocol 5, BrainPy's
 * save_as_pkl), with the floors; then (a) as a torch.save file beside torch.load(weights_only)
 * when Python has torch.
 */
async function pickleCase(label: 'a' | 'b', count: number, floats: number): Promise<void> {
  const state = makeState(count, floats);
  const mib = (count * floats * 4) >> 20;
  const desc =
    label === 'a' ? `(a) pickle ${count} x f32 ${mib} MiB` : `(b) pickle ${count} x ${floats} f32`;
  const file = path.join(dir, `${label}.pkl`);
  const source = path.join(dir, `${label}-source.npz`);
  await saveStates(state, atomicFileSink(source), { format: 'npz' });
  await saveStates(state, atomicFileSink(file), { format: 'pickle' });
  await loadAndSave(
    desc,
    state,
    'pickle',
    file,
    source,
    label === 'a'
      ? {
          load: { target: '>= 1x pickle.load', ok: fasterThanPython(1) },
          save: { target: '<= 1.1x plain write+fsync', ok: withinFloor(1.1) },
        }
      : {
          load: { target: '< 0.3 s', ok: under(0.3) },
          save: { target: '< 0.3 s', ok: under(0.3) },
        },
  );
  const pt = path.join(dir, `${label}.pt`);
  if (label === 'a' && py && (await py.ask({ op: 'make', lib: 'torch', source, file: pt })).made) {
    const s = await interleaved({
      ours: () => seconds(() => loadAll(pt)),
      floor: plainRead(pt),
      python: py.timed({ op: 'load', lib: 'torch', file: pt }),
    });
    const torchDesc = `(a) torch ${count} x f32 ${mib} MiB`;
    rows.push({
      case: torchDesc,
      op: 'load',
      unit: 's',
      ...statsRow(s, 'plain read'),
      target: '>= 1x torch.load',
      ok: fasterThanPython(1)(s),
    });
  }
  for (const f of [file, source, pt]) fs.rmSync(f, { force: true });
}

/** msgpack (a) and (b): statekit beside Python's msgpack with flax's ext hooks. */
async function msgpackCase(label: 'a' | 'b', count: number, floats: number): Promise<void> {
  const state = makeState(count, floats);
  const desc =
    label === 'a'
      ? `(a) msgpack ${count} x f32 ${(count * floats * 4) >> 20} MiB`
      : `(b) msgpack ${count} x ${floats} f32`;
  const file = path.join(dir, `${label}.msgpack`);
  const source = path.join(dir, `${label}-source.npz`);
  await saveStates(state, atomicFileSink(source), { format: 'npz' });
  await saveStates(state, atomicFileSink(file), { format: 'msgpack' });
  const times = label === 'a' ? 3 : 1;
  const target = { target: `>= ${times}x msgpack (flax hooks)`, ok: fasterThanPython(times) };
  await loadAndSave(desc, state, 'msgpack', file, source, { load: target, save: target });
  for (const f of [file, source]) fs.rmSync(f, { force: true });
}

/** A row's figures from interleaved stats. */
function statsRow(
  s: Record<string, Stats>,
  floorName: string,
): Pick<Row, 'ours' | 'python' | 'floor' | 'floorName'> {
  return { ours: s.ours!, python: s.python, floor: s.floor, floorName };
}

/** diff at `count` and `2 * count` keys (linear?), beside the same comparison in Python. */
async function diffCase(format: 'npz' | 'hdf5', count: number): Promise<void> {
  const ext = format === 'npz' ? 'npz' : 'h5';
  const lib = format === 'npz' ? 'numpy' : 'h5py';
  const timed: Record<number, Record<string, Stats>> = {};
  for (const n of [count, 2 * count]) {
    const state = makeState(n, 100);
    const [a, b] = [path.join(dir, `diff-a.${ext}`), path.join(dir, `diff-b.${ext}`)];
    await saveStates(state, atomicFileSink(a), { format });
    await saveStates(state, atomicFileSink(b), { format });
    timed[n] = await interleaved({
      ours: () =>
        seconds(async () => {
          const [sa, sb] = [fileSource(a), fileSource(b)];
          const found = await diff(sa, sb);
          await sa.close();
          await sb.close();
          if (found.length > 0) throw new Error(`diff found ${found.length} differences`);
        }),
      ...(py && n === 2 * count ? { python: py.timed({ op: 'diff', lib, a, b }) } : {}),
    });
    fs.rmSync(a, { force: true });
    fs.rmSync(b, { force: true });
  }
  const growth = timed[2 * count]!.ours!.median / timed[count]!.ours!.median;
  rows.push({
    case: `diff ${format} ${2 * count} x 100 f32`,
    op: 'diff',
    unit: 's',
    ours: timed[2 * count]!.ours!,
    python: timed[2 * count]!.python,
    target: `linear: ${2 * count} keys take ${growth.toFixed(2)}x ${count} (<= 2.5x)`,
    ok: growth <= 2.5,
  });
}

/** A process run to its end, timed from spawn to exit; a failure stops the bench. */
function processTrial(command: string, args: string[], expectStatus = 0): Trial {
  return () =>
    new Promise((resolve, reject) => {
      const t = performance.now();
      const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d) => {
        stderr += d;
      });
      child.on('exit', (status) => {
        if (status !== expectStatus)
          reject(new Error(`${command} ${args.join(' ')}: exit ${status}\n${stderr}`));
        else resolve((performance.now() - t) / 1000);
      });
    });
}

/** The main job as a user runs it: the built bin, process start included, beside Python. */
async function cliCase(count: number, floats: number): Promise<void> {
  if (!fs.existsSync(BIN)) throw new Error(`${BIN} is missing: run pnpm install (it builds dist/)`);
  const desc = `main job (a) ${(count * floats * 4) >> 20} MiB`;
  const npzFile = path.join(dir, 'job.npz');
  await saveStates(makeState(count, floats), atomicFileSink(npzFile), { format: 'npz' });
  const h5File = path.join(dir, 'job.h5');
  await saveStates(makeState(count, floats), atomicFileSink(h5File), { format: 'hdf5' });
  const out = (name: string) => path.join(dir, name);
  const node = process.execPath;
  const job = (...args: string[]) => [path.join(HERE, 'bench_python.py'), 'job', ...args];
  const jobs: [string, string[], string[]][] = [
    [
      'convert npz -> h5',
      [BIN, 'convert', npzFile, out('ours.h5'), '--overwrite'],
      job('convert', npzFile, out('py.h5')),
    ],
    [
      'convert h5 -> npz',
      [BIN, 'convert', h5File, out('ours.npz'), '--overwrite'],
      job('convert', h5File, out('py.npz')),
    ],
    ['diff npz h5', [BIN, 'diff', npzFile, h5File], job('diff', npzFile, h5File)],
  ];
  for (const [op, ours, theirs] of jobs) {
    const s = await interleaved({
      ours: processTrial(node, ours),
      ...(PYTHON ? { python: processTrial(PYTHON, theirs) } : {}),
    });
    rows.push({
      case: desc,
      op,
      unit: 's',
      ours: s.ours!,
      python: s.python,
      target: '>= 1x Python (aim 2x)',
      ok: fasterThanPython(1)(s),
    });
  }
  const start = await interleaved({
    ours: processTrial(node, [BIN, '--version']),
    ...(PYTHON ? { python: processTrial(PYTHON, ['-c', 'import numpy, h5py']) } : {}),
  });
  rows.push({
    case: 'CLI start-up',
    op: 'statekit --version',
    unit: 's',
    ours: start.ours!,
    python: start.python,
    target: '<= 0.3 s (python: import numpy, h5py)',
    ok: start.ours!.median <= 0.3,
  });
  for (const f of [npzFile, h5File, out('ours.h5'), out('py.h5'), out('ours.npz'), out('py.npz')])
    fs.rmSync(f, { force: true });
}

console.log(
  `statekit bench: node ${process.version}, ${os.cpus().length} cores, ${repeats} interleaved repeats (median, min-max)`,
);
if (!PYTHON) console.log('python3 with numpy and h5py not found: the Python columns are empty');
const A = values.quick ? 20 : 200;
if (wants('npz')) {
  await npzCase('a', A, 335_544);
  await npzCase('b', values.quick ? 2000 : 20_000, 100);
}
if (wants('hdf5')) {
  await hdf5Case('a', A, 335_544);
  await hdf5Case('b', values.quick ? 2000 : 20_000, 100);
}
if (wants('pickle')) {
  await pickleCase('a', A, 335_544);
  await pickleCase('b', values.quick ? 2000 : 20_000, 100);
}
if (wants('msgpack')) {
  await msgpackCase('a', A, 335_544);
  await msgpackCase('b', values.quick ? 2000 : 20_000, 100);
}
if (wants('diff')) {
  await diffCase('npz', values.quick ? 1000 : 10_000);
  await diffCase('hdf5', values.quick ? 1000 : 10_000);
}
if (wants('cli')) await cliCase(A, 335_544);
py?.close();

const figure = (s: Stats | undefined, unit: Row['unit']): string => {
  if (!s) return '-';
  const f = (x: number) => (unit === 's' ? x.toFixed(3) : x.toFixed(2));
  return `${f(s.median)} (${f(s.min)}-${f(s.max)})`;
};
const table = [
  ['case', 'op', 'statekit', 'python', 'py/ours', 'floor', 'ours/floor', 'target'],
  ...rows.map((r) => [
    r.case,
    r.op,
    figure(r.ours, r.unit),
    figure(r.python, r.unit),
    r.python && r.unit === 's'
      ? `${(r.python.median / r.ours.median).toFixed(2)}x`
      : r.python
        ? ''
        : '-',
    r.floor ? `${figure(r.floor, r.unit)} ${r.floorName}` : '',
    r.floor ? `${(r.ours.median / r.floor.median).toFixed(2)}x` : '',
    `${r.ok ? 'PASS' : 'MISS'} ${r.target}`,
  ]),
];
const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
console.log('');
for (const row of table)
  console.log(
    row
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
console.log(
  '\nseconds (or, for memory, peak RSS growth / state bytes): median (min-max) of interleaved repeats. python = numpy for npz rows, h5py for hdf5 rows, pickle.load/dump (protocol 5) for pickle rows, torch.load(weights_only=True) for torch rows, msgpack with the flax ext hooks for msgpack rows, a numpy+h5py script for the main job; py/ours > 1 means statekit is faster.',
);
if (values.json) {
  const report = {
    node: process.version,
    cores: os.cpus().length,
    repeats,
    date: new Date().toISOString(),
    rows,
  };
  fs.writeFileSync(values.json, `${JSON.stringify(report, null, 1)}\n`);
  console.log(`JSON written to ${values.json}`);
}
