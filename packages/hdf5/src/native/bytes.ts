/**
 * Little-endian reading and writing helpers for HDF5's on-disk structures (8-byte offsets and
 * lengths, the sizes h5py and statekit use).
 */

import { StatekitError } from '@statekit/core';

/** HDF5's "undefined address": all bits set. */
export const UNDEF = -1;

/** Thrown by the native layer when a file uses a feature it leaves to h5wasm. */
export class NotNative extends Error {
  constructor(what: string) {
    super(`not handled natively: ${what}`);
    this.name = 'NotNative';
  }
}

/** A structure the native reader fully understands is broken: the file is corrupt. */
export function corrupt(what: string): StatekitError {
  return new StatekitError('corrupt', `HDF5 metadata: ${what}`);
}

/** `n` bytes at `at` as Latin-1 text (signatures such as `OHDR`). */
export function ascii(bytes: Uint8Array, at: number, n: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + n));
}

/** Rounds `n` up to a multiple of `to`. */
export function align(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}

/**
 * Reads an 8-byte unsigned offset or length; UNDEF for all-ones. Beyond 2^53 a JS number
 * would round it: a `limit` error (no file holds such offsets; a damaged one, or a dimension
 * statekit cannot hold exactly), never a detour through h5wasm, which would trust it.
 */
export function u64(view: DataView, at: number): number {
  const lo = view.getUint32(at, true);
  const hi = view.getUint32(at + 4, true);
  if (hi === 0xffffffff && lo === 0xffffffff) return UNDEF;
  if (hi > 0x1fffff) {
    const value = (BigInt(hi) << 32n) | BigInt(lo);
    throw new StatekitError('limit', `HDF5 metadata: an offset or size of ${value}, beyond 2^53`);
  }
  return hi * 0x100000000 + lo;
}

/** Writes an 8-byte unsigned offset or length (UNDEF as all ones). */
export function putU64(view: DataView, at: number, value: number): void {
  if (value === UNDEF) {
    view.setUint32(at, 0xffffffff, true);
    view.setUint32(at + 4, 0xffffffff, true);
    return;
  }
  view.setUint32(at, value % 0x100000000, true);
  view.setUint32(at + 4, Math.floor(value / 0x100000000), true);
}

/** A DataView over exactly `bytes`. */
export function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The NUL-terminated string at `at` (at most up to `end`), decoded as UTF-8. */
export function cString(bytes: Uint8Array, at: number, end = bytes.length): string {
  let stop = at;
  while (stop < end && bytes[stop] !== 0) stop++;
  return UTF8.decode(bytes.subarray(at, stop));
}

/**
 * `count` NUL-terminated strings stored one after another from `at` (external link targets,
 * virtual dataset sources). Each starts after the previous one's NUL byte, found in the
 * bytes, not by re-encoding the decoded text (which differs for names that are not UTF-8).
 */
export function cStrings(
  bytes: Uint8Array,
  at: number,
  count: number,
  end = bytes.length,
): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let stop = at;
    while (stop < end && bytes[stop] !== 0) stop++;
    out.push(UTF8.decode(bytes.subarray(at, stop)));
    at = stop + 1;
  }
  return out;
}

export const UTF8 = new TextDecoder('utf-8');
export const ENCODER = new TextEncoder();

/**
 * A comparator ordering `names` as HDF5 orders link names (strcmp on UTF-8 bytes). For names
 * below U+D800, all of them in practice, JavaScript's UTF-16 order is the same and is used.
 */
export function nameOrder(names: Iterable<string>): (a: string, b: string) => number {
  let plain = true;
  for (const n of names) if (!/^[\u0000-\ud7ff]*$/.test(n)) plain = false;
  if (plain) return (a, b) => (a < b ? -1 : a > b ? 1 : 0);
  return (a, b) => {
    const x = ENCODER.encode(a);
    const y = ENCODER.encode(b);
    const n = Math.min(x.length, y.length);
    for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
    return x.length - y.length;
  };
}
