import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  bytesSource,
  type Container,
  type Entry,
  isStatekitError,
  loadStates,
  openSource,
  registerCodec,
  unflatten,
} from '@statekit/core';
import { beforeAll, describe, expect, test } from 'vitest';
import { pickle, type Reconstructor, torch } from '../src/index.js';
import { pickleCodecImpl } from '../src/pickle-codec.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../../test-fixtures/pickle');

beforeAll(() => {
  registerCodec(pickle, torch);
});

async function open(bytes: Uint8Array, name = 'x.pkl') {
  return pickleCodecImpl.open(bytesSource(bytes, name));
}

async function readAll(bytes: Uint8Array, name = 'x.pkl'): Promise<Entry[]> {
  const reader = await open(bytes, name);
  const out: Entry[] = [];
  for await (const e of reader.read()) out.push(e);
  return out;
}

async function failure(
  bytes: Uint8Array,
  name = 'x.pkl',
): Promise<{ tag: string; message: string }> {
  try {
    await readAll(bytes, name);
  } catch (error) {
    if (!isStatekitError(error)) throw error;
    return { tag: error.tag, message: error.message };
  }
  throw new Error('read without an error');
}

const fixture = (name: string) => new Uint8Array(fs.readFileSync(path.join(FIXTURES, name)));
const bytes = (...parts: (string | number[])[]) =>
  Uint8Array.from(
    parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)),
  );

describe.each([0, 2, 4, 5])('tree.p%i.pkl (a checkpoint-like tree pickle wrote)', (protocol) => {
  test('containers keep their kind, order, int keys and emptiness', async () => {
    const reader = await open(fixture(`tree.p${protocol}.pkl`));
    const containers = await reader.containers!();
    const kinds = Object.fromEntries(
      containers.map((c: Container) => [c.path.join('.'), [c.kind, c.children]]),
    );
    expect(kinds['']).toEqual([
      'ordered_dict',
      [
        'params',
        'step',
        'lr',
        'name',
        'done',
        'nothing',
        'big',
        'neg',
        'raw',
        'buf',
        'z',
        'inf',
        'np_scalars',
        'by_index',
        'tags',
        'empty',
        'first',
        'again',
      ],
    ]);
    expect(kinds['params.layers']).toEqual(['list', [0, 1]]);
    expect(kinds['params.layers.1']).toEqual(['tuple', [0, 1]]);
    expect(kinds.by_index).toEqual(['dict', [0, 1, 10]]);
    expect(kinds.tags).toEqual(['set', [0]]);
    expect(containers.find((c) => c.path[0] === 'tags')!.hints).toEqual({ pickle: 'frozenset' });
    expect(kinds['empty.d']).toEqual(['dict', []]);
    expect(kinds['empty.l']).toEqual(['list', []]);
    expect(kinds['empty.t']).toEqual(['tuple', []]);
  });

  test('one array referenced twice (the memo) comes out as one object', async () => {
    const entries = await readAll(fixture(`tree.p${protocol}.pkl`));
    const first = entries.find((e) => e.key === 'first')!.value;
    expect(entries.find((e) => e.key === 'again')!.value).toBe(first);
  });

  test('Python scalars keep their type: int as bigint beyond 2^53, float, bytes, complex', async () => {
    const entries = await readAll(fixture(`tree.p${protocol}.pkl`));
    const value = (key: string) => entries.find((e) => e.key === key)!.value;
    expect(value('step')).toBe(12n);
    expect(value('big')).toBe(2n ** 70n);
    expect(value('neg')).toBe(-(2n ** 63n) - 1n);
    expect(value('lr')).toBe(0.001);
    expect(value('inf')).toBe(Number.NEGATIVE_INFINITY);
    expect(Array.from(value('raw') as Uint8Array)).toEqual([0, 255, 0x61, 0x62]);
    expect(value('z')).toEqual({ re: 1.5, im: -2 });
    expect((value('np_scalars.f4') as { scalar?: boolean }).scalar).toBe(true);
  });
});

