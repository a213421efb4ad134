"""msgpack fixtures in flax's exact layout (flax.serialization / braintools.file), written with
Debian's python3-msgpack; called by make_fixtures.py or on its own:
`/usr/bin/python3 scripts/msgpack_fixtures.py`.

flax is not installable here, so its serializer is restated below from its source (flax
serialization.py; braintools file/_msg_checkpoint.py, see ../shared/research/formats.md §4):
`to_state_dict` turns lists and tuples into {'0': ..} maps and int keys into strings; arrays
are ext 1 `packb((shape, dtype.name, tobytes('C')))`, numpy scalars ext 3, complex ext 2;
arrays over MAX_CHUNK_SIZE bytes become `__msgpack_chunked_array__` maps. Each fixture gets a
sidecar in the shape of `statekit ls --json --sha256`; `bad/` files name their error tag.
"""
import hashlib
import json
import os

import msgpack
import numpy as np

import pickle_fixtures

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test-fixtures')
MAX_CHUNK_SIZE = 2 ** 30


def ndarray_to_bytes(arr):
    return msgpack.packb((arr.shape, arr.dtype.name, arr.tobytes('C')), use_bin_type=True)


def ext_pack(x):
    if isinstance(x, np.ndarray):
        return msgpack.ExtType(1, ndarray_to_bytes(x))
    if issubclass(type(x), np.generic):
        return msgpack.ExtType(3, ndarray_to_bytes(np.asarray(x)))
    if isinstance(x, complex):
        return msgpack.ExtType(2, msgpack.packb((x.real, x.imag)))
    return x


def chunk(arr, max_chunk):
    chunksize = max(1, int(max_chunk / arr.dtype.itemsize))
    flat = arr.reshape(-1)
    chunks = [flat[i:i + chunksize] for i in range(0, flat.size, chunksize)]
    return {'__msgpack_chunked_array__': True, 'shape': {str(i): d for i, d in enumerate(arr.shape)},
            'chunks': {str(i): c for i, c in enumerate(chunks)}}


def to_state_dict(x, max_chunk=MAX_CHUNK_SIZE):
    """flax's to_state_dict plus its chunking of large arrays inside dicts."""
    if isinstance(x, dict):
        out = {}
        for k, v in x.items():
            v = to_state_dict(v, max_chunk)
            if isinstance(v, np.ndarray) and v.size * v.dtype.itemsize > max_chunk:
                v = chunk(v, max_chunk)
            out[str(k)] = v
        return out
    if isinstance(x, (list, tuple)):
        return {str(i): to_state_dict(v, max_chunk) for i, v in enumerate(x)}
    return x


def to_bytes(tree, max_chunk=MAX_CHUNK_SIZE):
    return msgpack.packb(to_state_dict(tree, max_chunk), default=ext_pack, strict_types=True)


def sha256(a):
    a = np.ascontiguousarray(a)
    raw = a.view('<u2') if a.dtype.name == 'bfloat16' else a
    return hashlib.sha256(raw.astype(raw.dtype.newbyteorder('<')).tobytes()).hexdigest()


def walk(state, path, out):
    """The state dict's leaves in statekit's order, as `ls --json --sha256` lists them."""
    if isinstance(state, dict) and '__msgpack_chunked_array__' not in state:
        for k, v in state.items():
            walk(v, path + [k], out)
        return out
    key = '.'.join(str(p) for p in path)
    if isinstance(state, dict):  # chunked: the assembled array
        shape = [state['shape'][str(i)] for i in range(len(state['shape']))]
        state = np.concatenate([state['chunks'][str(i)] for i in range(len(state['chunks']))]).reshape(shape)
    if isinstance(state, (np.ndarray, np.generic)):
        a = np.asarray(state)
        out.append({'key': key, 'path': path, 'dtype': a.dtype.name, 'shape': list(a.shape), 'sha256': sha256(a)})
        return out
    out.append(pickle_fixtures.leaf(key, path, state, None, None))
    return out


