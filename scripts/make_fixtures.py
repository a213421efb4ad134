#!/usr/bin/python3
"""Writes statekit's test fixtures with the real Python libraries (Debian's python3-numpy).

Every fixture gets a `<name>.expected.json` sidecar in the shape of
`statekit ls --json --sha256`: key, path, dtype, shape, sha256 of the logical little-endian
C-order bytes, and `value` for str/bytes arrays. Files under `bad/` get a sidecar naming the
error tag statekit must report. Fixed seeds: running this again gives the same arrays.

Run with the system python3 (Debian's packages): /usr/bin/python3 scripts/make_fixtures.py
"""
import hashlib
import io
import json
import os
import struct
import sys
import zipfile
import zlib

import numpy as np

import msgpack_fixtures
import pickle_fixtures

try:
    import torch_fixtures  # needs Debian's python3-torch (heavy: fixtures only, not CI)
except ImportError:
    torch_fixtures = None

try:
    import h5py
except ImportError:  # the HDF5 fixtures need Debian's python3-h5py
    h5py = None

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test-fixtures')
NPZ = os.path.join(ROOT, 'npz')
H5 = os.path.join(ROOT, 'hdf5')


def dtype_name(dt):
    kind, size = dt.kind, dt.itemsize
    if kind == 'b':
        return 'bool'
    if kind in 'iu':
        return ('int' if kind == 'i' else 'uint') + str(8 * size)
    if kind == 'f':
        return 'float' + str(8 * size)
    if kind == 'c':
        return 'complex' + str(8 * size)
    if kind == 'U':
        return 'str'
    if kind == 'S':
        return 'bytes'
    raise ValueError(dt)


def sha256(a):
    a = np.ascontiguousarray(a)
    return hashlib.sha256(a.astype(a.dtype.newbyteorder('<')).tobytes()).hexdigest()


def text_value(a):
    def conv(x):
        if isinstance(x, list):
            return [conv(y) for y in x]
        return x.decode('latin-1') if isinstance(x, bytes) else x
    return conv(a.tolist())


def describe(key, a):
    e = {'key': key, 'path': [key], 'dtype': dtype_name(a.dtype), 'shape': list(a.shape), 'sha256': sha256(a)}
    if a.dtype.kind in 'US':
        e['value'] = text_value(a)
    return e


def sidecar(path, fmt, entries, groups=None):
    with open(path + '.expected.json', 'w') as f:
        listing = {'format': fmt, 'entries': entries}
        if groups:
            listing['groups'] = groups
        json.dump(listing, f, indent=1)
        f.write('\n')


def every_dtype(rng):
    """One array per dtype statekit maps, with edge values."""
    f16 = np.array([0.0, -0.0, 1.0, -2.5, 65504.0, 6e-8, np.inf, -np.inf, np.nan, 0.1, 1e-4, 3.14], dtype='<f2')
    return {
        'bool': rng.random((3, 4)) > 0.5,
        'int8': np.array([-128, -1, 0, 1, 127], dtype='i1'),
        'int16': np.array([-32768, -1, 0, 32767], dtype='<i2'),
        'int32': rng.integers(-2**31, 2**31 - 1, size=(2, 3), dtype='<i4'),
        'int64': np.array([-2**63, -1, 0, 2**53 + 1, 2**63 - 1], dtype='<i8'),
        'uint8': np.arange(0, 256, 51, dtype='u1'),
        'uint16': np.array([0, 1, 65535], dtype='<u2'),
        'uint32': np.array([0, 1, 2**32 - 1], dtype='<u4'),
        'uint64': np.array([0, 2**53 + 1, 2**64 - 1], dtype='<u8'),
        'float16': f16.reshape(3, 4),
        'float32': np.array([0.0, -0.0, 1.5, np.float32(3.4e38), 1e-45, np.inf, -np.inf, np.nan], dtype='<f4'),
        'float64': rng.standard_normal((2, 2, 3)),
        'complex64': (rng.standard_normal(4) + 1j * rng.standard_normal(4)).astype('<c8'),
        'complex128': np.array([1 + 2j, complex(np.nan, -np.inf), -0.0j], dtype='<c16'),
        'str': np.array([['E.V', 'spike'], ['日本', '']], dtype='<U5'),
        'bytes': np.array([b'ab', b'', b'xyz\x01'], dtype='|S4'),
        'scalar_f64': np.array(2.5),
        'scalar_bool': np.array(True),
        'empty_f32': np.zeros((0, 3), dtype='<f4'),
        'empty_str': np.zeros((2, 0), dtype='<U3'),
    }