describe('never executes: every global outside the allowlist is refused by name', () => {
  const dir = path.join(FIXTURES, 'bad');
  const hostile = fs.readdirSync(dir).filter((f) => f.startsWith('hostile-') && f.endsWith('.pkl'));
  test.each(hostile)('%s', async (name) => {
    const { tag, message } = await failure(fixture(`bad/${name}`), name);
    expect(tag).toBe('unsafe');
    expect(message).toMatch(
      new RegExp(`^${name}: pickle: refused global [\\w.]+(system|eval|Popen|_reconstructor):`),
    );
  });

  test('nothing runs: the marker file the hostile pickles would create never appears', async () => {
    const marker = '/tmp/statekit-pickle-ran'; // pickle_fixtures.MARKER
    fs.rmSync(marker, { force: true });
    for (const name of hostile) {
      const reader = openSource(bytesSource(fixture(`bad/${name}`), name));
      await expect(reader).rejects.toThrow(/refused global/);
    }
    const torchEvil = path.resolve(FIXTURES, '../torch/bad/hostile.pt');
    await expect(
      openSource(bytesSource(new Uint8Array(fs.readFileSync(torchEvil)), 'hostile.pt')),
    ).rejects.toThrow('hostile.pt: pickle: refused global posix.system');
    expect(fs.existsSync(marker)).toBe(false);
  });

  test('the global is refused before the REDUCE that would call it, whatever precedes it', async () => {
    // A valid dict, then `os.system('x')`: refused at GLOBAL, so the call opcode is never reached.
    const evil = bytes(
      [0x80, 2],
      '}(X',
      [1, 0, 0, 0],
      'ac',
      'posix\nsystem\n',
      'X',
      [1, 0, 0, 0],
      'x',
      [0x85],
      'Ru.',
    );
    expect(await failure(evil)).toEqual({
      tag: 'unsafe',
      message:
        'x.pkl: pickle: refused global posix.system: loading it would run code (statekit allows only numpy arrays, dtypes and scalars, OrderedDict and builtin containers)',
    });
  });

  test('numpy _reconstruct of anything but ndarray (a subclass runs its own code) is refused', async () => {
    const evil = bytes(
      [0x80, 2],
      'cnumpy.core.multiarray\n_reconstruct\n',
      'cnumpy\ndtype\n',
      'K',
      [0],
      [0x85],
      'U',
      [1],
      'b',
      [0x87],
      'R.',
    );
    const { tag, message } = await failure(evil);
    expect(tag).toBe('unsafe');
    expect(message).toContain('numpy _reconstruct of numpy.dtype: only numpy.ndarray is allowed');
  });
});

describe('malformed streams name the offset', () => {
  test.each([
    // _reconstruct then BUILD with a 2-tuple state
    [
      'a malformed array BUILD state',
      bytes(
        [0x80, 2],
        'cnumpy.core.multiarray\n_reconstruct\ncnumpy\nndarray\nK',
        [0, 0x85],
        'U',
        [1],
        'b',
        [0x87],
        'RK',
        [1],
        'K',
        [2, 0x86],
        'b.',
      ),
      'x.pkl: pickle: numpy array BUILD state is not a 4- or 5-tuple (BUILD at offset 66)',
    ],
    [
      'an unknown opcode',
      bytes([0x80, 4, 0xff], '.'),
      'x.pkl: pickle: opcode at offset 2: unknown opcode 0xff',
    ],
    [
      'a stack underflow',
      bytes([0x80, 2], 's.'),
      'x.pkl: pickle: SETITEM at offset 2: the stack is empty',
    ],
    [
      'a truncated BINUNICODE',
      bytes([0x80, 2], 'X', [9, 0, 0, 0], 'ab'),
      'x.pkl: pickle: BINUNICODE at offset 2: needs 9 bytes, 2 remain (truncated?)',
    ],
    [
      'no STOP',
      bytes([0x80, 2], 'N'),
      'x.pkl: pickle: the stream ends at offset 3, before its STOP opcode (truncated?)',
    ],
  ])('%s', async (_what, stream, message) => {
    expect(await failure(stream)).toEqual({ tag: 'corrupt', message });
  });
});

