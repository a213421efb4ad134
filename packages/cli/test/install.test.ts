/**
 * statekit as a user gets it: the packed tarballs of core, npz, hdf5, pickle, msgpack and cli installed with npm
 * into an empty directory, then `statekit ls/convert/diff` and a `loadStates` script run with
 * plain Node (no tsx, no workspace), from that directory.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect, test } from 'vitest';
import { FIXTURES, REPO, tempDir } from './helpers.js';

const PACKAGES = ['core', 'npz', 'hdf5', 'pickle', 'msgpack', 'cli'];

test('the packed packages install and run with plain Node', () => {
  const dir = tempDir();
  const packs = path.join(dir, 'packs');
  const user = path.join(dir, 'user');
  fs.mkdirSync(packs);
  fs.mkdirSync(user);
  for (const p of PACKAGES) {
    execFileSync('pnpm', ['pack', '--pack-destination', packs], {
      cwd: path.join(REPO, 'packages', p),
      stdio: 'ignore',
    });
  }
  const tarballs = fs.readdirSync(packs).map((f) => path.join(packs, f));
  expect(tarballs).toHaveLength(PACKAGES.length);
  fs.writeFileSync(path.join(user, 'package.json'), '{"name": "user", "private": true}\n');
  execFileSync('npm', ['install', '--no-audit', '--no-fund', ...tarballs], {
    cwd: user,
    stdio: 'ignore',
  });
  const bin = path.join(user, 'node_modules/.bin/statekit');
  const run = (...args: string[]) =>
    spawnSync(bin, args, { cwd: user, encoding: 'utf8', env: { PATH: process.env.PATH } });
  fs.copyFileSync(path.join(FIXTURES, 'hdf5/brainpy-einet.h5'), path.join(user, 'net.h5'));

  const converted = run('convert', 'net.h5', 'net.npz');
  expect(converted.stderr).toBe('');
  expect(converted.status).toBe(0);
  const listed = run('ls', '--json', '--sha256', 'net.npz');
  expect(listed.status).toBe(0);
  const entries = JSON.parse(listed.stdout).entries as { key: string; sha256: string }[];
  const expected = JSON.parse(
    fs.readFileSync(path.join(FIXTURES, 'hdf5/brainpy-einet.h5.expected.json'), 'utf8'),
  ).entries as { key: string; sha256: string }[];
  const v = expected.find((e) => e.key === 'E.V')!;
  expect(entries.find((e) => e.key === 'E.V')?.sha256).toBe(v.sha256);
  expect(run('diff', 'net.h5', 'net.npz').status).toBe(0);
  expect(run('convert', 'net.npz', 'net.pkl').status).toBe(0);
  expect(run('diff', 'net.h5', 'net.pkl').status).toBe(0);
  expect(run('convert', 'net.pkl', 'net.msgpack').status).toBe(0);
  expect(run('diff', 'net.h5', 'net.msgpack').status).toBe(0);

  fs.writeFileSync(
    path.join(user, 'load.mjs'),
    `import { ndarray, registerCodec, Variable } from '@statekit/core';
import { loadStates } from '@statekit/core/node';
import { npz } from '@statekit/npz';
registerCodec(npz);
const V = new Variable(ndarray('float32', [32], new Float32Array(32)));
const result = await loadStates({ E: { V } }, 'net.npz', { checkMissing: false });
console.log(result.unexpectedKeys.length, V.value.data.length);
`,
  );
  const script = spawnSync(process.execPath, ['load.mjs'], { cwd: user, encoding: 'utf8' });
  expect(script.stderr).toBe('');
  expect(script.stdout.trim()).toBe(`${entries.length - 1} 32`);
}, 180_000);
