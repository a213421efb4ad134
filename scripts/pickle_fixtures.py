"""Pickle fixtures, written by Python's own pickle with Debian's numpy (called by make_fixtures.py).

Each data pickle gets a sidecar in the shape of `statekit ls --json --sha256`: entries in the
order statekit walks the tree (depth first, dict order, list positions as integer path parts),
arrays with a sha256 of their little-endian C-order bytes, Python scalars with their `value`.
Files under `bad/` name the error tag statekit must give; `hostile-*` pickles run code when
Python unpickles them (each would create MARKER) and must be refused before anything runs.
"""
import collections
import io
import json
import os
import pickle
import pickletools
import subprocess

import numpy as np

# What the hostile pickles would create if anything executed them (tests check it never appears).
MARKER = '/tmp/statekit-pickle-ran'


def leaf(key, path, v, sha256, dtype_name):
    """One sidecar entry, as `ls --json --sha256` prints it."""
    if isinstance(v, (np.ndarray, np.generic)):
        a = np.asarray(v)
        e = {'key': key, 'path': path, 'dtype': dtype_name(a.dtype), 'shape': list(a.shape), 'sha256': sha256(a)}
        if a.dtype.kind in 'US':
            e['value'] = a.tolist() if a.dtype.kind == 'U' else np.vectorize(lambda b: b.decode('latin-1'), otypes=[object])(a).tolist()
        return e
    kinds = [(bool, 'bool'), (int, 'int'), (float, 'float'), (str, 'str'), ((bytes, bytearray), 'bytes'), (complex, 'complex'), (type(None), 'none')]
    kind = next(k for t, k in kinds if isinstance(v, t))
    value = v
    if isinstance(v, (bytes, bytearray)):
        value = bytes(v).decode('latin-1')
    elif isinstance(v, complex):
        value = [v.real, v.imag]
    elif isinstance(v, float) and (v != v or v in (float('inf'), float('-inf'))):
        value = 'NaN' if v != v else ('Infinity' if v > 0 else '-Infinity')
    elif isinstance(v, int) and not isinstance(v, bool) and abs(v) > 2**53 - 1:
        value = str(v)
    return {'key': key, 'path': path, 'dtype': kind, 'shape': [], 'value': value}


def walk(obj, path, out, sha256, dtype_name):
    """Leaves of a tree in statekit's order: dicts by insertion, sequences by position."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            walk(v, path + [k], out, sha256, dtype_name)
    elif isinstance(obj, (list, tuple)):
        for i, v in enumerate(obj):
            walk(v, path + [i], out, sha256, dtype_name)
    elif isinstance(obj, (set, frozenset)):
        for i, v in enumerate(list(obj)):
            walk(v, path + [i], out, sha256, dtype_name)
    else:
        out.append(leaf('.'.join(str(p) for p in path), path, obj, sha256, dtype_name))
    return out


def numpy2_names(data):
    """The same pickle with the module names numpy 2.x writes (`numpy._core.*`).

    Only numpy 1.24 installs here (Debian); for these arrays the module names are the only
    difference between the streams numpy 1.x and 2.x pickle. The opcodes are copied as they are,
    the strings renamed, and pickletools.optimize re-frames the result.
    """
    ops = list(pickletools.genops(data))
    out = bytearray()
    for n, (op, arg, pos) in enumerate(ops):
        end = ops[n + 1][2] if n + 1 < len(ops) else len(data)
        raw = data[pos:end]
        if op.name == 'FRAME':
            continue
        if op.name in ('SHORT_BINUNICODE', 'BINUNICODE') and arg.startswith('numpy.core'):
            s = arg.replace('numpy.core', 'numpy._core', 1).encode()
            raw = (b'\x8c' + bytes([len(s)]) if len(s) < 256 else b'X' + len(s).to_bytes(4, 'little')) + s
        elif op.name == 'GLOBAL' and arg.startswith('numpy.core'):
            raw = raw.replace(b'numpy.core', b'numpy._core', 1)
        out += raw
    return pickletools.optimize(bytes(out))


class Evil:
    """Unpickling calls `fn(*args)`: what an attacker's pickle does."""

    def __init__(self, fn, args):
        self.fn, self.args = fn, args

    def __reduce__(self):
        return self.fn, self.args