describe('reconstructors a user allows', () => {
  test('a global is resolved only when registered, and builds the data its function returns', async () => {
    // mylib.Point(1, 2)
    const stream = bytes([0x80, 2], 'cmylib\nPoint\nK', [1], 'K', [2, 0x86], 'R.');
    expect((await failure(stream)).message).toBe(
      'x.pkl: pickle: refused global mylib.Point: loading it would run code (statekit allows only numpy arrays, dtypes and scalars, OrderedDict and builtin containers)',
    );
    const reconstructors = new Map<string, Reconstructor>([['mylib.Point', (args) => args[0]!]]);
    const reader = await pickleCodecImpl.open(bytesSource(stream, 'point.pkl'), {
      pickle: { reconstructors },
    });
    const values = [];
    for await (const e of reader.read()) values.push([e.key, e.value]);
    expect(values).toEqual([['point', 1n]]);
  });
});

describe('bounded work on hostile streams', () => {
  test('set(list) repeated over one shared list runs out of budget, not memory', async () => {
    // A 100,000-item list memoized, then set(memo[0]) 2,000 times: 200 M items from ~100 KB.
    const list = [0x80, 2, 0x5d, 0x71, 0, 0x28, ...new Array(100_000).fill(0x4e), 0x65];
    const calls: number[] = [0x28];
    for (let i = 0; i < 2000; i++)
      calls.push(
        0x63,
        ...[...'__builtin__\nset\n'].map((c) => c.charCodeAt(0)),
        0x68,
        0,
        0x85,
        0x52,
      );
    const { tag, message } = await failure(Uint8Array.from([...list, ...calls, 0x6c, 0x2e]));
    expect(tag).toBe('limit');
    expect(message).toContain("the values built exceed 16x the file's size");
  });

  test('text opcodes cost time linear in their length: 600,000 escapes in one UNICODE line', async () => {
    const line = '\\u0041'.repeat(600_000);
    const entries = await readAll(bytes('V', line, '\n.'));
    expect(entries[0]!.value).toBe('A'.repeat(600_000));
    const octal = await readAll(bytes("S'", '\\101'.repeat(600_000), "'\n."));
    expect(octal[0]!.value).toBe('A'.repeat(600_000));
  });

  test.each([
    [
      'a 5,000-digit INT line',
      bytes('I', '9'.repeat(5000), '\n.'),
      "x.pkl: pickle: an integer of 5000 digits (statekit reads up to 4300, as Python's int_max_str_digits)",
    ],
    [
      'a LONG4 of 10 MB',
      bytes([0x80, 2, 0x8b, 0x80, 0x96, 0x98, 0], '.'),
      'x.pkl: pickle: an integer of 10000000 bytes at offset 2 (statekit reads up to 1800)',
    ],
  ])('%s is a limit error, not a quadratic conversion', async (_what, stream, message) => {
    expect(await failure(stream)).toEqual({ tag: 'limit', message });
  });

  test('nesting beyond limits.maxDepth is a limit error, not a stack overflow', async () => {
    const { tag, message } = await failure(fixture('bad/deep.pkl'), 'deep.pkl');
    expect(tag).toBe('limit');
    expect(message).toBe('deep.pkl: pickle: containers nest deeper than 512 (limits.maxDepth)');
  });

  test('a list that holds itself is one unsupported entry; the rest reads', async () => {
    // l = [1]; l.append(l); {'l': l, 'ok': 2}
    const cyclic = bytes(
      [0x80, 2],
      '}(U',
      [1],
      'l]q',
      [0],
      '(K',
      [1],
      'h',
      [0],
      'eU',
      [2],
      'okK',
      [2],
      'u.',
    );
    const reader = await open(cyclic);
    const infos = await reader.list();
    expect(infos.map((i) => [i.key, i.kind, i.problem])).toEqual([
      ['l.0', 'scalar', undefined],
      ['l.1', 'unsupported', 'this list holds itself (a reference cycle)'],
      ['ok', 'scalar', undefined],
    ]);
    const values = [];
    for await (const e of reader.read(['l.0', 'ok'])) values.push(e.value);
    expect(values).toEqual([1n, 2n]);
  });

  test('an out-of-band buffer is unsupported, named', async () => {
    expect(await failure(fixture('bad/out-of-band.pkl'))).toEqual({
      tag: 'unsupported',
      message:
        'x.pkl: pickle: an out-of-band buffer (protocol 5 NEXT_BUFFER): the data is not in the file',
    });
  });
});

