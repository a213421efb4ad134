/**
 * The short, seeded fuzz run CI makes (`pnpm fuzz --iterations 3000` is the long one): mutants
 * of every seed fixture, each listed, read, hashed and converted in a worker process under a
 * time and memory bound, must each give a listing or a StatekitError: no untyped error, crash,
 * hang, run over budget, or output on stderr.
 */
import { expect, test } from 'vitest';
import { FAULTS, fuzz } from '../fuzz.js';

test.each([
  ['npz', 400],
  ['hdf5', 400],
  ['pickle', 400],
  ['msgpack', 400],
] as const)(
  '%s: %i mutants, each a listing or a typed error',
  async (format, iterations) => {
    const report = await fuzz({ iterations, seed: 20261204, formats: [format] });
    const faults = Object.fromEntries(FAULTS.map((o) => [o, report.counts[o]]));
    expect(faults, JSON.stringify(report.faults, null, 1)).toEqual({
      untyped: 0,
      crash: 0,
      hang: 0,
      'over-budget': 0,
      noise: 0,
    });
    expect(report.counts.listing + report.counts.typed).toBe(iterations);
    // Mutants are damaged often enough to exercise the error paths, and read often enough too.
    expect(report.counts.typed).toBeGreaterThan(iterations / 4);
    expect(report.counts.listing).toBeGreaterThan(iterations / 20);
  },
  120_000,
);
