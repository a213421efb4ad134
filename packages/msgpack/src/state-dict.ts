/**
 * flax's `to_state_dict` / `from_state_dict` as braintools implements them
 * (file/_msg_checkpoint.py; ../shared/research/formats.md §4.2-4.3): a JS tree becomes a tree
 * of string-keyed maps (lists as `{'0': ..}`), and a loaded state is restored into a target's
 * structure, with braintools' `mismatch` modes and messages (paths `./a/b`).
 */
import {
  formatShape,
  isLeaf,
  isNdArray,
  type Leaf,
  type Logger,
  StatekitError,
  StreamedArray,
  Variable,
} from '@statekit/core';
import { pyStr } from '@statekit/core/codec';

/** What a mismatch between the target and the file does (braintools' `mismatch`). */
export type Mismatch = 'error' | 'warn' | 'ignore';

/** A node of the trees `msgpackSave` takes and `msgpackLoad` returns. */
// biome-ignore lint/suspicious/noExplicitAny: user trees hold anything a handler can convert
export type PyTree = any;

/** A map of the state dict: string keys, no prototype (so `__proto__` is a key like others). */
export type StateMap = Record<string, unknown>;

interface Handler {
  toStateDict(x: never): PyTree;
  fromStateDict(target: never, state: PyTree, mismatch: Mismatch): PyTree;
}

const handlers = new Map<abstract new (...args: never[]) => unknown, Handler>();

/**
 * braintools' `msgpack_register_serialization`: instances of `cls` are saved as
 * `toStateDict(x)` and restored by `fromStateDict(target, state, mismatch)`. Registering a
 * class twice throws unless `override`.
 */
export function registerSerialization<T>(
  cls: abstract new (...args: never[]) => T,
  toStateDict: (x: T) => PyTree,
  fromStateDict: (target: T, state: PyTree, mismatch: Mismatch) => T,
  { override = false }: { override?: boolean } = {},
): void {
  if (handlers.has(cls) && !override)
    throw new TypeError(`a serialization handler for "${cls.name}" is already registered`);
  handlers.set(cls, { toStateDict, fromStateDict } as Handler);
}

/** The most specific registered handler for `x` (braintools ≥ 0.1.10: the nearest base class). */
function handlerOf(x: unknown): Handler | undefined {
  if (typeof x !== 'object' || x === null) return undefined;
  for (let proto = Object.getPrototypeOf(x); proto; proto = Object.getPrototypeOf(proto)) {
    const found = handlers.get(proto.constructor);
    if (found) return found;
  }
  return undefined;
}

function newMap(): StateMap {
  return Object.create(null) as StateMap;
}

/** flax's `to_state_dict`: Variables as their value, lists as `{'0': ..}`, keys as strings. */
export function toStateDict(x: PyTree): PyTree {
  const handler = handlerOf(x);
  if (handler) return toStateDict(handler.toStateDict(x as never));
  if (x instanceof Variable) return toStateDict(x.value);
  if (isLeaf(x)) return x;
  const out = newMap();
  const children: [unknown, unknown][] = Array.isArray(x)
    ? x.map((v, i) => [i, v])
    : x instanceof Map
      ? [...x]
      : Object.entries(x);
  for (const [key, value] of children) {
    const name = String(key);
    if (Object.hasOwn(out, name))
      throw new StatekitError(
        'unsupported',
        `Dict keys do not have a unique string representation: ${pyStr(name)}`,
      );
    Object.defineProperty(out, name, {
      value: toStateDict(value),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/** Restoring into a target: the mode, where mismatches are reported, and the file's name. */
interface RestoreContext {
  mismatch: Mismatch;
  logger: Logger;
  file: string;
}

function report(message: string, ctx: RestoreContext): void {
  if (ctx.mismatch === 'error') throw new StatekitError('mismatch', message, { file: ctx.file });
  if (ctx.mismatch === 'warn') ctx.logger.warn(message);
}

/** A loaded map: an object without prototype, or a Map (keys a JS object would reorder, such as '0', '10', '2'). */
type LoadedMap = StateMap | Map<unknown, unknown>;

const isLoadedMap = (v: unknown): v is LoadedMap =>
  typeof v === 'object' && v !== null && !isLeaf(v) && !Array.isArray(v);
const keysOf = (m: LoadedMap): string[] =>
  m instanceof Map ? [...m.keys()].map(String) : Object.keys(m);
const has = (m: LoadedMap, key: string): boolean =>
  m instanceof Map ? m.has(key) : Object.hasOwn(m, key);
const get = (m: LoadedMap, key: string): unknown => (m instanceof Map ? m.get(key) : m[key]);

/**
 * flax's `from_state_dict` with braintools' checks: the target's structure decides. Keys the
 * target has and the file lacks are a mismatch (the target's value is kept under warn/ignore);
 * keys only the file has are dropped, in every mode; lists are restored from `{'0': ..}` maps
 * (a size mismatch restores the common part and keeps the target's rest); arrays are checked
 * for shape (the loaded one is used under warn/ignore); Variables are restored in place.
 */
export function restore(target: PyTree, state: PyTree, path: string, ctx: RestoreContext): PyTree {
  const handler = handlerOf(target);
  if (handler) return handler.fromStateDict(target as never, state, ctx.mismatch);
  if (target instanceof Variable) {
    target.value = restore(target.value, state, path, ctx);
    return target;
  }
  if (isNdArray(target) || target instanceof StreamedArray) {
    if (
      (isNdArray(state) || state instanceof StreamedArray) &&
      formatShape(state.shape) !== formatShape(target.shape)
    )
      report(
        `Array shape mismatch: expected ${formatShape(target.shape)}, got ${formatShape(state.shape)} at path ${path}`,
        ctx,
      );
    return state;
  }
  if (isLeaf(target) || !isLoadedMap(state)) return state as Leaf;
  if (Array.isArray(target)) {
    const size = keysOf(state).length;
    if (size !== target.length)
      report(
        `The size of the list and the state dict do not match, got ${target.length} and ${size} at path ${path}`,
        ctx,
      );
    return target.map((t, i) =>
      i < size && has(state, String(i))
        ? restore(t, get(state, String(i)), `${path}/${i}`, ctx)
        : t,
    );
  }
  const entries: [unknown, unknown][] =
    target instanceof Map ? [...target] : Object.entries(target);
  const missing = entries.map(([k]) => String(k)).filter((k) => !has(state, k));
  if (missing.length > 0)
    report(
      `The target dict keys and state dict keys do not match, target dict contains keys {${missing.map(pyStr).join(', ')}} which are not present in state dict at path ${path}`,
      ctx,
    );
  const restored = entries.map(([k, v]): [unknown, unknown] => [
    k,
    has(state, String(k)) ? restore(v, get(state, String(k)), `${path}/${String(k)}`, ctx) : v,
  ]);
  if (target instanceof Map) return new Map(restored);
  const out = Object.create(Object.getPrototypeOf(target)) as StateMap;
  for (const [k, v] of restored)
    Object.defineProperty(out, String(k), {
      value: v,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  return out;
}

/** braintools' check of the mode, made before anything is read. */
export function checkMismatch(mode: string): asserts mode is Mismatch {
  if (mode !== 'error' && mode !== 'warn' && mode !== 'ignore')
    throw new TypeError(
      `Invalid mismatch mode: ${pyStr(mode)}. Must be one of 'error', 'warn', or 'ignore'.`,
    );
}