describe('keys cannot pollute prototypes', () => {
  test('a __proto__ key is a plain path part, and unflatten/loadStates leave Object.prototype alone', async () => {
    // {'__proto__': {'polluted': 1}, 'constructor': {'prototype': {'x': 2}}}
    const evil = bytes(
      [0x80, 2],
      '}(U',
      [9],
      '__proto__}U',
      [8],
      'pollutedK',
      [1],
      'sU',
      [11],
      'constructor}U',
      [9],
      'prototype}U',
      [1],
      'xK',
      [2],
      'ssu.',
    );
    const reader = await open(evil);
    const entries = await readAll(evil);
    expect(entries.map((e) => e.path)).toEqual([
      ['__proto__', 'polluted'],
      ['constructor', 'prototype', 'x'],
    ]);
    const tree = unflatten(entries, await reader.containers!()) as Record<string, unknown>;
    expect(Object.hasOwn(tree, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const target = new Map();
    await loadStates(target, bytesSource(evil, 'x.pkl'), { checkMissing: false });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});

describe('protocol 0 text opcodes are parsed as literals', () => {
  test('STRING escapes, UNICODE raw-unicode-escape, FLOAT, INT bools, LONG', async () => {
    const p0 = bytes(
      '(dp0\n',
      "S's'\np1\nS'a\\'b\\n\\x41\\101'\np2\n",
      'sVu\np3\nVx\\u00e9\\U0001F600\\\\u\np4\n',
      'sVf\nF-1e-05\nsVi\nI01\nsVl\nL-123456789012345678901L\ns.',
    );
    const entries = await readAll(p0);
    expect(entries.map((e) => [e.key, e.value])).toEqual([
      ['s', "a'b\nAA"],
      ['u', 'x\u00e9\u{1F600}\\\\u'],
      ['f', -1e-5],
      ['i', true],
      ['l', -123456789012345678901n],
    ]);
  });
});

describe('loadStates on a BrainPy save_as_pkl file', () => {
  test("fills a model's variables, printing BrainPy's lines in file order", async () => {
    const entries = await readAll(fixture('brainpy-einet.pkl'));
    const target = new Map(entries.map((e) => [e.key, structuredClone(e.value)]));
    for (const v of target.values())
      if (ArrayBuffer.isView((v as { data?: unknown }).data))
        (v as { data: Float32Array }).data.fill(0);
    const lines: string[] = [];
    const result = await loadStates(target, bytesSource(fixture('brainpy-einet.pkl'), 'net.pkl'), {
      verbose: true,
      logger: { log: (line) => lines.push(line), warn: () => {} },
    });
    expect(result).toEqual({ missingKeys: [], unexpectedKeys: [], mismatched: [] });
    expect(lines).toEqual(entries.map((e) => `Loading ${e.key} ...`));
    const v = target.get('E.V') as { data: Float32Array };
    expect(Array.from(v.data)).toEqual(
      Array.from((entries.find((e) => e.key === 'E.V')!.value as { data: Float32Array }).data),
    );
  });
});