def write_all(root=ROOT):
    folder = os.path.join(root, 'msgpack')
    os.makedirs(os.path.join(folder, 'bad'), exist_ok=True)
    rng = np.random.default_rng(20261208)

    def save(name, tree, max_chunk=MAX_CHUNK_SIZE):
        data = to_bytes(tree, max_chunk)
        with open(os.path.join(folder, name), 'wb') as f:
            f.write(data)
        state = to_state_dict(tree, max_chunk)
        # A lone top value is listed under the file's name, as statekit lists a .npy.
        top = [] if isinstance(state, dict) else [name.rsplit('.', 1)[0]]
        with open(os.path.join(folder, name + '.expected.json'), 'w') as f:
            json.dump({'format': 'msgpack', 'entries': walk(state, top, [])}, f, indent=1)
            f.write('\n')
        return data

    def bad(name, data, tag, why):
        with open(os.path.join(folder, 'bad', name), 'wb') as f:
            f.write(data)
        with open(os.path.join(folder, 'bad', name + '.expected.json'), 'w') as f:
            json.dump({'error': tag, 'why': why}, f, indent=1)
            f.write('\n')

    base = np.linspace(-3, 3, 12).reshape(3, 4)
    dtypes = {name: base.astype(name) for name in ['int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64', 'float16', 'float32', 'float64']}
    dtypes['bool'] = base > 0
    dtypes['complex64'] = (base + 1j * base).astype('complex64')
    dtypes['complex128'] = base * (1 - 2j)
    dtypes['uint64'][0, 0] = 2 ** 64 - 1
    dtypes['int64'][0, 0] = -(2 ** 63)
    dtypes['scalar0d'] = np.array(2.5, dtype='float32')
    dtypes['empty'] = np.zeros((0, 3), dtype='float32')
    save('dtypes.msgpack', dtypes)

    # A tree as braintools writes it: nested dicts, lists and tuples (as {'0': ..} maps), int
    # keys (as strings), empty dicts, numpy scalars (ext 3), Python scalars, complex (ext 2),
    # a Quantity in its map form, with and without 'factor' (braintools 0.0.4).
    ms = {'mantissa': 10.0, 'scale': -3, 'base': 10.0, 'dim': np.array([0, 0, 1, 0, 0, 0, 0], dtype='int64'), 'factor': 1.0}
    mv_old = {'mantissa': rng.standard_normal(3).astype('float32'), 'scale': -3, 'base': 10.0, 'dim': np.array([2, 1, -3, -1, 0, 0, 0], dtype='int64')}
    tree = {
        'params': {'dense': {'kernel': rng.standard_normal((2, 3)).astype('float32'), 'bias': np.zeros(3, 'float32')},
                   'layers': [np.ones(2, 'int32'), (np.array([True, False]), 7)]},
        'step': 12, 'lr': 1e-3, 'one': 1.0, 'name': 'EI-net', 'done': False, 'nothing': None,
        'big': 2 ** 63 - 1, 'neg': -(2 ** 63), 'raw': b'\x00\xffab', 'z': 1.5 - 2j, 'inf': float('-inf'),
        'np_scalars': {'f4': np.float32(1.5), 'i8': np.int64(-3), 'b': np.bool_(True), 'c16': np.complex128(1 + 1j)},
        'by_index': {0: np.arange(3, dtype='uint8'), 10: 2.5},
        'empty': {}, 'tau': ms, 'V_th': mv_old,
    }
    save('tree.msgpack', tree)

    # BrainPy's checkpoints.save_pytree(.bp): {'net': {...}, 'epoch_i': 9, 'train_loss': 0-d f32}.
    net = {'SNN0': {'SNN0.var': np.zeros(1, 'float32')}, 'LIF0': {'V': (rng.standard_normal(20) - 60).astype('float32'), 'spike': np.zeros(20, bool)},
           'ExponentialEuler0': {}}
    save('snn.bp', {'net': net, 'epoch_i': 9, 'train_loss': np.array(0.25, dtype='float32')})

    # A flax TrainState-like tree: params, opt_state (adam mu/nu, count), step.
    p = {'Dense_0': {'kernel': rng.standard_normal((3, 2)).astype('float32'), 'bias': np.zeros(2, 'float32')}}
    zeros = {'Dense_0': {'kernel': np.zeros((3, 2), 'float32'), 'bias': np.zeros(2, 'float32')}}
    save('train-state.msgpack', {'step': 100, 'params': p, 'opt_state': ({'count': np.array(100, dtype='int32'), 'mu': zeros, 'nu': zeros}, {})})

    # An array split into chunks, as flax does beyond 2**30 bytes (here beyond 64 bytes).
    save('chunked.msgpack', {'w': np.arange(40, dtype='float32').reshape(4, 10), 'small': np.arange(3, dtype='int16')}, max_chunk=64)

    # A bare array as the top value (any object is allowed).
    save('bare.msgpack', np.arange(6, dtype='float64').reshape(2, 3))

    good = to_bytes({'a': np.arange(4, dtype='float32'), 'b': 1})
    bad('truncated.msgpack', good[:len(good) // 2], 'corrupt', 'cut in half')
    bad('unknown-ext.msgpack', msgpack.packb({'a': msgpack.ExtType(42, b'xyz')}), 'unsupported', 'ext code 42')
    wrong = msgpack.packb(((3,), 'float32', b'\x00' * 8), use_bin_type=True)
    bad('wrong-size.msgpack', msgpack.packb({'a': msgpack.ExtType(1, wrong)}), 'corrupt', '3 float32 need 12 bytes, 8 given')
    bad('unknown-dtype.msgpack', msgpack.packb({'a': msgpack.ExtType(1, msgpack.packb(((1,), 'float128', b'\x00' * 16), use_bin_type=True))}), 'unsupported', 'float128')
    bad('huge-map.msgpack', b'\x81\xa1a\xdf\xff\xff\xff\xff', 'corrupt', 'a map declaring 2**32-1 entries in 8 bytes')
    bad('deep.msgpack', b'\x81\xa1a' * 10000 + b'\xc0', 'limit', '10,000 nested maps')
    bad('empty.msgpack', b'', 'format', 'empty file')


if __name__ == '__main__':
    write_all()
    print('msgpack fixtures written to', os.path.join(ROOT, 'msgpack'))
