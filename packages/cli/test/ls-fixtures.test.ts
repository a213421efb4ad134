import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { badFixtures, cli, FIXTURES, fixtures } from './helpers.js';

describe.each([
  ['npz', 'numpy', 40],
  ['hdf5', 'h5py', 7],
  ['pickle', 'pickle', 20],
  ['torch', 'torch', 4],
  ['msgpack', 'msgpack', 5],
])("ls --json --sha256 on %s fixtures gives %s's checksums", (format, _library, least) => {
  const files = fixtures(format);
  test('there are fixtures for every case', () => {
    expect(files.length).toBeGreaterThan(least);
  });
  test.each(files.map((f) => [path.basename(f), f]))('%s', async (_name, file) => {
    const expected = JSON.parse(fs.readFileSync(`${file}.expected.json`, 'utf8'));
    const { code, stdout } = await cli('ls', '--json', '--sha256', file);
    expect(code).toBe(0);
    expect(stdout).toHaveLength(1);
    expect(JSON.parse(stdout[0]!)).toEqual({ file, ...expected });
  });
});

describe('malformed files give an error line and exit 1', () => {
  test.each(
    [
      ...badFixtures('npz'),
      ...badFixtures('hdf5'),
      ...badFixtures('pickle'),
      ...badFixtures('torch'),
    ].map((b) => [path.basename(b.file), b]),
  )('%s', async (_name, bad) => {
    const { code, stdout } = await cli('ls', '--json', '--sha256', bad.file);
    expect(code).toBe(1);
    const line = JSON.parse(stdout[0]!);
    expect(line.file).toBe(bad.file);
    if (bad.tag === 'unsupported' && line.entries) {
      // An archive lists its other members; the one statekit does not read says why.
      const refused = line.entries.filter((e: { unsupported?: string }) => e.unsupported);
      expect(refused.length).toBe(1);
      return;
    }
    expect(line.error.tag, line.error.message).toBe(bad.tag);
    expect(line.error.message).toContain(bad.file);
  });

  test('the other files are still listed', async () => {
    const bad = badFixtures('npz').find((b) => b.file.endsWith('not-a-zip.npz'));
    const good = fixtures('npz')[0]!;
    const { code, stdout } = await cli('ls', '--json', bad!.file, good);
    expect(code).toBe(1);
    expect(JSON.parse(stdout[0]!).error).toBeDefined();
    expect(JSON.parse(stdout[1]!).entries.length).toBeGreaterThan(0);
  });

  test('a missing file is an io error', async () => {
    const { code, stdout } = await cli('ls', '--json', '/nonexistent/x.npz');
    expect(code).toBe(1);
    expect(JSON.parse(stdout[0]!).error).toEqual({
      tag: 'io',
      message: '/nonexistent/x.npz: cannot open: no such file',
    });
  });
});

describe('hostile but valid files list at the cost of what they hold, not what they declare', () => {
  const dir = path.join(FIXTURES, 'npz', 'hostile');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.npy'));
  test.each(files)('%s: zero-width strings of shape (2^31, 0), (10^8,), (2^40,)', async (name) => {
    const file = path.join(dir, name);
    const expected = JSON.parse(fs.readFileSync(`${file}.expected.json`, 'utf8'));
    const { code, stdout } = await cli('ls', '--json', '--sha256', file);
    expect(code).toBe(0);
    const [entry] = JSON.parse(stdout[0]!).entries;
    // No nested value (it would be 2^31 lists); the digest of no bytes.
    expect(entry).toEqual({
      ...expected.entries[0],
      path: [expected.entries[0].key],
      sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    });
  });
});
