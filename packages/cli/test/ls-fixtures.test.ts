import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { badFixtures, cli, fixtures } from './helpers.js';

describe.each([
  ['npz', 'numpy', 40],
  ['hdf5', 'h5py', 7],
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
  test.each([...badFixtures('npz'), ...badFixtures('hdf5')].map((b) => [path.basename(b.file), b]))(
    '%s',
    async (_name, bad) => {
      const { code, stdout } = await cli('ls', '--json', '--sha256', bad.file);
      expect(code).toBe(1);
      const line = JSON.parse(stdout[0]!);
      expect(line.file).toBe(bad.file);
      expect(line.error.tag, line.error.message).toBe(bad.tag);
      expect(line.error.message).toContain(bad.file);
    },
  );

  test('the other files are still listed', async () => {
    const [bad] = badFixtures('npz');
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
