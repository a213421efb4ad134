import { referencePython } from '@statekit/test-utils';

const reference = referencePython(['numpy'], 'python3-numpy');

/** Debian's python3 with numpy, or undefined (the cross-checks are then skipped, visibly). */
export const PYTHON = reference.path;
/** Why the pickle cross-checks are skipped. */
export const PYTHON_MISSING = reference.missing;
/** Runs a Python snippet with `args` in sys.argv[1:]; returns stdout. */
export const python = reference.run;
