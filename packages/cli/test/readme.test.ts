import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { cli, REPO } from './helpers.js';

/** Every document whose TypeScript examples must run as written. */
const DOCS = ['README.md', 'CONTRIBUTING.md', 'packages/core/README.md'];

function examples(doc: string): string[] {
  const text = fs.readFileSync(path.join(REPO, doc), 'utf8');
  return [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

describe.each(DOCS)('%s', (doc) => {
  test.each(examples(doc).map((code, i) => [i, code]))('example %i runs', (i, code) => {
    // Written inside the CLI package so its workspace dependencies resolve.
    const name = doc.replace(/[/.]/g, '-');
    const file = path.join(import.meta.dirname, `.example-${name}-${i}.ts`);
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
});

test("the examples type-check (strict), as in a user's editor", () => {
  const files = DOCS.flatMap((doc) =>
    examples(doc).map((code, i) => {
      const file = path.join(
        import.meta.dirname,
        `.typecheck-${doc.replace(/[/.]/g, '-')}-${i}.ts`,
      );
      fs.writeFileSync(file, `${code}\nexport {};\n`);
      return file;
    }),
  );
  try {
    const tsc = path.join(REPO, 'node_modules/.bin/tsc');
    const flags = ['--noEmit', '--strict', '--skipLibCheck', '--types', 'node'];
    const target = ['--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022'];
    const r = spawnSync(tsc, [...flags, ...target, ...files], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  } finally {
    for (const file of files) fs.rmSync(file, { force: true });
  }
});

test('the core README, the CLI README and CONTRIBUTING.md have TypeScript examples', () => {
  for (const doc of ['README.md', 'CONTRIBUTING.md', 'packages/core/README.md'])
    expect(examples(doc).length, doc).toBeGreaterThan(0);
});

test('the README set-up commands name the pnpm version package.json pins', () => {
  const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');
  const pinned = JSON.parse(
    fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'),
  ).packageManager;
  const commands = [...readme.matchAll(/npm install -g (pnpm@[\d.]+)/g)].map((m) => m[1]);
  expect(commands).toEqual([pinned, pinned]);
});

/** The `$ statekit ...` examples of the CLI README, each with the lines it prints. */
function consoleExamples(): { argv: string[]; lines: string[] }[] {
  const text = fs.readFileSync(path.join(REPO, 'packages/cli/README.md'), 'utf8');
  return [...text.matchAll(/```console\n\$ statekit (.*)\n([\s\S]*?)```/g)].map((m) => ({
    argv: m[1]!.split(' '),
    lines: m[2]!.trimEnd().split('\n'),
  }));
}

afterAll(() => {
  for (const out of ['/tmp/statekit-cli-links.npz', '/tmp/statekit-cli-einet.npz'])
    fs.rmSync(out, { force: true });
});

test.each(consoleExamples().map((e) => [e.argv.join(' '), e]))(
  'CLI README: `statekit %s` prints what the README shows',
  async (_, example) => {
    const { argv, lines } = example as { argv: string[]; lines: string[] };
    const out = await cli(...argv);
    expect([...out.stdout, ...out.stderr].join('\n').split('\n')).toEqual(lines);
  },
);
