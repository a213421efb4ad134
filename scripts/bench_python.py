#!/usr/bin/python3
"""The Python side of `pnpm bench`: times numpy (np.savez / np.load) or h5py (flat root
datasets) saving until fsynced and loading every array, on the arrays of an npz statekit wrote
(the same data statekit was timed on). Usage: bench_python.py numpy|h5py SOURCE SCRATCH REPEATS.
Prints JSON {"save": seconds, "load": seconds}, best of REPEATS. `bench_python.py diff ...`
times the same comparison `statekit diff` makes (see time_diff)."""
import json
import os
import sys
import time

import numpy as np


def save_numpy(path, arrays):
    with open(path, 'wb') as out:
        np.savez(out, **arrays)
        out.flush()
        os.fsync(out.fileno())


def load_numpy(path):
    with np.load(path) as f:
        return {k: f[k] for k in f.files}


def save_h5py(path, arrays):
    import h5py
    with h5py.File(path, 'w') as out:
        for k, v in arrays.items():
            out[k] = v
        out.flush()
        os.fsync(out.id.get_vfd_handle())


def load_h5py(path):
    import h5py
    with h5py.File(path, 'r') as f:
        return {k: f[k][()] for k in f.keys()}


def diff_files(library, a, b):
    """What `statekit diff` does: every key of both, values compared (NaN equal to NaN)."""
    load = load_numpy if library == 'numpy' else load_h5py
    x, y = load(a), load(b)
    return [k for k in x if k not in y or not np.array_equal(x[k], y[k], equal_nan=True)]


def time_diff():
    """bench_python.py diff numpy|h5py A B REPEATS: prints {"diff": median seconds}."""
    library, a, b, repeats = sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        assert diff_files(library, a, b) == []
        times.append(time.perf_counter() - t)
    print(json.dumps({'diff': sorted(times)[len(times) // 2]}))


def main():
    if sys.argv[1] == 'diff':
        return time_diff()
    library, source, scratch, repeats = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    save, load = {'numpy': (save_numpy, load_numpy), 'h5py': (save_h5py, load_h5py)}[library]
    arrays = load_numpy(source)
    saves, loads = [], []
    for _ in range(repeats):
        t = time.perf_counter()
        save(scratch, arrays)
        saves.append(time.perf_counter() - t)
        t = time.perf_counter()
        loaded = load(scratch)
        loads.append(time.perf_counter() - t)
        assert len(loaded) == len(arrays)
    os.unlink(scratch)
    print(json.dumps({'save': min(saves), 'load': min(loads)}))


if __name__ == '__main__':
    main()
