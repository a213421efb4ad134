/**
 * The only globals a pickle may name: exactly what dicts of numpy arrays, numpy scalars,
 * OrderedDicts and protocol-2 bytes, sets and complex numbers need. Each resolves to a
 * function that builds plain data; any other global (`os.system`, `builtins.eval`,
 * `subprocess.Popen`, `copyreg._reconstructor`, a user's class) is an `unsafe` StatekitError
 * naming it, raised when the GLOBAL opcode is read, before anything after it is acted on.
 */
import { Complex, StatekitError } from '@statekit/core';
import { asBytearray, PyDict, PyGlobal, PyList, PySet, PyTuple, type PyValue } from './model.js';
import { dtype, frombuffer, latin1Bytes, reconstruct, scalar, typeOf } from './numpy.js';

/** What a reconstructor may ask of the machine: to count bytes it allocates. */
export interface CallContext {
  /** Counts `bytes` against the allocation budget (a `limit` error when it runs out). */
  spend(bytes: number): void;
}

/** A reconstructor: plain data out of plain data. */
export type Reconstructor = (args: readonly PyValue[], context: CallContext) => PyValue;

function unsafe(global: string, why: string): StatekitError {
  return new StatekitError('unsafe', `pickle: ${global} ${why}`);
}

/** `_codecs.encode(text, 'latin1')`: how protocol 2 writes `bytes`. */
const encode: Reconstructor = (args, context) => {
  const [text, encoding] = args;
  if (typeof text !== 'string' || (encoding !== 'latin1' && encoding !== 'latin-1'))
    throw unsafe(
      '_codecs.encode',
      `called with (${args.map(typeOf).join(', ')}): only (str, 'latin1') is allowed`,
    );
  context.spend(text.length);
  return latin1Bytes(text);
};

/** `bytes()`: protocol 2's empty bytes. `bytes(n)` would allocate n bytes: refused. */
const bytes: Reconstructor = (args) => {
  if (args.length === 0) return new Uint8Array(0);
  throw unsafe(
    'builtins.bytes',
    `called with (${args.map(typeOf).join(', ')}): only bytes() is allowed (bytes(n) allocates n bytes)`,
  );
};

/** `bytearray()` or `bytearray(b'...')` (protocols 2-4). */
const bytearray: Reconstructor = (args, context) => {
  const [source] = args;
  if (args.length === 0) return asBytearray(new Uint8Array(0));
  if (args.length === 1 && source instanceof Uint8Array) {
    context.spend(source.byteLength);
    return asBytearray(source.slice());
  }
  throw unsafe(
    'builtins.bytearray',
    `called with (${args.map(typeOf).join(', ')}): only bytearray() and bytearray(bytes) are allowed`,
  );
};

/** `complex(real, imag)`. */
const complex: Reconstructor = (args) => {
  const [re = 0, im = 0] = args;
  const num = (v: PyValue) => (typeof v === 'bigint' ? Number(v) : v);
  const r = num(re);
  const i = num(im);
  if (args.length > 2 || typeof r !== 'number' || typeof i !== 'number')
    throw unsafe(
      'builtins.complex',
      `called with (${args.map(typeOf).join(', ')}): only complex(float, float) is allowed`,
    );
  return new Complex(r, i);
};

/** `set(list)` / `frozenset(list)` (protocols 2-3). */
function setOf(frozen: boolean): Reconstructor {
  return (args, context) => {
    const [items] = args;
    if (args.length === 0) return new PySet([], frozen);
    if (args.length === 1 && (items instanceof PyList || items instanceof PyTuple)) {
      context.spend(items.items.length * 8);
      return new PySet([...items.items], frozen);
    }
    const name = frozen ? 'builtins.frozenset' : 'builtins.set';
    throw unsafe(name, `called with (${args.map(typeOf).join(', ')}): only a list is allowed`);
  };
}

/** `collections.OrderedDict()`: SETITEMS fill it in. */
const orderedDict: Reconstructor = (args) => {
  if (args.length === 0) return new PyDict(true);
  throw unsafe('collections.OrderedDict', 'called with arguments: only OrderedDict() is allowed');
};

const notCallable: Reconstructor = () => {
  throw unsafe('numpy.ndarray', 'called directly: only numpy _reconstruct may name it');
};

/** numpy 1.x writes `numpy.core.*`, numpy 2.x `numpy._core.*`: both are allowed. */
function numpyBoth(module: string, name: string, call: Reconstructor): [string, Reconstructor][] {
  return [
    [`numpy.core.${module}.${name}`, call],
    [`numpy._core.${module}.${name}`, call],
  ];
}

/** Every allowed global, by `module.name`. */
export const ALLOWED_GLOBALS: ReadonlyMap<string, Reconstructor> = new Map([
  ...numpyBoth('multiarray', '_reconstruct', reconstruct),
  ...numpyBoth('multiarray', 'scalar', scalar),
  ...numpyBoth('numeric', '_frombuffer', frombuffer),
  ['numpy.ndarray', notCallable],
  ['numpy.dtype', dtype],
  ['collections.OrderedDict', orderedDict],
  ['_codecs.encode', encode],
  ['builtins.bytes', bytes],
  ['builtins.bytearray', bytearray],
  ['builtins.complex', complex],
  ['builtins.set', setOf(false)],
  ['builtins.frozenset', setOf(true)],
]);

/** Python 3's `fix_imports` for protocol 0-2 pickles from Python 2. */
const PY2_MODULES: Record<string, string> = { __builtin__: 'builtins', copy_reg: 'copyreg' };

/**
 * Resolves `module.name` through the allowlist and `extra` (reconstructors a user registered),
 * or throws an `unsafe` StatekitError naming it.
 */
export function resolveGlobal(
  module: string,
  name: string,
  extra: ReadonlyMap<string, Reconstructor> | undefined,
): PyGlobal {
  const mod = PY2_MODULES[module] ?? module;
  const qualified = `${mod}.${name}`;
  const call = extra?.get(qualified) ?? ALLOWED_GLOBALS.get(qualified);
  if (!call) {
    throw new StatekitError(
      'unsafe',
      `pickle: refused global ${qualified}: loading it would run code (statekit allows only numpy arrays, dtypes and scalars, OrderedDict and builtin containers)`,
    );
  }
  return new PyGlobal(mod, name, call);
}