def save_npy(name, a, version=None):
    path = os.path.join(NPZ, name)
    with open(path, 'wb') as f:
        np.lib.format.write_array(f, a, version=version, allow_pickle=False)
    sidecar(path, 'npy', [describe(name[:-4], a)])


def einet(rng, n_e=32, n_i=8, num_step=3):
    """The state of the docs' EI network (BrainPy 2.0-era relative keys, save order)."""
    state = {}
    for k, post in enumerate(['E', 'I', 'E', 'I']):
        state[f'ExpCOBA{k}.g'] = np.zeros(n_e if post == 'E' else n_i, dtype='f4')
    for pop, n in (('E', n_e), ('I', n_i)):
        state[f'{pop}.V'] = (rng.standard_normal(n) * 5 - 55).astype('f4')
        state[f'{pop}.input'] = np.zeros(n, dtype='f4')
        state[f'{pop}.refractory'] = rng.random(n) > 0.9
        state[f'{pop}.spike'] = rng.random(n) > 0.8
        state[f'{pop}.t_last_spike'] = np.full(n, -1e7, dtype='f4')
    for k, pre in enumerate(['E', 'E', 'I', 'I']):
        n = n_e if pre == 'E' else n_i
        state[f'ExpCOBA{k}.pre_spike.data'] = rng.random((num_step, n)) > 0.8
        state[f'ExpCOBA{k}.pre_spike.in_idx'] = np.array([0], dtype='u4')
        state[f'ExpCOBA{k}.pre_spike.out_idx'] = np.array([num_step - 1], dtype='u4')
    return state


def write_npz(name, arrays, compressed=False):
    path = os.path.join(NPZ, name)
    (np.savez_compressed if compressed else np.savez)(path, **arrays)
    sidecar(path, 'npz', [describe(k, v) for k, v in arrays.items()])


def bad(name, data, tag, why, folder=NPZ):
    """A malformed file under FOLDER/bad with the error tag statekit must give for it."""
    path = os.path.join(folder, 'bad', name)
    with open(path, 'wb') as f:
        f.write(data)
    with open(path + '.expected.json', 'w') as f:
        json.dump({'error': tag, 'why': why}, f, indent=1)
        f.write('\n')


def npy_bytes(a, **kw):
    b = io.BytesIO()
    np.save(b, a, **kw)
    return b.getvalue()


def raw_npy(header, data=b''):
    header = header.encode('latin-1')
    pad = 64 - (10 + len(header) + 1) % 64
    header += b' ' * pad + b'\n'
    return b'\x93NUMPY\x01\x00' + struct.pack('<H', len(header)) + header + data


def zip64_member(name, content, declared):
    """A one-member ZIP whose deflated member declares `declared` bytes in its ZIP64 fields."""
    packed = zlib.compressobj(6, zlib.DEFLATED, -15)
    data = packed.compress(content) + packed.flush()
    crc = zlib.crc32(content)
    n = name.encode()
    extra_local = struct.pack('<HHQQ', 1, 16, declared, len(data))
    local = struct.pack('<IHHHHHIIIHH', 0x04034b50, 45, 0, 8, 0, 0, crc, 0xffffffff, 0xffffffff, len(n), len(extra_local)) + n + extra_local
    extra_central = struct.pack('<HHQQ', 1, 16, declared, len(data))
    central = struct.pack('<IHHHHHHIIIHHHHHII', 0x02014b50, 45, 45, 0, 8, 0, 0, crc, 0xffffffff, 0xffffffff, len(n), len(extra_central), 0, 0, 0, 0, 0) + n + extra_central
    offset = len(local) + len(data)
    end = struct.pack('<IHHHHIIH', 0x06054b50, 0, 0, 1, 1, len(central), offset, 0)
    return local + data + central + end


