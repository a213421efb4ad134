#!/usr/bin/python3
"""The Python side of `pnpm bench`, on the same files statekit is timed on.

`bench_python.py serve` times one operation per JSON line read from stdin and answers one JSON
line, so its timings interleave with statekit's in one run; imports and the first load of a
save's arrays happen before any timing, as statekit's are:
  {"op": "load", "lib": "numpy"|"h5py", "file": F}           -> {"seconds": s}
  {"op": "save", "lib": ..., "source": NPZ, "file": F}        -> {"seconds": s} (until fsynced)
  {"op": "diff", "lib": ..., "a": A, "b": B}                  -> {"seconds": s}
  {"op": "peak", "lib": "numpy", "file": F}                   -> {"grew": bytes} (fresh process)
  {"op": "make", "lib": "torch", "source": NPZ, "file": F}    -> {"made": 1} or {"made": 0} (no torch)
lib "pickle" is pickle.load / pickle.dump(protocol=5) of the dict of arrays (BrainPy's .pkl);
lib "torch" is torch.load(weights_only=True) of a torch.save'd dict of tensors (load only);
lib "msgpack" is msgpack with flax's ext hooks (flax.serialization.to_bytes / msgpack_restore).
`bench_python.py job convert|diff A B` is the main job as a user scripts it (process start and
imports included): numpy + h5py converting npz<->h5 (fsynced) or comparing two files."""
import json
import os
import re
import subprocess
import sys
import time

import numpy as np


def fsynced(path, write):
    with open(path, 'wb') as out:
        write(out)
        out.flush()
        os.fsync(out.fileno())


def load_numpy(path):
    with np.load(path) as f:
        return {k: f[k] for k in f.files}


def save_numpy(path, arrays):
    fsynced(path, lambda out: np.savez(out, **arrays))


def load_h5py(path):
    import h5py
    with h5py.File(path, 'r') as f:
        return {k: f[k][()] for k in f.keys()}


def save_h5py(path, arrays):
    import h5py
    with h5py.File(path, 'w') as out:
        for k, v in arrays.items():
            out[k] = v
        out.flush()
        os.fsync(out.id.get_vfd_handle())


def load_pickle(path):
    import pickle
    with open(path, 'rb') as f:
        return pickle.load(f)


def save_pickle(path, arrays):
    import pickle
    fsynced(path, lambda out: pickle.dump(arrays, out, protocol=5))


def load_torch(path):
    import torch
    return torch.load(path, weights_only=True)


def make_torch(source, path):
    """The npz's arrays as a torch.save'd dict of tensors; False when torch is not installed."""
    try:
        import torch
    except ImportError:
        return False
    torch.save({k: torch.from_numpy(v) for k, v in load_numpy(source).items()}, path)
    return True


def _flax_ext(code, data):
    import msgpack
    shape, name, buf = msgpack.unpackb(data, raw=True)
    return np.frombuffer(buf, dtype=np.dtype(name.decode())).reshape(shape)


def load_msgpack(path):
    import msgpack
    with open(path, 'rb') as f:
        return msgpack.unpackb(f.read(), ext_hook=_flax_ext)


def save_msgpack(path, arrays):
    import msgpack

    def pack(x):
        tpl = (x.shape, x.dtype.name, x.tobytes('C'))
        return msgpack.ExtType(1, msgpack.packb(tpl, use_bin_type=True))
    fsynced(path, lambda out: out.write(msgpack.packb(arrays, default=pack, strict_types=True)))


LOAD = {'numpy': load_numpy, 'h5py': load_h5py, 'pickle': load_pickle, 'torch': load_torch, 'msgpack': load_msgpack}
SAVE = {'numpy': save_numpy, 'h5py': save_h5py, 'pickle': save_pickle, 'msgpack': save_msgpack}


def load_any(path):
    return load_h5py(path) if path.endswith('.h5') else load_numpy(path)


def same(a, b):
    """What `statekit diff` checks: the same keys, dtypes, shapes and values (NaN equal NaN)."""
    if a.keys() != b.keys():
        return False
    for k in a:
        x, y = a[k], b[k]
        if x.dtype != y.dtype or x.shape != y.shape:
            return False
        nan = x.dtype.kind in 'fc'
        if not np.array_equal(x, y, equal_nan=nan):
            return False
    return True


def peak_growth(path):
    """Peak RSS growth loading every array of `path` with numpy, in a fresh process."""
    code = f'''
import re, numpy as np
def status(k): return int(re.search(k + r':\\s+(\\d+)', open('/proc/self/status').read()).group(1)) * 1024
before = status('VmRSS')
with np.load({path!r}) as f: kept = {{k: f[k] for k in f.files}}
print(status('VmHWM') - before)'''
    return int(subprocess.run([sys.executable, '-c', code], check=True, capture_output=True, text=True).stdout)


def serve():
    cached = {}
    for line in sys.stdin:
        req = json.loads(line)
        op = req['op']
        if op == 'peak':
            print(json.dumps({'grew': peak_growth(req['file'])}), flush=True)
            continue
        if op == 'make':
            print(json.dumps({'made': int(make_torch(req['source'], req['file']))}), flush=True)
            continue
        if op == 'save' and req['source'] not in cached:
            cached[req['source']] = load_numpy(req['source'])  # untimed, as statekit's state
        t = time.perf_counter()
        if op == 'load':
            LOAD[req['lib']](req['file'])
        elif op == 'save':
            SAVE[req['lib']](req['file'], cached[req['source']])
        elif op == 'diff':
            assert same(LOAD[req['lib']](req['a']), LOAD[req['lib']](req['b']))
        seconds = time.perf_counter() - t
        print(json.dumps({'seconds': seconds}), flush=True)


def job():
    what, a, b = sys.argv[2], sys.argv[3], sys.argv[4]
    if what == 'convert':
        arrays = load_any(a)
        (save_h5py if b.endswith('.h5') else save_numpy)(b, arrays)
    elif what == 'diff':
        sys.exit(0 if same(load_any(a), load_any(b)) else 1)


if __name__ == '__main__':
    {'serve': serve, 'job': job}[sys.argv[1]]()
