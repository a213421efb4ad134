/**
 * Hostile HDF5 files (issue: never read another file, no runaway walks). h5py makes files whose
 * datasets point into a planted secret file (external raw storage, external links, a virtual
 * dataset), by absolute and relative paths; no listing, `loadStates` or `convert` output of
 * either engine may contain the secret's bytes. A diamond of hard links and a group linking
 * its parent are walked once per object.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { convert, isStatekitError, registerCodec, StatekitError } from '@statekit/core';
import { atomicFileSink, fileSource, loadStates } from '@statekit/core/node';
import { npz } from '@statekit/npz';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { hdf5 } from '../src/index.js';
import { PYTHON, PYTHON_MISSING, python } from './python.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'statekit-hostile-'));
const home = process.cwd();
afterAll(() => {
  process.chdir(home);
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** 64 bytes no file of ours would hold by chance. */
const SECRET = Buffer.from('TOP-SECRET-'.repeat(6).slice(0, 64));
const SECRET_HEX = SECRET.toString('hex');

const MAKE = `
import sys, os, h5py, numpy as np
d = sys.argv[1]
secret = os.path.join(d, 'secret.bin')
with h5py.File(os.path.join(d, 'other.h5'), 'w') as f:
    f['data'] = np.frombuffer(open(secret, 'rb').read(), dtype='u1')
with h5py.File(os.path.join(d, 'leaky.h5'), 'w') as f:
    f.attrs['note'] = 'made to read other files'
    f['ok'] = np.arange(4, dtype='f4')
    f.create_dataset('storage_abs', shape=(64,), dtype='u1', external=[(secret, 0, 64)])
    f.create_dataset('storage_rel', shape=(64,), dtype='u1', external=[('secret.bin', 0, 64)])
    f['link_abs'] = h5py.ExternalLink(os.path.join(d, 'other.h5'), '/data')
    f['link_rel'] = h5py.ExternalLink('other.h5', '/data')
    layout = h5py.VirtualLayout(shape=(64,), dtype='u1')
    layout[:] = h5py.VirtualSource(os.path.join(d, 'other.h5'), 'data', shape=(64,))
    f.create_virtual_dataset('vds', layout)
with h5py.File(os.path.join(d, 'diamond.h5'), 'w') as f:
    groups = [f.create_group('n0')] + [f.create_group(f'tmp{i}') for i in range(1, 20)]
    for i in range(19):
        groups[i]['a'] = groups[i + 1]
        groups[i]['b'] = groups[i + 1]
    for i in range(1, 20):
        del f[f'tmp{i}']
    groups[19]['x'] = np.arange(3, dtype='i4')
    f['n0']['up'] = f['n0']
`;

beforeAll(() => {
  registerCodec(npz, hdf5);
  if (!PYTHON) {
    console.warn(PYTHON_MISSING);
    return;
  }
  fs.writeFileSync(path.join(tmp, 'secret.bin'), SECRET);
  python(MAKE, tmp);
});

const ENGINES = ['auto', 'native', 'h5wasm'] as const;

/** Nothing statekit produced holds the secret, as bytes, as text or as hex. */
function expectNoSecret(what: string, bytes: Uint8Array | string): void {
  const buffer = typeof bytes === 'string' ? Buffer.from(bytes) : Buffer.from(bytes);
  expect(buffer.includes(SECRET), `${what} holds the secret's bytes`).toBe(false);
  expect(buffer.includes(Buffer.from(SECRET_HEX)), `${what} holds the secret in hex`).toBe(false);
  expect(buffer.includes(Buffer.from('TOP-SECRET')), `${what} holds part of the secret`).toBe(
    false,
  );
}

