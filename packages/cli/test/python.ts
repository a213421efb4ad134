import { referencePython } from '@statekit/test-utils';

const reference = referencePython(['numpy', 'h5py'], 'python3-numpy python3-h5py');

/** Debian's python3 with numpy and h5py, or undefined (the cross-checks are then skipped, visibly). */
export const PYTHON = reference.path;
/** Why the h5py cross-checks are skipped. */
export const PYTHON_MISSING = reference.missing;
/** Runs a Python snippet with `args` in sys.argv[1:]; returns stdout. */
export const python = reference.run;
