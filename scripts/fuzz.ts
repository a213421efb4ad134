/**
 * `pnpm fuzz [--iterations N] [--seed S] [--only npz|hdf5|pickle|msgpack] [--time-ms T] [--budget-mib M]
 * [--keep DIR]`: makes N mutants of the committed fixtures, taking the seed files in turn
 * (seeded, so a run reproduces), and feeds each
 * mutant to a worker process (`fuzz-worker.ts`) that lists, reads, hashes and converts it as
 * the CLI would. Each mutant is classified: a listing, a typed error (StatekitError), an
 * untyped error, a crash (the worker died), a hang (over T ms), over budget (the worker's RSS
 * over M MiB) or noise (anything on stderr). After a crash, hang or over-budget run the
 * worker is replaced and the run goes on. `--keep DIR` copies every faulty mutant there.
 * Exit code 1 when any mutant is faulty.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { parseArgs } from 'node:util';
import { seededRandom } from '@statekit/test-utils';

const HERE = import.meta.dirname;
const FIXTURES = path.resolve(HERE, '../test-fixtures');

/** The files mutants are made from: every format and engine path the codecs have. */
/** The formats the harness fuzzes. */
export type FuzzFormat = 'npz' | 'hdf5' | 'pickle' | 'msgpack';

export const SEEDS: Record<FuzzFormat, string[]> = {
  npz: [
    'npz/dtypes.npz',
    'npz/dtypes.compressed.npz',
    'npz/brainpy-einet.npz',
    'npz/str.npy',
    'npz/fortran-c16.npy',
    'npz/header-v3.npy',
  ],
  hdf5: [
    'hdf5/brainpy-einet.h5',
    'hdf5/dtypes.h5',
    'hdf5/latest-dense.h5',
    'hdf5/links.h5',
    'hdf5/layouts.h5',
    'hdf5/big-endian.h5',
  ],
  pickle: [
    'pickle/tree.p0.pkl',
    'pickle/tree.p4.pkl',
    'pickle/dtypes.p2.pkl',
    'pickle/dtypes.p5.pkl',
    'pickle/fortran.p4.pkl',
    'pickle/brainpy-einet.pkl',
    'torch/views.pt',
    'torch/checkpoint.pt',
  ],
  msgpack: [
    'msgpack/tree.msgpack',
    'msgpack/dtypes.msgpack',
    'msgpack/chunked.msgpack',
    'msgpack/snn.bp',
  ],
};

export type Outcome = 'listing' | 'typed' | 'untyped' | 'crash' | 'hang' | 'over-budget' | 'noise';

/** Outcomes that are faults: everything but a listing or a typed error. */
export const FAULTS: readonly Outcome[] = ['untyped', 'crash', 'hang', 'over-budget', 'noise'];

export interface FuzzOptions {
  iterations: number;
  seed: number;
  formats?: readonly FuzzFormat[];
  /** Per-mutant time bound (default 10 s). */
  timeMs?: number;
  /** Per-mutant RSS bound of the worker (default 768 MiB). */
  budgetBytes?: number;
  /** Copy faulty mutants here. */
  keep?: string;
}

export interface FuzzReport {
  counts: Record<Outcome, number>;
  /** The first faults: mutant name, outcome, detail. */
  faults: { mutant: string; outcome: Outcome; detail: string }[];
  tags: Record<string, number>;
}

/** Values that make declared sizes and offsets hostile. */
const INTERESTING = [0, 1, 0x7f, 0x80, 0xff, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff];

/** One mutant: truncation, bit flips, random bytes, or a 1/2/4/8-byte field set to an edge. */
export function mutate(bytes: Uint8Array, random: () => number): Uint8Array {
  const out = bytes.slice();
  const kind = random();
  const at = () => Math.floor(random() * out.length);
  if (kind < 0.1) return out.subarray(0, at());
  if (kind < 0.4) {
    const value = INTERESTING[Math.floor(random() * INTERESTING.length)]!;
    const width = [1, 2, 4, 8][Math.floor(random() * 4)]!;
    const where = at();
    for (let b = 0; b < width && where + b < out.length; b++) {
      out[where + b] = b < 4 ? (value >>> (8 * b)) & 0xff : value > 0xffff ? 0xff : 0;
    }
    return out;
  }
  const flips = 1 + Math.floor(random() * 8);
  for (let i = 0; i < flips; i++) {
    const where = at();
    out[where] =
      kind < 0.75 ? out[where]! ^ (1 << Math.floor(random() * 8)) : Math.floor(random() * 256);
  }
  return out;
}

function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

interface Result {
  outcome: Outcome;
  detail: string;
  tag?: string;
  /** The worker was killed or died: start another. */
  dead: boolean;
}

/** The compiled worker (`tsc --build` writes it to scripts/dist), from src or from dist. */
const WORKER = path.join(HERE, path.basename(HERE) === 'dist' ? '' : 'dist', 'fuzz-worker.js');
const REPO = path.resolve(HERE, path.basename(HERE) === 'dist' ? '../..' : '..');

/** A worker process, and one mutant at a time run through it under the bounds. */
class Worker {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: AsyncIterator<string>;
  private readonly exited: Promise<string>;
  private stderr = '';

