/**
 * Memory is bounded by a budget, not by what a file declares: the built `statekit` (plain
 * Node, as installed) hashes and converts a 512 MiB deflated npz member (0.5 MB on disk) and an
 * unwritten 512 MiB chunked h5py dataset (1.4 KB on disk, read by h5wasm in hyperslabs) with a
 * peak RSS within 256 MiB of listing a tiny file of the same format. Both files are written
 * by numpy/zipfile and h5py here.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { REPO, tempDir } from './helpers.js';
import { PYTHON, PYTHON_MISSING, python } from './python.js';

const BIN = path.join(REPO, 'packages/cli/dist/src/main.js');
const BUDGET_KIB = 256 * 1024;
/** The arrays' size: float32 of shape (2^27,). */
const SIZE = 2 ** 29;
const dir = tempDir();
/** Prints the process's peak RSS (KiB) on exit. */
const REPORT = path.join(dir, 'report-rss.mjs');
fs.writeFileSync(
  REPORT,
  "process.on('exit', () => process.stderr.write('maxrss ' + process.resourceUsage().maxRSS + '\\n'));\n",
);

/** Runs the built CLI from outside the repository; its stdout and peak RSS in KiB. */
function statekit(...args: string[]): { stdout: string; rss: number; status: number | null } {
  const r = spawnSync(process.execPath, ['--import', REPORT, BIN, ...args], {
    cwd: dir,
    encoding: 'utf8',
  });
  const rss = Number(/maxrss (\d+)/.exec(r.stderr)?.[1]);
  expect(r.stderr.replace(/maxrss \d+\n/, '')).toBe('');
  return { stdout: r.stdout, rss, status: r.status };
}

function zerosSha256(bytes: number): string {
  const hash = createHash('sha256');
  const block = new Uint8Array(16 << 20);
  for (let at = 0; at < bytes; at += block.byteLength) hash.update(block);
  return hash.digest('hex');
}

const MAKE = `
import sys, io, zipfile, numpy as np, h5py
d = sys.argv[1]
with zipfile.ZipFile(d + '/big.npz', 'w', compression=zipfile.ZIP_DEFLATED, allowZip64=True) as z:
    head = io.BytesIO()
    np.lib.format.write_array_header_1_0(head, {'descr': '<f4', 'fortran_order': False, 'shape': (2**27,)})
    with z.open('w.npy', 'w', force_zip64=True) as f:
        f.write(head.getvalue())
        block = bytes(1 << 24)
        for _ in range(32):
            f.write(block)
np.savez(d + '/tiny.npz', w=np.zeros(3, 'f4'))
with h5py.File(d + '/unwritten.h5', 'w') as f:
    f.create_dataset('w', shape=(2**27,), dtype='<f4', chunks=(2**17,))
with h5py.File(d + '/tiny.h5', 'w') as f:
    f.create_dataset('w', shape=(3,), dtype='<f4', chunks=(3,))
`;

describe('peak memory of ls --sha256 and convert on 512 MiB arrays', () => {
  test.skipIf(!fs.existsSync(BIN))(
    'stays within 256 MiB of a tiny file',
    () => {
      if (!PYTHON) return console.warn(PYTHON_MISSING);
      python(MAKE, dir);
      expect(fs.statSync(path.join(dir, 'big.npz')).size).toBeLessThan(2 << 20);
      const digest = zerosSha256(SIZE);
      for (const [big, tiny] of [
        ['big.npz', 'tiny.npz'],
        ['unwritten.h5', 'tiny.h5'],
      ] as const) {
        const baseline = statekit('ls', '--json', '--sha256', tiny);
        expect(baseline.status).toBe(0);
        const listed = statekit('ls', '--json', '--sha256', big);
        expect(listed.status).toBe(0);
        const [entry] = JSON.parse(listed.stdout).entries;
        expect(entry).toMatchObject({ key: 'w', shape: [2 ** 27], sha256: digest });
        expect(
          listed.rss - baseline.rss,
          `${big}: ls --sha256 peak RSS over the tiny file's`,
        ).toBeLessThan(BUDGET_KIB);
        console.info(`${big}: ls --sha256 peak RSS ${listed.rss} KiB (tiny file: ${baseline.rss})`);
        const out = big.endsWith('.npz') ? 'out.h5' : 'out.npz';
        const converted = statekit('convert', big, out);
        expect(converted.status).toBe(0);
        expect(converted.rss - baseline.rss, `${big}: convert peak RSS`).toBeLessThan(BUDGET_KIB);
        console.info(`${big}: convert peak RSS ${converted.rss} KiB`);
        expect(fs.statSync(path.join(dir, out)).size).toBeGreaterThan(SIZE);
        const back = statekit('ls', '--json', '--sha256', out);
        expect(JSON.parse(back.stdout).entries[0].sha256).toBe(digest);
        fs.rmSync(path.join(dir, out));
      }
    },
    180_000,
  );
});
