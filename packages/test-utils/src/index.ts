/** Helpers shared by statekit's test suites: Debian's python3 as the reference implementation. */
import { spawnSync } from 'node:child_process';

/** Python with the reference libraries, found once per process. */
export interface ReferencePython {
  /** The interpreter, or undefined when it (or a module) is missing. */
  readonly path: string | undefined;
  /** Why the cross-checks are skipped; the test file prints it. */
  readonly missing: string;
  /** Runs a snippet with `args` in sys.argv[1:]; returns stdout, throws with stderr on failure. */
  run(code: string, ...args: string[]): string;
}

/**
 * Finds Debian's python3 (before any pyenv one on PATH) with `modules` importable. With
 * STATEKIT_REQUIRE_PYTHON set (CI), a missing one is an error instead of a skip, unless the
 * modules are `optional`: heavy ones (torch) that only generate committed fixtures.
 */
export function referencePython(
  modules: string[],
  packages: string,
  { optional = false }: { optional?: boolean } = {},
): ReferencePython {
  const imports = `import ${modules.join(', ')}`;
  const path = ['/usr/bin/python3', 'python3'].find(
    (candidate) => spawnSync(candidate, ['-c', imports], { stdio: 'ignore' }).status === 0,
  );
  const missing = `python3 with ${modules.join(' and ')} not found: cross-checks SKIPPED (install ${packages}; .ci/run does)`;
  if (!path && !optional && process.env.STATEKIT_REQUIRE_PYTHON) {
    throw new Error(`STATEKIT_REQUIRE_PYTHON is set but ${missing}`);
  }
  return {
    path,
    missing,
    run(code, ...args) {
      if (!path) throw new Error(missing);
      const r = spawnSync(path, ['-c', code, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
      if (r.status !== 0) throw new Error(`python failed (${r.status}):\n${r.stderr}`);
      return r.stdout;
    },
  };
}
export { type BrowserRun, CHROMIUM, CHROMIUM_MISSING, runInChromium } from './browser.js';
export { fuzzCodec, mutateBytes } from './fuzz.js';

/** A seeded random generator in [0, 1) (mulberry32: small, fast), so a fuzz run reproduces. */
export function seededRandom(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