  constructor() {
    // The built worker on the built packages, with plain Node, as the CLI runs: under tsx,
    // transforming h5wasm's bundle alone took about 600 MB of the budget.
    this.child = spawn(process.execPath, [WORKER], { cwd: REPO });
    this.child.stderr.on('data', (d: Buffer) => {
      this.stderr += d.toString();
    });
    this.lines = readline.createInterface({ input: this.child.stdout })[Symbol.asyncIterator]();
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => resolve(`exit ${code ?? signal}`)),
    );
  }

  async run(i: number, file: string, timeMs: number, budget: number): Promise<Result> {
    this.stderr = '';
    this.child.stdin.write(`${JSON.stringify([i, file])}\n`);
    const answer = this.lines.next();
    let timer: NodeJS.Timeout | undefined;
    const bounds = new Promise<Result>((resolve) => {
      const started = Date.now();
      timer = setInterval(() => {
        const rss = rssOf(this.child.pid!);
        if (rss > budget)
          resolve({ outcome: 'over-budget', detail: `RSS ${rss >> 20} MiB`, dead: true });
        else if (Date.now() - started > timeMs)
          resolve({ outcome: 'hang', detail: `over ${timeMs} ms`, dead: true });
      }, 20);
    });
    const died = this.exited.then(
      (how): Result => ({
        outcome: 'crash',
        detail: `${how} ${this.stderr.slice(0, 300)}`,
        dead: true,
      }),
    );
    const first = await Promise.race([answer, bounds, died]);
    clearInterval(timer);
    if ('outcome' in first) {
      this.kill();
      return first;
    }
    if (first.done) return died;
    await new Promise((resolve) => setTimeout(resolve, 5)); // let stderr of this mutant arrive
    const line = JSON.parse(first.value) as { outcome: Outcome; tag?: string; message?: string };
    if (this.stderr !== '')
      return { outcome: 'noise', detail: this.stderr.slice(0, 300), dead: false };
    return { outcome: line.outcome, tag: line.tag, detail: line.message ?? '', dead: false };
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }
}

/** Runs `iterations` mutants of the chosen formats' seed files; see the file's comment. */
export async function fuzz(options: FuzzOptions): Promise<FuzzReport> {
  const timeMs = options.timeMs ?? 10_000;
  const budget = options.budgetBytes ?? 768 << 20;
  const formats = options.formats ?? (Object.keys(SEEDS) as FuzzFormat[]);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'statekit-fuzz-'));
  const counts = Object.fromEntries(
    (['listing', 'typed', ...FAULTS] as Outcome[]).map((o) => [o, 0]),
  ) as Record<Outcome, number>;
  const report: FuzzReport = { counts, faults: [], tags: {} };
  let worker = new Worker();
  try {
    const seeds = formats.flatMap((f) => SEEDS[f]);
    const originals = seeds.map((f) => new Uint8Array(fs.readFileSync(path.join(FIXTURES, f))));
    const random = seededRandom(options.seed);
    for (let i = 0; i < options.iterations; i++) {
      const seedFile = seeds[i % seeds.length]!;
      const base = path.basename(seedFile).replace(/\.[^.]+$/, '');
      const name = `${base}-s${options.seed}-${i}${path.extname(seedFile)}`;
      const file = path.join(dir, name);
      fs.writeFileSync(file, mutate(originals[i % seeds.length]!, random));
      let result = await worker.run(i, file, timeMs, budget);
      if (result.outcome === 'over-budget') {
        // h5wasm's heap never shrinks, so a long-lived worker carries earlier mutants' memory:
        // only a mutant over budget in a fresh worker, as a CLI run would be, counts.
        worker = new Worker();
        result = await worker.run(i, file, timeMs, budget);
      }
      counts[result.outcome]++;
      if (result.tag) report.tags[result.tag] = (report.tags[result.tag] ?? 0) + 1;
      if (FAULTS.includes(result.outcome)) {
        if (report.faults.length < 50)
          report.faults.push({ mutant: name, outcome: result.outcome, detail: result.detail });
        if (options.keep) {
          fs.mkdirSync(options.keep, { recursive: true });
          fs.copyFileSync(file, path.join(options.keep, name));
        }
      }
      if (result.dead) worker = new Worker();
      fs.rmSync(file, { force: true });
    }
  } finally {
    worker.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return report;
}

if (process.argv[1] === import.meta.filename) {
  const { values } = parseArgs({
    options: {
      iterations: { type: 'string', default: '100' },
      seed: { type: 'string', default: '1' },
      only: { type: 'string' },
      'time-ms': { type: 'string', default: '10000' },
      'budget-mib': { type: 'string', default: '768' },
      keep: { type: 'string' },
    },
  });
  const formats = values.only ? [values.only as FuzzFormat] : undefined;
  const started = Date.now();
  const report = await fuzz({
    iterations: Number(values.iterations),
    seed: Number(values.seed),
    formats,
    timeMs: Number(values['time-ms']),
    budgetBytes: Number(values['budget-mib']) << 20,
    keep: values.keep,
  });
  console.log(JSON.stringify({ ...report, seconds: (Date.now() - started) / 1000 }, null, 1));
  process.exitCode = FAULTS.some((o) => report.counts[o] > 0) ? 1 : 0;
}
