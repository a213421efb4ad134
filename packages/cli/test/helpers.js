import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { run } from '../src/cli.js';
export const REPO = path.resolve(import.meta.dirname, '../../..');
export const FIXTURES = path.join(REPO, 'test-fixtures');
/** Runs the CLI in-process, capturing its output lines. */
export async function cli(...argv) {
  const stdout = [];
  const stderr = [];
  const code = await run(argv, { stdout: (l) => stdout.push(l), stderr: (l) => stderr.push(l) });
  return { code, stdout, stderr };
}
/** A fresh temporary directory, removed when the process exits. */
export function tempDir() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'statekit-test-'));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}
/** Fixture files of a format that have an expected.json sidecar (good files, not bad/). */
export function fixtures(format) {
  const dir = path.join(FIXTURES, format);
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.expected.json'))
    .map((f) => path.join(dir, f.slice(0, -'.expected.json'.length)));
}
/** Malformed fixture files with their expected error tags. */
export function badFixtures(format) {
  const dir = path.join(FIXTURES, format, 'bad');
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.expected.json'))
    .map((f) => {
      const expected = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
      return {
        file: path.join(dir, f.slice(0, -'.expected.json'.length)),
        tag: expected.error,
        why: expected.why,
      };
    });
}
/** The system python3 with numpy (Debian's), or undefined when it is missing. */
export function systemPython() {
  for (const candidate of ['/usr/bin/python3', 'python3']) {
    try {
      const { status } = spawnSync(candidate, ['-c', 'import numpy'], { stdio: 'ignore' });
      if (status === 0) return candidate;
    } catch {}
  }
  return undefined;
}
//# sourceMappingURL=helpers.js.map
