import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { cli, REPO } from './helpers.js';

/** Every document whose TypeScript examples must run as written. */
const DOCS = [
  'README.md',
  'CONTRIBUTING.md',
  'packages/core/README.md',
  'packages/pickle/README.md',
  'packages/msgpack/README.md',
];

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

/**
 * The `$ statekit ...` (or `$ pnpm statekit ...`) examples of the CLI README and the root
 * README, each with the lines it prints; a `...` line stands for any lines.
 */
function consoleExamples(): { doc: string; argv: string[]; lines: string[] }[] {
  return ['packages/cli/README.md', 'README.md'].flatMap((doc) => {
    const text = fs.readFileSync(path.join(REPO, doc), 'utf8');
    return [...text.matchAll(/```console\n\$ (?:pnpm )?statekit (.*)\n([\s\S]*?)```/g)].map(
      (m) => ({
        doc,
        argv: m[1]!.split(' '),
        lines: m[2]!.trimEnd().split('\n'),
      }),
    );
  });
}

/** True when `actual` is `expected` with each `...` line standing for any run of lines. */
function matchesWithGaps(actual: string[], expected: string[]): boolean {
  const parts: string[][] = [[]];
  for (const line of expected) {
    if (line === '...') parts.push([]);
    else parts.at(-1)!.push(line);
  }
  const same = (at: number, part: string[]) => part.every((l, i) => actual[at + i] === l);
  if (parts.length === 1) return actual.length === expected.length && same(0, expected);
  const [first, ...rest] = parts;
  const last = rest.pop()!;
  if (!same(0, first!) || !same(actual.length - last.length, last)) return false;
  let at = first!.length;
  for (const part of rest) {
    while (at + part.length <= actual.length - last.length && !same(at, part)) at++;
    if (at + part.length > actual.length - last.length) return false;
    at += part.length;
  }
  return at <= actual.length - last.length;
}

afterAll(() => {
  for (const out of ['/tmp/statekit-cli-links.npz', '/tmp/statekit-cli-einet.npz'])
    fs.rmSync(out, { force: true });
});

test('both READMEs have console examples, the root one its ls sample', () => {
  const docs = consoleExamples().map((e) => `${e.doc}: ${e.argv[0]}`);
  expect(docs).toContain('README.md: ls');
  expect(docs).toContain('packages/cli/README.md: convert');
});

test('a ... line in a sample stands for any lines, and nothing else', () => {
  expect(matchesWithGaps(['a', 'b', 'c', 'd'], ['a', '...', 'd'])).toBe(true);
  expect(matchesWithGaps(['a', 'b', 'c', 'd'], ['a', '...', 'c', '...', 'd'])).toBe(true);
  expect(matchesWithGaps(['a', 'b', 'c', 'd'], ['a', '...', 'x', '...', 'd'])).toBe(false);
  expect(matchesWithGaps(['a', 'b'], ['a', 'b', 'c'])).toBe(false);
  expect(matchesWithGaps(['a', 'd'], ['a', '...', 'd'])).toBe(true);
});

test.each(consoleExamples().map((e) => [`${e.doc}: statekit ${e.argv.join(' ')}`, e]))(
  '%s prints what the README shows',
  async (_, example) => {
    const { argv, lines } = example as { argv: string[]; lines: string[] };
    const out = await cli(
      ...argv.map((a) => (a.startsWith('test-fixtures/') ? path.join(REPO, a) : a)),
    );
    const printed = [...out.stdout, ...out.stderr]
      .join('\n')
      .replaceAll(`${REPO}/`, '')
      .split('\n');
    expect(matchesWithGaps(printed, lines), printed.join('\n')).toBe(true);
  },
);
