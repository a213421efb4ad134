import { spawnSync } from 'node:child_process';

/** Debian's python3 with numpy, or undefined (the cross-checks are then skipped, visibly). */
export const PYTHON: string | undefined = (() => {
  for (const candidate of ['/usr/bin/python3', 'python3']) {
    const { status } = spawnSync(candidate, ['-c', 'import numpy, h5py'], { stdio: 'ignore' });
    if (status === 0) return candidate;
  }
  return undefined;
})();

if (!PYTHON && process.env.STATEKIT_REQUIRE_PYTHON) {
  throw new Error('STATEKIT_REQUIRE_PYTHON is set but python3 with numpy and h5py was not found');
}

/** Why the Python cross-checks are skipped, printed once by the test file that skips them. */
export const PYTHON_MISSING =
  'python3 with numpy and h5py not found: h5py cross-checks SKIPPED (install python3-h5py; .ci/run does)';

/** Runs a Python snippet with `args` in sys.argv[1:]; returns stdout, throws with stderr on failure. */
export function python(code: string, ...args: string[]): string {
  if (!PYTHON) throw new Error(PYTHON_MISSING);
  const r = spawnSync(PYTHON, ['-c', code, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`python failed (${r.status}):\n${r.stderr}`);
  return r.stdout;
}