def write_all(root, rng, sha256, dtype_name, every_dtype, einet):
    folder = os.path.join(root, 'pickle')
    os.makedirs(os.path.join(folder, 'bad'), exist_ok=True)

    def save(name, obj, protocol, data=None):
        path = os.path.join(folder, name)
        data = pickle.dumps(obj, protocol=protocol) if data is None else data
        with open(path, 'wb') as f:
            f.write(data)
        with open(path + '.expected.json', 'w') as f:
            json.dump({'format': 'pickle', 'entries': walk(obj, [], [], sha256, dtype_name)}, f, indent=1)
            f.write('\n')

    def bad(name, data, tag, why):
        path = os.path.join(folder, 'bad', name)
        with open(path, 'wb') as f:
            f.write(data)
        with open(path + '.expected.json', 'w') as f:
            json.dump({'error': tag, 'why': why}, f, indent=1)
            f.write('\n')

    arrays = every_dtype(rng)
    # Every dtype, at every protocol: 0-1 (text and old binary), 2 (_codecs.encode bytes),
    # 3-4 (BINBYTES, frames), 5 (numeric._frombuffer + BYTEARRAY8).
    for protocol in range(6):
        save(f'dtypes.p{protocol}.pkl', arrays, protocol)
    big = {name: a.astype(a.dtype.newbyteorder('>')) for name, a in arrays.items() if a.dtype.itemsize > 1 and a.dtype.kind != 'S'}
    fortran = {
        'f4': np.asfortranarray(rng.standard_normal((3, 4)).astype('f4')),
        'i8-3d': np.asfortranarray(np.arange(24, dtype='i8').reshape(2, 3, 4)),
        'be-f8': np.asfortranarray(rng.standard_normal((2, 5)).astype('>f8')),
        'str': np.asfortranarray(np.array([['a', 'bb', 'ccc'], ['dddd', 'e', '']], dtype='<U4')),
    }
    for protocol in (2, 4, 5):
        save(f'big-endian.p{protocol}.pkl', big, protocol)
        save(f'fortran.p{protocol}.pkl', fortran, protocol)

    # BrainPy's save_as_pkl: a flat {'E.V': array} dict at HIGHEST_PROTOCOL (5); with
    # duplicate_keys / duplicate_targets (2.2); 3.7-era files are protocol 4.
    state = einet(np.random.default_rng(7))
    save('brainpy-einet.pkl', state, 5)
    save('brainpy-einet.p4.pkl', state, 4)
    lif = {'LIF0.V': np.linspace(-70, -50, 10, dtype='f4'), 'LIF0.spike': np.zeros(10, dtype=bool), 'Exp0.g': np.ones(10, dtype='f4'),
           'duplicate_keys': np.asarray(['Proj0.post.V', 'Proj0.syn.g']), 'duplicate_targets': np.asarray(['LIF0.V', 'Exp0.g'])}
    save('brainpy-2.2-duplicates.pkl', lif, 5)

    # numpy 2.x module names (numpy._core), protocols 2, 4 and 5.
    for protocol in (2, 4, 5):
        save(f'numpy2.p{protocol}.pkl', state, protocol, numpy2_names(pickle.dumps(state, protocol=protocol)))

    # Trees: nested dicts, OrderedDict, lists, tuples, sets, int keys, every Python scalar,
    # numpy scalars, empty containers, and one array referenced twice (memo).
    shared = np.arange(4, dtype='f4')
    tree = collections.OrderedDict([
        ('params', {'dense': {'kernel': rng.standard_normal((2, 3)).astype('f4'), 'bias': np.zeros(3, dtype='f4')},
                    'layers': [np.ones(2, dtype='i4'), (np.array([True, False]), 7)]}),
        ('step', 12), ('lr', 1e-3), ('name', 'EI-net'), ('done', False), ('nothing', None),
        ('big', 2**70), ('neg', -(2**63) - 1), ('raw', b'\x00\xffab'), ('buf', bytearray(b'xy')), ('z', 1.5 - 2j),
        ('inf', float('-inf')),
        ('np_scalars', {'f4': np.float32(1.5), 'i8': np.int64(-3), 'b': np.bool_(True), 'c16': np.complex128(1 + 1j), 'u2': np.uint16(9)}),
        ('by_index', {0: np.arange(3, dtype='u1'), 1: 'one', 10: 2.5}),
        ('tags', frozenset({'a'})), ('empty', {'d': {}, 'l': [], 't': ()}),
        ('first', shared), ('again', shared),
    ])
    for protocol in (0, 2, 4, 5):
        save(f'tree.p{protocol}.pkl', tree, protocol)

    # Hostile: each runs code under pickle.load (creating MARKER), alone and hidden in a state.
    hostile = {
        'os-system': Evil(os.system, (f'touch {MARKER}',)),
        'eval': Evil(eval, (f"open('{MARKER}', 'w').close()",)),
        'popen': Evil(subprocess.Popen, (['touch', MARKER],)),
    }
    for name, evil in hostile.items():
        for protocol in (0, 2, 4):
            bad(f'hostile-{name}.p{protocol}.pkl', pickle.dumps(evil, protocol=protocol), 'unsafe', f'{name} runs code under pickle.load')
    hidden = dict(state)
    hidden['E.V_'] = hostile['os-system']
    bad('hostile-hidden.pkl', pickle.dumps(hidden, protocol=5), 'unsafe', 'os.system hidden after valid arrays')
    bad('hostile-reconstructor.pkl', pickle.dumps(Evil(__import__('copyreg')._reconstructor, (object, object, None)), protocol=2), 'unsafe', 'copyreg._reconstructor')

    good = pickle.dumps(state, protocol=4)
    bad('truncated.pkl', good[: len(good) // 2], 'corrupt', 'stream cut in half')
    bad('no-stop.pkl', pickle.dumps({'a': 1}, protocol=2)[:-1], 'corrupt', 'no STOP opcode')
    bad('unknown-opcode.pkl', b'\x80\x04\xff.', 'corrupt', 'opcode 0xff')
    bad('underflow.pkl', b'\x80\x02s.', 'corrupt', 'SETITEM on an empty stack')
    bad('empty.pkl', b'', 'format', 'empty file')
    bad('huge-shape.pkl', numpy_reconstruct_with_shape((10**6, 10**6)), 'corrupt', 'shape declares 8 TB, data holds 8 bytes')
    bad('bytes-bomb.pkl', b'\x80\x02c__builtin__\nbytes\nJ\x00\x00\x00\x40\x85R.', 'unsafe', 'bytes(2**30) would allocate a GiB')
    bad('out-of-band.pkl', pickle.dumps(pickle.PickleBuffer(np.arange(3, dtype='f4')), protocol=5, buffer_callback=lambda b: False), 'unsupported', 'out-of-band buffer (NEXT_BUFFER)')
    # Each APPEND puts a list into the one below it: 100,000 levels of [[[...]]].
    deep = b'\x80\x02' + b']' * 100_000 + b'a' * 99_999 + b'.'
    bad('deep.pkl', deep, 'limit', '100,000 nested lists')


def numpy_reconstruct_with_shape(shape):
    """A protocol-2 ndarray pickle whose BUILD state claims `shape` but carries 8 bytes."""
    data = bytearray(pickle.dumps(np.zeros(1), protocol=2))
    # Protocol 2 writes the shape tuple as BININT/BININT1 items before the dtype: rewrite it.
    ops = list(pickletools.genops(bytes(data)))
    for n, (op, arg, pos) in enumerate(ops):
        if op.name == 'TUPLE1' and ops[n - 1][0].name == 'BININT1' and ops[n - 1][1] == 1 and n > 6:
            start = ops[n - 1][2]
            tup = b''.join(b'J' + d.to_bytes(4, 'little') for d in shape) + b'\x86'
            return bytes(data[:start]) + tup + bytes(data[pos + 1:])
    raise AssertionError('shape tuple not found')
