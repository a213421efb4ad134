import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { run } from '../src/cli.js';

export const REPO = path.resolve(import.meta.dirname, '../../..');
export const FIXTURES = path.join(REPO, 'test-fixtures');

/** Runs the CLI in-process, capturing its output lines. */
export async function cli(
  ...argv: string[]
): Promise<{ code: number; stdout: string[]; stderr: string[] }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await run(argv, { stdout: (l) => stdout.push(l), stderr: (l) => stderr.push(l) });
  return { code, stdout, stderr };
}

/** A fresh temporary directory, removed when the process exits. */
export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'statekit-test-'));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Fixture files of a format that have an expected.json sidecar (good files, not bad/). */
export function fixtures(format: string): string[] {
  const dir = path.join(FIXTURES, format);
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.expected.json'))
    .map((f) => path.join(dir, f.slice(0, -'.expected.json'.length)));
}

/** Malformed fixture files with their expected error tags. */
export function badFixtures(format: string): { file: string; tag: string; why: string }[] {
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