/** Every entry's value as text, or the typed error it gave. */
async function readEverything(file: string, engine: (typeof ENGINES)[number]): Promise<string> {
  const reader = await (await hdf5.load()).open(fileSource(file), { hdf5: { engine } });
  const out: string[] = [JSON.stringify(await reader.list(), replacer)];
  for (const info of await reader.list()) {
    try {
      for await (const e of reader.read([info.key])) out.push(JSON.stringify(e, replacer));
    } catch (error) {
      expect(error).toBeInstanceOf(StatekitError);
      out.push((error as Error).message);
    }
  }
  await reader.close();
  return out.join('\n');
}

function replacer(_: string, v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (ArrayBuffer.isView(v))
    return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('latin1');
  return v;
}

describe.skipIf(!PYTHON)('an .h5 never makes statekit read another file', () => {
  test.each(ENGINES)('every value read (%s engine) leaves the secret unread', async (engine) => {
    process.chdir(tmp); // relative targets resolve here
    const text = await readEverything(path.join(tmp, 'leaky.h5'), engine);
    expectNoSecret(`${engine} read`, text);
    process.chdir(home);
  });

  test('the native reader lists each such entry with where its data would be, unread', async () => {
    const reader = await (await hdf5.load()).open(fileSource(path.join(tmp, 'leaky.h5')), {
      hdf5: { engine: 'native' },
    });
    const listed = Object.fromEntries(
      (await reader.list()).map((i) => [i.key, [i.dtype, i.attrs]]),
    );
    await reader.close();
    const secret = path.join(tmp, 'secret.bin');
    const other = path.join(tmp, 'other.h5');
    expect(listed).toEqual({
      link_abs: ['none', { external_link: `${other}:/data` }],
      link_rel: ['none', { external_link: 'other.h5:/data' }],
      ok: ['float32', undefined],
      storage_abs: ['none', { external_storage: [`${secret} (64 bytes at 0)`] }],
      storage_rel: ['none', { external_storage: ['secret.bin (64 bytes at 0)'] }],
      vds: ['none', { virtual_dataset: `1 mapping from other files, the first ${other}:data` }],
    });
  });

  test.each(ENGINES)('loadStates and convert (%s engine) carry none of it', async (engine) => {
    process.chdir(tmp);
    const file = path.join(tmp, 'leaky.h5');
    const target: Record<string, unknown> = {};
    await loadStates(target, file, { hdf5: { engine }, checkMissing: false }).catch((error) => {
      expect(isStatekitError(error, 'unsupported')).toBe(true);
      expect((error as Error).message).toContain('statekit reads only the file it was given');
    });
    expectNoSecret('loadStates', JSON.stringify(target, replacer));
    for (const to of ['npz', 'hdf5']) {
      const out = path.join(tmp, `out-${engine}.${to}`);
      const source = fileSource(file);
      await convert(source, atomicFileSink(out), {
        to,
        read: { hdf5: { engine } },
        write: { allowLossy: true },
      }).catch((error) => {
        expect(isStatekitError(error, 'unsupported')).toBe(true);
      });
      await source.close();
      if (fs.existsSync(out)) expectNoSecret(`convert to ${to}`, fs.readFileSync(out));
    }
    process.chdir(home);
  });
});

describe.skipIf(!PYTHON)('hard links are walked once per object', () => {
  test.each(['auto', 'h5wasm'] as const)(
    'a diamond of 2^20 paths and a group linking its parent list in a few entries (%s)',
    async (engine) => {
      const reader = await (await hdf5.load()).open(fileSource(path.join(tmp, 'diamond.h5')), {
        hdf5: { engine },
      });
      const list = await reader.list();
      await reader.close();
      const data = list.filter((i) => i.dtype === 'int32').map((i) => i.key);
      expect(data).toEqual([`n0.${'a.'.repeat(19)}x`]);
      const aliases = list.filter((i) => i.attrs?.hard_link !== undefined);
      expect(aliases.length).toBe(20); // each level's 'b', and n0/up
      expect(aliases.map((i) => i.key)).toContain('n0.up');
    },
  );
});
