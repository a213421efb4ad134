/**
 * PyTorch files (`torch.save` since 1.6): a ZIP holding `<archive>/data.pkl`, one member
 * `<archive>/data/<key>` per storage, `<archive>/version` and, from torch 1.10,
 * `<archive>/byteorder`. The pickle runs with the tensor globals `torch.load(weights_only=True)`
 * allows; storages are read when a tensor of theirs is, once while other tensors still need them.
 */
import {
  type ByteSource,
  DTYPES,
  type NdArray,
  type Reader,
  type ReadOptions,
  StatekitError,
} from '@statekit/core';
import { checkArrayBytes, limitsWith, withContext } from '@statekit/core/codec';
import { memberDataOffset, readMember, readZipDirectory, type ZipMember } from '@statekit/core/zip';
import { type TorchStorage, TorchTensor } from './model.js';
import { pickleReader, pickleTree } from './pickle-reader.js';
import { storageLoader, TORCH_GLOBALS } from './torch-globals.js';
import { LEGACY_TORCH_MAGIC, TORCH_DATA_PKL } from './torch-sniff.js';
import { tensorArray } from './torch-tensor.js';
import type { Tree } from './tree.js';

function corrupt(message: string): StatekitError {
  return new StatekitError('corrupt', `PyTorch: ${message}`);
}

export async function openTorch(source: ByteSource, options: ReadOptions = {}): Promise<Reader> {
  const limits = limitsWith(options.limits);
  const verify = options.verify ?? true;
  return (async () => {
    const head = await source.read(0, Math.min(source.size, LEGACY_TORCH_MAGIC.length));
    if (LEGACY_TORCH_MAGIC.every((b, i) => head[i] === b))
      throw new StatekitError(
        'unsupported',
        'PyTorch: the legacy (before 1.6) torch.save format is not supported: load and save it again with a newer torch',
      );
    const members = new Map((await readZipDirectory(source, limits)).map((m) => [m.name, m]));
    const pkl = [...members.values()].filter((m) => TORCH_DATA_PKL.test(m.name));
    if (pkl.length !== 1)
      throw new StatekitError(
        'format',
        `PyTorch: ${pkl.length === 0 ? 'no' : 'more than one'} <archive>/data.pkl member: not a torch.save file`,
      );
    const archive = pkl[0]!.name.slice(0, -'data.pkl'.length);
    const read = async (m: ZipMember) =>
      readMember(source, m, await memberDataOffset(source, m), verify, limits);
    const order = members.get(`${archive}byteorder`);
    const byteorder = order ? new TextDecoder().decode(await read(order)) : 'little';
    if (byteorder !== 'little' && byteorder !== 'big')
      throw corrupt(`byteorder is ${JSON.stringify(byteorder.slice(0, 20))}`);
    const load = storageLoader();
    const reconstructors = new Map([...TORCH_GLOBALS, ...(options.pickle?.reconstructors ?? [])]);
    const tree = pickleTree(await read(pkl[0]!), source.name, {
      limits,
      reconstructors,
      persistentLoad: load,
    });
    const storageBytes = storageReader(
      tree,
      (key) => {
        const m = members.get(`${archive}data/${key}`);
        if (!m) throw corrupt(`storage ${key} (${archive}data/${key}) is missing`);
        return m;
      },
      async (m, storage) => {
        const bytes = storage.numel * DTYPES[storage.dtype].itemSize;
        checkArrayBytes(bytes, limits.maxArrayBytes);
        if (m.size !== bytes)
          throw corrupt(
            `storage ${storage.key} holds ${m.size} bytes, its ${storage.numel} ${storage.dtype} elements take ${bytes}`,
          );
        return read(m);
      },
    );
    const loadTensor = async (t: TorchTensor): Promise<NdArray> =>
      tensorArray(t, await storageBytes(t.storage), byteorder === 'big');
    return pickleReader('torch', source.name, tree, loadTensor);
  })().catch((error) => {
    throw withContext(error, source.name);
  });
}

/** Storages read ahead of the tensor being read: at most this many, holding this many bytes. */
const AHEAD_STORAGES = 4;
const AHEAD_BYTES = 64 << 20;

const bytesOfStorage = (s: TorchStorage): number => s.numel * DTYPES[s.dtype].itemSize;

/**
 * Storage bytes by storage, each read once while tensors still wait for it: the tensors of
 * each storage are counted up front, and its bytes dropped when the last one has been read.
 * The next storages in tensor order are read ahead, so their I/O overlaps this one's work.
 */
function storageReader(
  tree: Tree,
  memberOf: (key: string) => ZipMember,
  read: (m: ZipMember, storage: TorchStorage) => Promise<Uint8Array>,
): (storage: TorchStorage) => Promise<Uint8Array> {
  const waiting = new Map<TorchStorage, number>();
  for (const { value } of tree.leaves)
    if (value instanceof TorchTensor)
      waiting.set(value.storage, (waiting.get(value.storage) ?? 0) + 1);
  const order = [...waiting.keys()];
  const position = new Map(order.map((s, i) => [s, i]));
  const held = new Map<TorchStorage, Promise<Uint8Array>>();
  let heldBytes = 0;
  const start = (storage: TorchStorage): Promise<Uint8Array> => {
    let bytes = held.get(storage);
    if (!bytes) {
      bytes = Promise.resolve().then(() => read(memberOf(storage.key), storage));
      bytes.catch(() => {}); // a storage read ahead and never asked for fails unseen
      held.set(storage, bytes);
      heldBytes += bytesOfStorage(storage);
    }
    return bytes;
  };
  return (storage) => {
    const bytes = start(storage);
    // Read ahead while what is held (read ahead, or shared and still wanted) stays bounded.
    const from = (position.get(storage) ?? order.length) + 1;
    for (let i = from; i < Math.min(order.length, from + AHEAD_STORAGES); i++) {
      if (heldBytes >= AHEAD_BYTES) break;
      start(order[i]!);
    }
    const left = (waiting.get(storage) ?? 1) - 1;
    waiting.set(storage, left);
    if (left <= 0 && held.delete(storage)) heldBytes -= bytesOfStorage(storage);
    return bytes;
  };
}
