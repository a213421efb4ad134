#!/usr/bin/python3
"""h5py's side of `pnpm bench`: times writing the arrays of an npz statekit wrote as flat
root datasets (until fsynced) and reading them all back. Prints JSON."""
import json
import os
import sys
import time

import h5py
import numpy as np


def main():
    source, scratch, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with np.load(source) as f:
        arrays = {k: f[k] for k in f.files}
    save, load = [], []
    for _ in range(repeats):
        t = time.perf_counter()
        with h5py.File(scratch, 'w') as out:
            for k, v in arrays.items():
                out[k] = v
            out.flush()
            os.fsync(out.id.get_vfd_handle())
        save.append(time.perf_counter() - t)
        t = time.perf_counter()
        with h5py.File(scratch, 'r') as f:
            loaded = {k: f[k][()] for k in f.keys()}
        load.append(time.perf_counter() - t)
        assert len(loaded) == len(arrays)
    os.unlink(scratch)
    print(json.dumps({'save': min(save), 'load': min(load)}))


if __name__ == '__main__':
    main()
