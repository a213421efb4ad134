#!/usr/bin/python3
"""numpy's side of `pnpm bench`: times np.savez (until fsynced) and np.load on the data in an
npz file statekit wrote (the same arrays statekit was timed on). Prints JSON."""
import json
import os
import sys
import time

import numpy as np


def main():
    source, scratch, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with np.load(source) as f:
        arrays = {k: f[k] for k in f.files}
    save, load = [], []
    for _ in range(repeats):
        t = time.perf_counter()
        with open(scratch, 'wb') as out:
            np.savez(out, **arrays)
            out.flush()
            os.fsync(out.fileno())
        save.append(time.perf_counter() - t)
        t = time.perf_counter()
        with np.load(scratch) as f:
            loaded = {k: f[k] for k in f.files}
        load.append(time.perf_counter() - t)
        assert len(loaded) == len(arrays)
    os.unlink(scratch)
    print(json.dumps({'save': min(save), 'load': min(load)}))


if __name__ == '__main__':
    main()
