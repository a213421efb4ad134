import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect, test } from 'vitest';
import { REPO } from './helpers.js';

const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);

test('the README has TypeScript examples', () => {
  expect(blocks.length).toBeGreaterThan(0);
});

test.each(blocks.map((code, i) => [i, code]))('README example %i runs', (i, code) => {
  // Written inside the CLI package so its workspace dependencies resolve.
  const file = path.join(import.meta.dirname, `.readme-example-${i}.ts`);
  fs.writeFileSync(file, code as string);
  try {
    const r = spawnSync(process.execPath, ['--import', 'tsx', file], {
      encoding: 'utf8',
      cwd: REPO,
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  } finally {
    fs.rmSync(file, { force: true });
  }
});

test('the README set-up commands name the pnpm version package.json pins', () => {
  const pinned = JSON.parse(
    fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'),
  ).packageManager;
  const commands = [...readme.matchAll(/npm install -g (pnpm@[\d.]+)/g)].map((m) => m[1]);
  expect(commands).toEqual([pinned, pinned]);
});