def hostile_npz():
    """Files made to exhaust or mislead a reader (issue: hostile files)."""
    # Valid, and empty to numpy, which loads each at once: listing must stay as cheap.
    folder = os.path.join(NPZ, 'hostile')
    os.makedirs(folder, exist_ok=True)
    for name, descr, dtype, shape in [
        ('zero-width-S5.npy', '|S5', 'bytes', (2**31, 0)),
        ('zero-width-U0.npy', '<U0', 'str', (10**8,)),
        ('zero-width-S0.npy', '|S0', 'bytes', (2**40,)),
    ]:
        path = os.path.join(folder, name)
        with open(path, 'wb') as f:
            f.write(raw_npy(f"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape!r}, }}"))
        a = np.load(path)
        assert a.nbytes == 0 and a.shape == shape, name
        # Not sidecar(): its value rendering would build 2^31 Python lists too.
        with open(path + '.expected.json', 'w') as f:
            json.dump({'format': 'npy', 'entries': [{'key': name[:-4], 'dtype': dtype, 'shape': list(shape)}]}, f, indent=1)
            f.write('\n')
    # Damaged: statekit must refuse each with the tag, as numpy (zipfile) does or should.
    bad('dim-2-60.npy', raw_npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1152921504606846976, 0), }"), 'limit', 'a dimension beyond 2^53 (a JS number would round it)')
    header = b"{'descr': '<f8', 'fortran_order': False, 'shape': (1,), '\xff': 0, }"
    header += b' ' * (63 - (12 + len(header)) % 64) + b'\n'
    bad('bad-code-point.npy', raw_npy("{'descr': '<U1', 'fortran_order': False, 'shape': (1,), }", b'\xff' * 4), 'corrupt', 'a <U element 0xffffffff, no Unicode code point')
    bad('utf8-v3.npy', b'\x93NUMPY\x03\x00' + struct.pack('<I', len(header)) + header + b'\0' * 8, 'corrupt', 'version 3 header that is not UTF-8')
    with io.BytesIO() as b:
        np.savez(b, **{f'm{i}': np.full(3, i, dtype='i4') for i in range(6)})
        six = bytes(b.getvalue())
    at = six.rindex(b'm3.npy')  # the central directory's copy of the name
    bad('dir-name-flip.npz', six[:at] + b'm3.nqy' + six[at + 6:], 'corrupt', 'a name in the central directory differs from its local header (zipfile: BadZipFile)')
    eocd = six.rindex(b'PK\x05\x06')
    counted = bytearray(six)
    counted[eocd + 8:eocd + 12] = struct.pack('<HH', 1, 1)
    bad('eocd-count.npz', bytes(counted), 'corrupt', 'the end record counts 1 of 6 members')
    with io.BytesIO() as b:
        np.savez(b, a=np.zeros(2), aXb=np.ones(2))
        nul = b.getvalue().replace(b'aXb.npy', b'a\0b.npy')
    bad('nul-name.npz', nul, 'corrupt', 'a member name with a NUL byte (zipfile cuts it, seeing two a.npy)')
    bad('16gib-member.npz', zip64_member('x.npy', npy_bytes(np.zeros(1000)), declared=2**34), 'corrupt', 'a deflated member declared 16 GiB that inflates to 8 KB: read in slices, the shortfall is damage (loaded whole, it is a limit with the figure)')


