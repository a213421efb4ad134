/**
 * `pnpm bench`: times statekit beside numpy on the same data in the same run and prints the
 * ratios, for (a) 200 float32 arrays totalling 256 MiB and (b) 20,000 arrays of 100 floats.
 * Saves are timed until the file is fsynced, on both sides. Loads read every array (warm page
 * cache on both sides). Peak memory while loading is measured in a child process.
 * `diff` rows compare two files of 10,000 and 20,000 keys (every value compared): the time
 * for 20,000 over the time for 10,000 shows whether diff is linear (2x) or quadratic (4x).
 * Usage: pnpm bench [--repeats N] [--quick] [--only npz|hdf5|diff]   (runs under node --expose-gc to collect between timings)
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { diff, type Entry, ndarray, openSource, registerCodec, saveStates } from '@statekit/core';
import { atomicFileSink, fileSource } from '@statekit/core/node';
import { hdf5 } from '@statekit/hdf5';
import { npy, npz } from '@statekit/npz';

registerCodec(npz, npy, hdf5);

const { values } = parseArgs({
  options: {
    repeats: { type: 'string', default: '3' },
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
  },
});
const repeats = Number(values.repeats);
const HERE = import.meta.dirname;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'statekit-bench-'));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));

const python = ['/usr/bin/python3', 'python3'].find(
  (p) => spawnSync(p, ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0,
);
const hasH5py =
  python !== undefined &&
  spawnSync(python, ['-c', 'import h5py'], { stdio: 'ignore' }).status === 0;

function makeState(
  count: number,
  floats: number,
): Record<string, ReturnType<typeof ndarray<'float32'>>> {
  const state: Record<string, ReturnType<typeof ndarray<'float32'>>> = {};
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

function best(times: number[]): number {
  return Math.min(...times);
}

function time(fn: () => void): number {
  collect();
  const t = performance.now();
  fn();
  return (performance.now() - t) / 1000;
}

/** Collects garbage first (when run with --expose-gc), so no timing pays for an earlier one. */
function collect(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

async function timeAsync(fn: () => Promise<unknown>): Promise<number> {
  collect();
  const t = performance.now();
  await fn();
  return (performance.now() - t) / 1000;
}

async function loadAll(file: string): Promise<Map<string, Entry>> {
  const source = fileSource(file);
  const reader = await openSource(source);
  const out = new Map<string, Entry>();
  for await (const e of reader.read()) out.set(e.key, e);
  await source.close();
  return out;
}

/** Plain write + fsync of the same number of bytes: the floor for any save. */
function plainWrite(file: string, bytes: number): number {
  const buffer = new Uint8Array(bytes);
  return time(() => {
    const fd = fs.openSync(file, 'w');
    let done = 0;
    while (done < bytes) done += fs.writeSync(fd, buffer, done, Math.min(bytes - done, 1 << 30));
    fs.fsyncSync(fd);
    fs.closeSync(fd);
  });
}

/** Peak RSS growth while loading `file` in a fresh process, in bytes. */
function peakLoadMemory(file: string): number {
  const script = `
    import { readFileSync } from 'node:fs';
    import { openSource, registerCodec } from '@statekit/core';
    import { fileSource } from '@statekit/core/node';
    import { npz } from '@statekit/npz';
    registerCodec(npz);
    await npz.load(); // the codec module itself is not state
    globalThis.gc?.();
    const before = process.memoryUsage().rss;
    const source = fileSource(${JSON.stringify(file)});
    const reader = await openSource(source);
    const kept = [];
    for await (const e of reader.read()) kept.push(e);
    // VmHWM belongs to this address space; ru_maxrss would include the parent's RSS at fork,
    // which Linux carries across execve.
    const hwm = /VmHWM:\\s+(\\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (!hwm) throw new Error('no VmHWM in /proc/self/status');
    const peak = Number(hwm[1]) * 1024;
    console.log(JSON.stringify({ grew: peak - before, kept: kept.length }));
  `;
  const probe = path.join(HERE, '.bench-probe.ts');
  fs.writeFileSync(probe, script);
  try {
    const r = spawnSync(
      process.execPath,
      ['--conditions=statekit-source', '--expose-gc', '--import', 'tsx', probe],
      {
        encoding: 'utf8',
        cwd: path.dirname(HERE),
      },
    );
    if (r.status !== 0) throw new Error(r.stderr);
    return JSON.parse(r.stdout.trim().split('\n').at(-1)!).grew;
  } finally {
    fs.rmSync(probe, { force: true });
  }
}

interface Row {
  case: string;
  op: string;
  ours: number;
  theirs?: number;
  target: string;
  ok: boolean;
}

async function runCase(label: string, count: number, floats: number, rows: Row[]): Promise<void> {
  const state = makeState(count, floats);
  const bytes = count * floats * 4;
  const file = path.join(dir, `${label}.npz`);
  const saves: number[] = [];
  const loads: number[] = [];
  const plains: number[] = [];
  const plainFile = path.join(dir, 'plain.bin');
  for (let r = 0; r < repeats; r++) {
    // Interleaved, so both see the same disk and page-cache state.
    fs.rmSync(file, { force: true });
    saves.push(await timeAsync(() => saveStates(state, atomicFileSink(file), { format: 'npz' })));
    fs.rmSync(plainFile, { force: true });
    plains.push(plainWrite(plainFile, fs.statSync(file).size));
    loads.push(await timeAsync(() => loadAll(file)));
  }
  fs.rmSync(plainFile, { force: true });
  const plain = best(plains);
  collect();
  const peak = peakLoadMemory(file);
  let numpy: { save: number; load: number } | undefined;
  if (python) {
    const r = spawnSync(
      python,
      [
        path.join(HERE, 'bench_python.py'),
        'numpy',
        file,
        path.join(dir, 'numpy.npz'),
        String(label === 'b' ? Math.min(repeats, 2) : repeats),
      ],
      { encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(r.stderr);
    numpy = JSON.parse(r.stdout);
  }
  const save = best(saves);
  const load = best(loads);
  const desc = label === 'a' ? '(a) 200 x float32, 256 MiB' : '(b) 20,000 x 100 float32';
  if (label === 'a') {
    rows.push({
      case: desc,
      op: 'load',
      ours: load,
      theirs: numpy?.load,
      target: '>= 2x numpy',
      ok: numpy ? numpy.load / load >= 2 : false,
    });
    rows.push({
      case: desc,
      op: 'save',
      ours: save,
      theirs: numpy?.save,
      target: `<= 1.1x plain write+fsync (${plain.toFixed(3)} s)`,
      ok: save <= 1.1 * plain,
    });
  } else {
    rows.push({
      case: desc,
      op: 'load',
      ours: load,
      theirs: numpy?.load,
      target: '< 0.5 s',
      ok: load < 0.5,
    });
    rows.push({
      case: desc,
      op: 'save',
      ours: save,
      theirs: numpy?.save,
      target: '< 0.5 s',
      ok: save < 0.5,
    });
  }
  rows.push({
    case: desc,
    op: 'peak load memory',
    ours: peak / bytes,
    target: '<= 1.3x state bytes',
    ok: peak / bytes <= 1.3,
  });
}

/** HDF5: statekit (h5wasm) beside h5py, on the same arrays, flat root datasets. */
async function runHdf5Case(
  label: string,
  count: number,
  floats: number,
  rows: Row[],
): Promise<void> {
  const state = makeState(count, floats);
  const file = path.join(dir, `${label}.h5`);
  const npzFile = path.join(dir, `${label}-source.npz`);
  await saveStates(state, atomicFileSink(npzFile), { format: 'npz' });
  // Start h5wasm (wasm compile, first calls) untimed, as Python's imports are untimed.
  await saveStates({ w: ndarray('float32', [1], new Float32Array(1)) }, atomicFileSink(file), {
    format: 'hdf5',
  });
  await loadAll(file);
  const saves: number[] = [];
  const loads: number[] = [];
  for (let r = 0; r < repeats; r++) {
    fs.rmSync(file, { force: true });
    saves.push(await timeAsync(() => saveStates(state, atomicFileSink(file), { format: 'hdf5' })));
    loads.push(await timeAsync(() => loadAll(file)));
  }
  let h5: { save: number; load: number } | undefined;
  if (hasH5py) {
    const r = spawnSync(
      python!,
      [
        path.join(HERE, 'bench_python.py'),
        'h5py',
        npzFile,
        path.join(dir, 'h5py.h5'),
        String(repeats),
      ],
      { encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(r.stderr);
    h5 = JSON.parse(r.stdout);
  }
  fs.rmSync(npzFile, { force: true });
  fs.rmSync(file, { force: true });
  const save = best(saves);
  const load = best(loads);
  const desc = label === 'a' ? '(a) hdf5 200 x f32 256 MiB' : '(b) hdf5 20,000 x 100 f32';
  if (label === 'a') {
    rows.push({
      case: desc,
      op: 'load',
      ours: load,
      theirs: h5?.load,
      target: '>= 0.5x h5py',
      ok: h5 ? h5.load / load >= 0.5 : false,
    });
    rows.push({
      case: desc,
      op: 'save',
      ours: save,
      theirs: h5?.save,
      target: '>= 0.5x h5py',
      ok: h5 ? h5.save / save >= 0.5 : false,
    });
  } else {
    rows.push({
      case: desc,
      op: 'load',
      ours: load,
      theirs: h5?.load,
      target: '>= 3x h5py',
      ok: h5 ? h5.load / load >= 3 : false,
    });
    rows.push({
      case: desc,
      op: 'save',
      ours: save,
      theirs: h5?.save,
      target: '>= 3x h5py',
      ok: h5 ? h5.save / save >= 3 : false,
    });
  }
}

/** Median of interleaved repeats. */
function median(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * `diff` of two files holding the same `count` arrays of 100 floats (every value compared),
 * at `count` and `2 * count` keys, beside the same comparison in Python.
 */
async function runDiffCase(format: 'npz' | 'hdf5', count: number, rows: Row[]): Promise<void> {
  const ext = format === 'npz' ? 'npz' : 'h5';
  const timed: Record<number, number> = {};
  let reference: number | undefined;
  for (const n of [count, 2 * count]) {
    const state = makeState(n, 100);
    const a = path.join(dir, `diff-a.${ext}`);
    const b = path.join(dir, `diff-b.${ext}`);
    await saveStates(state, atomicFileSink(a), { format });
    await saveStates(state, atomicFileSink(b), { format });
    const times: number[] = [];
    for (let r = 0; r < repeats; r++) {
      times.push(
        await timeAsync(async () => {
          const [sa, sb] = [fileSource(a), fileSource(b)];
          const found = await diff(sa, sb);
          await sa.close();
          await sb.close();
          if (found.length > 0) throw new Error(`diff found ${found.length} differences`);
        }),
      );
    }
    timed[n] = median(times);
    const library = format === 'npz' ? 'numpy' : 'h5py';
    if (n === 2 * count && python && (format === 'npz' || hasH5py)) {
      const script = path.join(HERE, 'bench_python.py');
      const r = spawnSync(python, [script, 'diff', library, a, b, String(repeats)], {
        encoding: 'utf8',
      });
      if (r.status !== 0) throw new Error(r.stderr);
      reference = JSON.parse(r.stdout).diff;
    }
    fs.rmSync(a, { force: true });
    fs.rmSync(b, { force: true });
  }
  const growth = timed[2 * count]! / timed[count]!;
  rows.push({
    case: `diff ${format} ${2 * count} x 100 f32`,
    op: 'diff',
    ours: timed[2 * count]!,
    theirs: reference,
    target: `linear: ${2 * count} keys take ${growth.toFixed(2)}x ${count} (<= 2.5x)`,
    ok: growth <= 2.5,
  });
}

const rows: Row[] = [];
console.log(
  `statekit bench: node ${process.version}, ${os.cpus().length} cores, repeats ${repeats} (best of)`,
);
if (!python) console.log('python3 with numpy not found: numpy columns are empty');
if (!values.only || values.only === 'npz')
  await runCase('a', values.quick ? 20 : 200, 335_544, rows);
if (!values.only || values.only === 'npz')
  await runCase('b', values.quick ? 2000 : 20_000, 100, rows);
if (!values.only || values.only === 'hdf5') {
  await runHdf5Case('a', values.quick ? 20 : 200, 335_544, rows);
  await runHdf5Case('b', values.quick ? 2000 : 20_000, 100, rows);
}
if (!values.only || values.only === 'diff') {
  await runDiffCase('npz', values.quick ? 1000 : 10_000, rows);
  await runDiffCase('hdf5', values.quick ? 1000 : 10_000, rows);
}

const fmt = (s: number | undefined): string => (s === undefined ? '-' : s.toFixed(3));
console.log('');
console.log(
  [
    'case'.padEnd(30),
    'op'.padEnd(17),
    'statekit'.padStart(9),
    'python'.padStart(9),
    'ratio'.padStart(8),
    '  target',
    '',
  ].join(' '),
);
for (const r of rows) {
  const memory = r.op.startsWith('peak');
  const ratio = memory
    ? `${r.ours.toFixed(2)}x`
    : r.theirs === undefined
      ? '-'
      : `${(r.theirs / r.ours).toFixed(2)}x`;
  console.log(
    [
      r.case.padEnd(30),
      r.op.padEnd(17),
      (memory ? '' : `${fmt(r.ours)} s`).padStart(9),
      (memory || r.theirs === undefined ? '' : `${fmt(r.theirs)} s`).padStart(9),
      ratio.padStart(8),
      ` ${r.ok ? 'PASS' : 'MISS'} ${r.target}`,
    ].join(' '),
  );
}
console.log(
  '\npython = numpy for npz rows, h5py for hdf5 rows (diff rows: median, the same comparison in Python); ratio = python time / statekit time (higher is faster); for memory, peak RSS growth / state bytes.',
);
