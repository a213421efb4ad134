/**
 * The text arguments of protocol 0 and 1 opcodes (CPython's `pickle.py`, `load_int`,
 * `load_float`, `load_string`, `load_unicode`): each is one line, parsed strictly as the
 * literal it must be, never evaluated.
 */
import { StatekitError } from '@statekit/core';

function corrupt(message: string): StatekitError {
  return new StatekitError('corrupt', `pickle: ${message}`);
}

/** Decimal digits of a text integer: Python 3.11+ refuses more by default (int_max_str_digits). */
export const MAX_INT_DIGITS = 4300;

/** Latin-1 text of `bytes` (one character per byte), as pickle's line arguments are read. */
export function latin1Text(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  return s;
}

/** `INT` / `LONG`: a decimal integer (`LONG` ends in `L`); protocol 0 writes bools as `00`/`01`. */
export function parseIntLine(line: string, long: boolean): bigint | boolean {
  if (!long && line === '00') return false;
  if (!long && line === '01') return true;
  const digits = long && line.endsWith('L') ? line.slice(0, -1) : line;
  if (digits.length > MAX_INT_DIGITS)
    throw new StatekitError(
      'limit',
      `pickle: an integer of ${digits.length} digits (statekit reads up to ${MAX_INT_DIGITS}, as Python's int_max_str_digits)`,
    );
  if (!/^[+-]?\d+$/.test(digits))
    throw corrupt(`${long ? 'LONG' : 'INT'} argument ${quote(line)} is not an integer`);
  return BigInt(digits);
}

/** `FLOAT`: Python's `repr` of a float (`1e-05`, `inf`, `nan`). */
export function parseFloatLine(line: string): number {
  const special: Record<string, number> = { inf: Infinity, '-inf': -Infinity, nan: Number.NaN };
  const value = special[line.toLowerCase()];
  if (value !== undefined) return value;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(line))
    throw corrupt(`FLOAT argument ${quote(line)} is not a number`);
  return Number(line);
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

/**
 * `STRING`: a Python 2 `str` literal in quotes with `string_escape` escapes. Its bytes are
 * returned as latin-1 text (numpy's `encoding='latin1'` rule for Python 2 pickles).
 */
export function parseStringLine(line: string): string {
  const q = line[0];
  if (line.length < 2 || (q !== "'" && q !== '"') || line[line.length - 1] !== q)
    throw corrupt('STRING argument is not a quoted string');
  const body = line.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[++i];
    if (e === undefined) throw corrupt('STRING argument ends in a backslash');
    if (SIMPLE_ESCAPES[e] !== undefined) out += SIMPLE_ESCAPES[e];
    else if (e === 'x' && /^[0-9a-fA-F]{2}$/.test(body.slice(i + 1, i + 3))) {
      out += String.fromCharCode(Number.parseInt(body.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (e >= '0' && e <= '7') {
      const octal = /^[0-7]{1,3}/.exec(body.slice(i, i + 3))![0];
      out += String.fromCharCode(Number.parseInt(octal, 8) & 0xff);
      i += octal.length - 1;
    } else out += `\\${e}`; // Python keeps unknown escapes as they are
  }
  return out;
}

/**
 * `UNICODE`: `raw-unicode-escape` text. Only `\uXXXX` and `\UXXXXXXXX` after an odd run of
 * backslashes are escapes; every other byte is a latin-1 character.
 */
export function parseUnicodeLine(line: string): string {
  const parts: string[] = [];
  let from = 0; // start of the literal run not yet in `parts`
  let backslashes = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    const width = c === 'u' ? 4 : c === 'U' ? 8 : 0;
    if (width && backslashes % 2 === 1) {
      const hex = line.slice(i + 1, i + 1 + width);
      if (hex.length !== width || !HEX.test(hex))
        throw corrupt(`UNICODE argument has a truncated \\${c} escape`);
      const code = Number.parseInt(hex, 16);
      if (code > 0x10ffff) throw corrupt(`UNICODE escape \\${c}${hex} is beyond U+10FFFF`);
      parts.push(line.slice(from, i - 1), String.fromCodePoint(code));
      i += width;
      from = i + 1;
      backslashes = 0;
      continue;
    }
    backslashes = c === '\\' ? backslashes + 1 : 0;
  }
  parts.push(line.slice(from));
  return parts.join('');
}

const HEX = /^[0-9a-fA-F]+$/;

/** A line argument for a message, cut short. */
function quote(line: string): string {
  return JSON.stringify(line.length > 40 ? `${line.slice(0, 40)}...` : line);
}