def main():
    os.makedirs(os.path.join(NPZ, 'bad'), exist_ok=True)
    rng = np.random.default_rng(20261122)
    arrays = every_dtype(rng)

    write_npz('dtypes.npz', arrays)
    write_npz('dtypes.compressed.npz', arrays, compressed=True)
    for name, a in arrays.items():
        save_npy(f'{name}.npy', a)
    # Big-endian and Fortran-order inputs, as numpy writes them.
    for name in ['int16', 'int32', 'int64', 'uint16', 'uint32', 'uint64', 'float16', 'float32', 'float64', 'complex64', 'complex128', 'str']:
        a = arrays[name]
        save_npy(f'be-{name}.npy', a.astype(a.dtype.newbyteorder('>')))
    fortran = {
        'fortran-f4': np.asfortranarray(rng.standard_normal((3, 4)).astype('f4')),
        'fortran-i8-3d': np.asfortranarray(np.arange(24, dtype='i8').reshape(2, 3, 4)),
        'fortran-c16': np.asfortranarray((np.arange(6) + 1j).reshape(2, 3)),
        'fortran-bool': np.asfortranarray(rng.random((4, 3)) > 0.5),
        'fortran-str': np.asfortranarray(np.array([['a', 'bb', 'ccc'], ['dddd', 'e', '']], dtype='<U4')),
        'fortran-be-f8': np.asfortranarray(rng.standard_normal((2, 5)).astype('>f8')),
    }
    for name, a in fortran.items():
        save_npy(f'{name}.npy', a)
    write_npz('fortran.npz', fortran)
    save_npy('header-v2.npy', rng.standard_normal(5).astype('f4'), version=(2, 0))
    save_npy('header-v3.npy', np.arange(3, dtype='u2'), version=(3, 0))

    # BrainPy: flat relative keys (E.V, 2.1.12+ names), and the older E--V keys (2.0-2.1.11).
    state = einet(np.random.default_rng(7))
    write_npz('brainpy-einet.npz', state)
    write_npz('brainpy-einet-legacy.npz', {k.replace('.', '--'): v for k, v in state.items()})
    write_npz('brainpy-einet.compressed.npz', state, compressed=True)
    # BrainPy 2.2 absolute keys with aliases (save_as_npz with duplicate_keys/targets).
    lif = {'LIF0.V': np.linspace(-70, -50, 10, dtype='f4'), 'LIF0.spike': np.zeros(10, dtype=bool),
           'Exp0.g': np.ones(10, dtype='f4')}
    lif['duplicate_keys'] = np.asarray(['Proj0.post.V', 'Proj0.syn.g'])
    lif['duplicate_targets'] = np.asarray(['LIF0.V', 'Exp0.g'])
    write_npz('brainpy-2.2-duplicates.npz', lif)

    # Malformed inputs: statekit must answer each with a typed error, never crash or hang.
    good = npy_bytes(np.arange(12, dtype='f4'))
    bad('object.npy', npy_bytes(np.array([{'a': 1}, None], dtype=object), allow_pickle=True), 'unsupported', 'object dtype (pickle)')
    bad('structured.npy', npy_bytes(np.zeros(2, dtype=[('x', 'f4'), ('y', 'i4')])), 'unsupported', 'structured dtype')
    bad('truncated-data.npy', good[:-5], 'corrupt', 'data shorter than the shape needs')
    bad('truncated-header.npy', good[:40], 'corrupt', 'header cut short')
    bad('eval-header.npy', raw_npy("{'descr': __import__('os').system('true'), 'fortran_order': False, 'shape': (1,), }", b'\0' * 8), 'corrupt', 'header is code, not a literal')
    bad('huge-shape.npy', raw_npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1000000, 1000000), }", b'\0' * 64), 'corrupt', 'shape declares far more data than present')
    bad('negative-shape.npy', raw_npy("{'descr': '<f8', 'fortran_order': False, 'shape': (-1,), }"), 'corrupt', 'negative dimension')
    bad('missing-key.npy', raw_npy("{'descr': '<f8', 'shape': (1,), }", b'\0' * 8), 'corrupt', 'no fortran_order')
    bad('big-header.npy', b'\x93NUMPY\x02\x00' + struct.pack('<I', 2**31) + b'{', 'limit', 'header length field of 2 GiB')
    bad('datetime.npy', npy_bytes(np.array(['2026-01-01'], dtype='datetime64[D]')), 'unsupported', 'datetime64')
    with io.BytesIO() as b:
        np.savez(b, **{'E.V': np.arange(1000, dtype='f4'), 'x': np.ones(3)})
        npz = bytearray(b.getvalue())
    bad('truncated.npz', bytes(npz[: len(npz) // 2]), 'format', 'cut in half: no end of central directory')
    flipped = bytearray(npz)
    flipped[300] ^= 0xFF  # inside E.V's data
    bad('crc.npz', bytes(flipped), 'corrupt', 'one data byte flipped: CRC-32 mismatch')
    with io.BytesIO() as b:
        np.savez(b, obj=np.array([None, 1], dtype=object))
        bad('object.npz', b.getvalue(), 'unsupported', 'object array member')
    bad('not-a-zip.npz', b'this is plain text, not a zip archive\n' * 4, 'format', 'not a ZIP')
    bad('empty.npz', b'', 'format', 'empty file')
    with io.BytesIO() as b:
        np.savez_compressed(b, x=np.zeros(100000, dtype='f8'))
        z = bytearray(b.getvalue())
    # Corrupt the deflate stream of member x (data starts after local header + name + zip64 extra).
    z[30 + len('x.npy') + 20 + 40] ^= 0x55
    bad('bad-deflate.npz', bytes(z), 'corrupt', 'damaged deflate stream')
    hostile_npz()
    pickle_fixtures.write_all(ROOT, np.random.default_rng(20261206), sha256, dtype_name, every_dtype, einet)
    msgpack_fixtures.write_all(ROOT)
    if torch_fixtures is not None:
        torch_fixtures.write_all(ROOT)
    else:
        print('torch not installed (apt-get install python3-torch): PyTorch fixtures NOT rewritten')
    if h5py is not None:
        h5_fixtures(np.random.default_rng(20261122))
    else:
        print('python3-h5py missing: HDF5 fixtures NOT regenerated', file=sys.stderr)
    print('fixtures written to', ROOT)


def jsonable(v):
    """An HDF5 attribute value as h5wasm's json_value gives it."""
    if isinstance(v, bytes):
        return v.decode('utf-8')
    if isinstance(v, np.ndarray):
        return [jsonable(x) for x in v.tolist()]
    if isinstance(v, (list, tuple)):
        return [jsonable(x) for x in v]
    if isinstance(v, np.generic):
        return v.item()
    return v


def h5_describe(f):
    """Entries in statekit's walk order: depth first, in each group's link order."""
    out = []

    def walk(group, prefix):
        for name in group.keys():
            path = prefix + [name]
            link = group.get(name, getlink=True)
            if isinstance(link, h5py.ExternalLink):
                out.append({'key': '.'.join(path), 'path': path, 'dtype': 'none', 'shape': [],
                            'value': None, 'attrs': {'external_link': f'{link.filename}:{link.path}'}})
                continue
            obj = group[name]
            if isinstance(obj, h5py.Group):
                walk(obj, path)
                continue
            e = {'key': '.'.join(path), 'path': path}
            attrs = {k: jsonable(v) for k, v in obj.attrs.items()}
            if obj.shape is None:
                e.update({'dtype': 'none', 'shape': [], 'value': None})
            elif h5py.check_string_dtype(obj.dtype) and h5py.check_string_dtype(obj.dtype).length is None:
                values = obj.asstr()[()]
                if obj.shape == ():
                    e.update({'dtype': 'str', 'shape': [], 'value': values})
                else:
                    a = np.array(values.tolist(), dtype=str)
                    e.update(describe(e['key'], a))
                    e['path'] = path
            else:
                e.update(describe(e['key'], obj[()] if obj.shape == () else obj[...]))
                e['path'] = path
            if attrs:
                e['attrs'] = attrs
            out.append(e)

    walk(f, [])
    return out


def h5_groups(f):
    """Groups with attributes, root first, in statekit's walk order."""
    out = []

    def walk(group, prefix):
        attrs = {k: jsonable(v) for k, v in group.attrs.items()}
        if attrs:
            out.append({'path': prefix, 'attrs': attrs})
        for name in group.keys():
            if isinstance(group.get(name, getlink=True), h5py.ExternalLink):
                continue
            if isinstance(group[name], h5py.Group):
                walk(group[name], prefix + [name])

    walk(f, [])
    return out


def write_h5(name, build, **kw):
    path = os.path.join(H5, name)
    with h5py.File(path, 'w', **kw) as f:
        build(f)
    with h5py.File(path, 'r') as f:
        sidecar(path, 'hdf5', h5_describe(f), h5_groups(f))


def latest_dense(f):
    """libver='latest' with more than 8 links per group: dense link storage (a fractal heap
    indexed by a v2 B-tree), with and without a creation-order index."""
    f.attrs['layout'] = 'latest, dense'
    net = f.create_group('net')
    for i in range(40):
        net['neuron%02d.V' % i] = np.full(3, i, dtype='f4')
    tracked = f.create_group('tracked', track_order=True)
    for k in ['zeta', 'alpha', 'mid'] + ['t%02d' % i for i in range(12)]:
        tracked[k] = np.array([len(k), ord(k[0])], dtype='i2')
    f['scalar'] = 2.5
    for i in range(5):
        f['scalar'].attrs['a%d' % i] = i


def h5_fixtures(rng):
    os.makedirs(os.path.join(H5, 'bad'), exist_ok=True)
    arrays = every_dtype(rng)

    def dtypes(f):
        for k, v in arrays.items():
            if v.dtype.kind == 'U':
                continue  # numpy <U has no HDF5 type; vlen strings below
            f[k] = v
        f.create_dataset('vlen_str', data=['E.V', 'spike', '日本', ''], dtype=h5py.string_dtype())
        f['vlen_scalar'] = 'hello'
        f['null'] = h5py.Empty('f4')
        f['float64'].attrs['unit'] = 'mV'
        f['float64'].attrs['scale'] = 0.5
        f['int32'].attrs['steps'] = np.arange(3, dtype='i8')
    write_h5('dtypes.h5', dtypes)

    def big_endian(f):
        for k in ['int16', 'int32', 'int64', 'uint16', 'uint32', 'uint64', 'float16', 'float32', 'float64', 'complex64', 'complex128']:
            a = arrays[k]
            f[k] = a.astype(a.dtype.newbyteorder('>'))
    write_h5('big-endian.h5', big_endian)

    def layouts(f):
        data = rng.standard_normal((64, 32)).astype('f4')
        f.create_dataset('gzip', data=data, chunks=(16, 8), compression='gzip', compression_opts=4)
        f.create_dataset('shuffle_gzip', data=data, chunks=(16, 32), shuffle=True, compression='gzip')
        f.create_dataset('fletcher32', data=data, chunks=(32, 32), fletcher32=True)
        r = f.create_dataset('resizable', data=np.arange(10, dtype='i8'), maxshape=(None,), chunks=(4,))
        r.resize((13,))
        r[10:] = [100, 101, 102]
        space = h5py.h5s.create_simple((4, 3))
        dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
        dcpl.set_layout(h5py.h5d.COMPACT)
        dset = h5py.h5d.create(f.id, b'compact', h5py.h5t.NATIVE_INT16, space, dcpl=dcpl)
        dset.write(h5py.h5s.ALL, h5py.h5s.ALL, np.arange(12, dtype='i2').reshape(4, 3))
        f.create_dataset('chunked_bool', data=rng.random(100) > 0.5, chunks=(10,), compression='gzip')
        f.create_dataset('chunked_c16', data=(np.arange(20) * (1 + 1j)), chunks=(5,), compression='gzip')
    write_h5('layouts.h5', layouts)

    def latest(f):
        g = f.create_group('order', track_order=True)
        for k in ['zeta', 'alpha', 'mid']:
            g[k] = np.array([ord(k[0])], dtype='i4')
        f['x'] = np.ones(3, dtype='f4')
    write_h5('latest-track-order.h5', latest, libver='latest', userblock_size=512)
    write_h5('latest-dense.h5', latest_dense, libver='latest')

    def links(f):
        f.attrs['creator'] = 'statekit fixtures'
        f.attrs['version'] = np.array([2, 2, 4])
        g = f.create_group('net')
        g.attrs['type'] = 'Network'
        g['w'] = rng.standard_normal((2, 3))
        g.create_group('E')['V'] = np.full(4, -65.0, dtype='f4')
        f['alias_soft'] = h5py.SoftLink('/net/w')
        f['alias_hard'] = g['w']
        f['outside'] = h5py.ExternalLink('elsewhere.h5', '/data')
    write_h5('links.h5', links)

    # BrainPy 2.0-2.1.11 (relative keys, flat root datasets, no duplicates).
    state = einet(np.random.default_rng(7))
    write_h5('brainpy-einet.h5', lambda f: [f.create_dataset(k, data=v) for k, v in state.items()])

    # BrainPy 2.2 (absolute keys) with aliases: '+'-joined scalar vlen strings.
    def brainpy22(f):
        f['LIF0.V'] = np.linspace(-70, -50, 10, dtype='f4')
        f['LIF0.spike'] = np.zeros(10, dtype=bool)
        f['Exp0.g'] = np.ones(10, dtype='f4')
        f.create_dataset('duplicate_targets', data='+'.join(['LIF0.V', 'Exp0.g']))
        f.create_dataset('duplicate_keys', data='+'.join(['Proj0.post.V', 'Proj0.syn.g']))
    write_h5('brainpy-2.2-duplicates.h5', brainpy22)

    # BrainPy 1.1.0: one group per node, a `type` attribute, datasets per variable.
    def brainpy1(f):
        for host, n in (('E', 8), ('I', 4)):
            g = f.create_group(host)
            for var, dtype in (('V', 'f4'), ('spike', bool)):
                d = g.create_dataset(var, data=np.zeros(n, dtype=dtype))
                d.attrs['type'] = 'Variable'
    write_h5('brainpy-1.x-groups.h5', brainpy1)

    mat73()

    # Damaged files.
    with open(os.path.join(H5, 'dtypes.h5'), 'rb') as f:
        good = f.read()
    def bad_h5(name, data, tag, why):
        bad(name, data, tag, why, H5)

    bad_h5('truncated.h5', good[: len(good) // 3], 'corrupt', 'cut to a third')
    sig = bytearray(good)
    sig[1] ^= 0xFF
    bad_h5('bad-signature.h5', bytes(sig), 'format', 'signature damaged')
    bad_h5('not-hdf5.h5', b'just some text, not HDF5\n' * 8, 'format', 'not HDF5')
    with open(os.path.join(H5, 'layouts.h5'), 'rb') as f:
        lay = bytearray(f.read())
    with h5py.File(os.path.join(H5, 'layouts.h5'), 'r') as f:
        offset = f['fletcher32'].id.get_chunk_info(0).byte_offset
    lay[offset + 100] ^= 0x5A
    bad_h5('fletcher32-mismatch.h5', bytes(lay), 'corrupt', 'a chunk byte flipped under a Fletcher-32 checksum')


def mat73():
    """A MAT v7.3 file as MATLAB lays it out: HDF5 behind a 512-byte MATLAB header, classes in
    MATLAB_class attributes, column-major data, a cell array as object references into #refs#.
    (Octave cannot write v7.3 and MATLAB is not here, so h5py writes the documented layout.)"""
    os.makedirs(os.path.join(ROOT, 'mat'), exist_ok=True)
    path = os.path.join(ROOT, 'mat', 'v73-cell.mat')
    with h5py.File(path, 'w', userblock_size=512) as f:
        w = f.create_dataset('W', data=np.arange(6, dtype='f8').reshape(2, 3).T)  # 2x3 in MATLAB
        w.attrs['MATLAB_class'] = np.bytes_('double')
        refs = f.create_group('#refs#')
        a = refs.create_dataset('a', data=np.array([[1.5]]))
        a.attrs['MATLAB_class'] = np.bytes_('double')
        b = refs.create_dataset('b', data=np.array([[104, 105]], dtype='u2').T)  # 'hi' as char
        b.attrs['MATLAB_class'] = np.bytes_('char')
        c = f.create_dataset('C', (2, 1), dtype=h5py.ref_dtype)
        c[0, 0] = a.ref
        c[1, 0] = b.ref
        c.attrs['MATLAB_class'] = np.bytes_('cell')
    header = b'MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: Sun Nov 22 00:00:00 2026 HDF5 schema 1.00 .'
    header = header.ljust(116, b' ') + b'\0' * 8 + struct.pack('<H', 0x0200) + b'IM'
    with open(path, 'r+b') as f:
        f.write(header.ljust(512, b'\0'))


if __name__ == '__main__':
    if not sys.executable.startswith('/usr/bin/'):
        print('warning: run with Debian\'s /usr/bin/python3', file=sys.stderr)
    main()
