/**
 * A strict parser for the Python literal in an NPY header
 * (`{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`). It accepts only dicts,
 * strings, integers, True/False, tuples and lists: it never evaluates anything.
 */
import { StatekitError } from '@statekit/core';

/** A parsed Python literal. */
export type PyLiteral = string | number | boolean | PyLiteral[] | PyTuple | PyDict;
/** A Python tuple (kept apart from lists). */
export interface PyTuple {
  tuple: PyLiteral[];
}
/** A Python dict with string keys. */
export type PyDict = Map<string, PyLiteral>;

/** Parses one Python literal; anything else (or trailing text) is a `corrupt` StatekitError. */
export function parsePyLiteral(text: string): PyLiteral {
  let i = 0;
  const fail = (what: string): never => {
    throw new StatekitError(
      'corrupt',
      `NPY header: ${what} at offset ${i} in ${JSON.stringify(text.slice(0, 200))}`,
    );
  };
  const skip = (): void => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const value = (depth: number): PyLiteral => {
    if (depth > 32) fail('nesting too deep');
    skip();
    const c = text[i];
    if (c === "'" || c === '"') return str();
    if (c === '{') return dict(depth);
    if (c === '(') {
      const items = seq(')', depth);
      return { tuple: items };
    }
    if (c === '[') return seq(']', depth);
    if (text.startsWith('True', i)) {
      i += 4;
      return true;
    }
    if (text.startsWith('False', i)) {
      i += 5;
      return false;
    }
    const m = /^-?\d+L?/.exec(text.slice(i, i + 40));
    if (m) {
      i += m[0].length;
      const n = Number(m[0].replace('L', ''));
      if (!Number.isSafeInteger(n)) {
        // A JS number would round it: refused as beyond what statekit holds exactly.
        throw new StatekitError('limit', `NPY header: integer ${m[0]} is beyond 2^53 - 1`);
      }
      return n;
    }
    return fail('unexpected character');
  };
  const str = (): string => {
    const quote = text[i++];
    let out = '';
    while (i < text.length && text[i] !== quote) {
      if (text[i] === '\\') fail('escapes are not allowed');
      out += text[i++];
    }
    if (i >= text.length) fail('unterminated string');
    i++;
    return out;
  };
  const seq = (close: string, depth: number): PyLiteral[] => {
    i++;
    const items: PyLiteral[] = [];
    for (;;) {
      skip();
      if (text[i] === close) {
        i++;
        return items;
      }
      items.push(value(depth + 1));
      skip();
      if (text[i] === ',') i++;
      else if (text[i] !== close) fail(`expected ',' or '${close}'`);
    }
  };
  const dict = (depth: number): PyDict => {
    i++;
    const out: PyDict = new Map();
    for (;;) {
      skip();
      if (text[i] === '}') {
        i++;
        return out;
      }
      skip();
      if (text[i] !== "'" && text[i] !== '"') fail('dict keys must be strings');
      const key = str();
      skip();
      if (text[i] !== ':') fail("expected ':'");
      i++;
      if (out.has(key)) fail(`duplicate key '${key}'`);
      out.set(key, value(depth + 1));
      skip();
      if (text[i] === ',') i++;
      else if (text[i] !== '}') fail("expected ',' or '}'");
    }
  };
  const result = value(0);
  skip();
  if (i !== text.length) fail('trailing characters');
  return result;
}

/** The three fields of an NPY header. */
export interface NpyHeaderFields {
  descr: string | PyLiteral[];
  fortranOrder: boolean;
  shape: number[];
}

const NUMPY_FORM =
  /^\{'descr': '([<>|=]?[a-zA-Z?]\d*)', 'fortran_order': (True|False), 'shape': \(([\d, ]*)\), \}$/;

/** Reads and checks the NPY header dict; wrong keys or types are a `corrupt` StatekitError. */
export function parseNpyHeaderDict(text: string): NpyHeaderFields {
  // Fast path for the exact form numpy writes; anything else goes through the full parser.
  const m = NUMPY_FORM.exec(text);
  if (m) {
    const dims = m[3]!.split(',').filter((d) => d.trim() !== '');
    if (dims.every((d) => /^\s*\d+\s*$/.test(d))) {
      const shape = dims.map(Number);
      if (shape.every(Number.isSafeInteger))
        return { descr: m[1]!, fortranOrder: m[2] === 'True', shape };
    }
  }
  const parsed = parsePyLiteral(text);
  if (!(parsed instanceof Map)) throw new StatekitError('corrupt', 'NPY header is not a dict');
  const keys = [...parsed.keys()].sort().join(',');
  if (keys !== 'descr,fortran_order,shape') {
    throw new StatekitError(
      'corrupt',
      `NPY header has keys {${keys}}, expected descr, fortran_order, shape`,
    );
  }
  const descr = parsed.get('descr');
  const fortran = parsed.get('fortran_order');
  const shape = parsed.get('shape');
  if (typeof descr !== 'string' && !Array.isArray(descr))
    throw new StatekitError('corrupt', 'NPY descr is not a string');
  if (typeof fortran !== 'boolean')
    throw new StatekitError('corrupt', 'NPY fortran_order is not a bool');
  if (typeof shape !== 'object' || shape === null || !('tuple' in shape)) {
    throw new StatekitError('corrupt', 'NPY shape is not a tuple');
  }
  const dims = shape.tuple.map((d) => {
    if (typeof d !== 'number' || d < 0)
      throw new StatekitError('corrupt', `NPY shape has an invalid dimension ${JSON.stringify(d)}`);
    return d;
  });
  return { descr, fortranOrder: fortran, shape: dims };
}

/** Formats the header dict exactly as numpy 1.x `np.save` does (before padding). */
export function formatNpyHeaderDict(
  descr: string,
  fortranOrder: boolean,
  shape: readonly number[],
): string {
  const shapeRepr = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': ${fortranOrder ? 'True' : 'False'}, 'shape': ${shapeRepr}, }`;
  // numpy leaves room so the growth axis can be rewritten in place (GROWTH_AXIS_MAX_DIGITS = 21).
  if (shape.length > 0) {
    const growth = String(shape[fortranOrder ? shape.length - 1 : 0]);
    header += ' '.repeat(Math.max(0, 21 - growth.length));
  }
  return header;
}
