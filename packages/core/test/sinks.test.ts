import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { isStatekitError, memorySink } from '../src/index.js';
import { atomicFileSink } from '../src/node/index.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'statekit-sinks-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

/** 6 MiB of a known pattern, written as a small chunk, a large one and a small one. */
function chunks(): Uint8Array[] {
  const big = new Uint8Array(6 << 20).map((_, i) => i % 251);
  return [Uint8Array.of(1, 2, 3, 4), big, Uint8Array.of(5, 6, 7, 8)];
}

describe('sinks patch bytes already written (HDF5 writes its superblock last)', () => {
  test('memorySink applies patches over what was written, in order', async () => {
    const sink = memorySink();
    for (const c of chunks()) await sink.write(c);
    sink.patch!(0, Uint8Array.of(9, 9));
    sink.patch!((6 << 20) + 6, Uint8Array.of(42, 43));
    sink.patch!(1, Uint8Array.of(8));
    await sink.close();
    const out = sink.bytes();
    expect(out.length).toBe((6 << 20) + 8);
    expect(Array.from(out.subarray(0, 6))).toEqual([9, 8, 3, 4, 0, 1]);
    expect(Array.from(out.subarray(out.length - 4))).toEqual([5, 6, 42, 43]);
    expect(() => sink.patch!(out.length - 1, Uint8Array.of(1, 2))).toThrow(RangeError);
  });

  test('atomicFileSink patches both flushed and still-buffered bytes', async () => {
    const file = path.join(tmp, 'patched.bin');
    const sink = atomicFileSink(file);
    for (const c of chunks()) await sink.write(c);
    await sink.patch!(0, Uint8Array.of(9, 9)); // on disk already
    await sink.patch!((6 << 20) + 6, Uint8Array.of(42, 43)); // still in the buffer
    await sink.write(Uint8Array.of(10));
    const past = await Promise.resolve()
      .then(() => sink.patch!((6 << 20) + 8, Uint8Array.of(1, 2)))
      .catch((e: unknown) => e);
    expect(isStatekitError(past) && past.tag).toBe('io');
    await sink.abort(); // as writers' callers do on failure: no file, no temporary left
    expect(fs.readdirSync(tmp)).toEqual([]);
    const again = atomicFileSink(file);
    for (const c of chunks()) await again.write(c);
    await again.patch!(2, Uint8Array.of(7));
    await again.write(Uint8Array.of(10));
    await again.close();
    const out = fs.readFileSync(file);
    expect(out.length).toBe((6 << 20) + 9);
    expect(Array.from(out.subarray(0, 5))).toEqual([1, 2, 7, 4, 0]);
    expect(out[100 + 4]).toBe(100 % 251);
    expect(Array.from(out.subarray(out.length - 5))).toEqual([5, 6, 7, 8, 10]);
  });
});

describe('a writer killed mid-write leaves a temporary the next write removes', () => {
  test('kill -9 during a write; the next write of the same file removes only dead ones', async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'stale-'));
    const file = path.join(dir, 'net.npz');
    // A child process opens the sink, writes 4 MiB, says so, and waits to be killed.
    const sinkModule = path.resolve(import.meta.dirname, '../src/node/atomic-sink.ts');
    const script = `
      import { atomicFileSink } from ${JSON.stringify(sinkModule)};
      const sink = atomicFileSink(${JSON.stringify(file)});
      await sink.write(new Uint8Array(4 << 20)); // large writes go straight to disk
      console.log('written');
      setInterval(() => {}, 1000);`;
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const [left] = fs.readdirSync(dir);
    expect(left).toMatch(new RegExp(`^\\.net\\.npz\\.tmp-[0-9a-f]{8}-${child.pid}-[a-z0-9]+$`));
    expect(fs.statSync(path.join(dir, left!)).size).toBe(4 << 20);

    // A live writer's temporary (ours) and another host's are not touched.
    const host = left!.split('-')[1];
    const live = `.net.npz.tmp-${host}-${process.pid}-live`;
    const elsewhere = `.net.npz.tmp-00000000-${child.pid}-other`;
    for (const name of [live, elsewhere]) fs.writeFileSync(path.join(dir, name), '');
    const sink = atomicFileSink(file);
    await sink.write(Uint8Array.of(1, 2, 3));
    await sink.close();
    expect(fs.readdirSync(dir).sort()).toEqual([elsewhere, live, 'net.npz'].sort());
  });
});
