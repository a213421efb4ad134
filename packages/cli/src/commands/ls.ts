import {
  arraySha256,
  type EntryInfo,
  elementCount,
  formatShape,
  isDType,
  isNdArray,
  isStatekitError,
  type Leaf,
  type NdArray,
  openSource,
  type PathPart,
  SparseMatrix,
  StreamedArray,
} from '@statekit/core';
import { withContext } from '@statekit/core/codec';
import { fileSource } from '@statekit/core/node';
import { entryCount, formatSize } from '../format-size.js';
import {
  arrayValue,
  jsonNumber,
  MAX_VALUE_NODES,
  scalarValue,
  textArrayValue,
} from '../json-value.js';
import type { Output } from '../output.js';
import { progressBar } from '../progress.js';

/** Arrays above this many bytes are hashed slice by slice: memory holds a slice, not the array. */
const LS_STREAM_ABOVE = 64 << 20;

export interface LsOptions {
  json: boolean;
  sha256: boolean;
}

/** One entry of `ls --json`. */
interface JsonEntry {
  key: string;
  path: readonly PathPart[];
  dtype: string;
  shape: readonly number[];
  sha256?: string;
  value?: unknown;
  /** Format metadata (HDF5 attributes, external links), when there is any. */
  attrs?: Record<string, unknown>;
  /** Why statekit does not read this entry (an object array, a compound type). */
  unsupported?: string;
}

/** Lists each file; returns the exit code (1 when any file, or any entry of one, failed). */
export async function ls(files: string[], options: LsOptions, out: Output): Promise<number> {
  let failed = false;
  for (const file of files) {
    // Hashing shows progress on a terminal; a listing of metadata is too quick to need it.
    const bar = progressBar(`hashing ${file}`, options.json ? null : undefined);
    try {
      const { listing, sizes } = await listFile(
        file,
        options,
        options.sha256 ? bar.update : undefined,
      ).catch((error) => {
        throw withContext(error, file); // list() errors do not all name the file themselves
      });
      bar.finish();
      // An entry statekit does not read is listed, and the file counts as not read whole.
      if (listing.entries.some((e) => e.unsupported)) failed = true;
      if (options.json) out.stdout(JSON.stringify(listing));
      else {
        printTable(listing, sizes, files.length > 1, out);
        for (const e of listing.entries)
          if (e.unsupported) out.stderr(`statekit: ${file}, key "${e.key}": ${e.unsupported}`);
      }
    } catch (error) {
      bar.finish();
      failed = true;
      const tag = isStatekitError(error) ? error.tag : 'internal';
      const message = error instanceof Error ? error.message : String(error);
      if (options.json) out.stdout(JSON.stringify({ file, error: { tag, message } }));
      else out.stderr(`statekit: ${message}`);
      if (!isStatekitError(error) && !options.json) out.stderr(String((error as Error).stack));
    }
  }
  return failed ? 1 : 0;
}

interface Listing {
  file: string;
  format: string;
  entries: JsonEntry[];
  /** Groups with attributes (HDF5), when there are any. */
  groups?: { path: readonly PathPart[]; attrs: Record<string, unknown> }[];
}

/** The JSON listing of a file, and its entries' byte sizes for the table. */
async function listFile(
  file: string,
  options: LsOptions,
  onProgress?: (done: number, total: number) => void,
): Promise<{ listing: Listing; sizes: number[] }> {
  const source = fileSource(file);
  try {
    const reader = await openSource(source, { streamAbove: LS_STREAM_ABOVE });
    try {
      const infos = await reader.list();
      const needsValue = (i: EntryInfo): boolean =>
        i.kind !== 'unsupported' &&
        (options.sha256 || i.kind === 'scalar' || i.dtype === 'str' || i.dtype === 'bytes');
      // Each value is hashed and rendered as it is read, then dropped: memory holds one entry.
      const rendered = new Map<string, Pick<JsonEntry, 'sha256' | 'value'>>();
      const wanted = infos.filter(needsValue);
      const entryBytes = new Map(wanted.map((i) => [JSON.stringify(i.path), i.byteLength]));
      const total = wanted.reduce((n, i) => n + i.byteLength, 0);
      let done = 0;
      if (wanted.length > 0) {
        for await (const { key, path, value } of reader.read(wanted.map((i) => i.key))) {
          // A large array is hashed slice by slice: progress follows its bytes.
          const streamed = value instanceof StreamedArray;
          const report = (bytes: number): void => {
            done += bytes;
            onProgress?.(done, total);
          };
          try {
            const shown = await render(streamed ? value.observed(report) : value, options.sha256);
            if (shown) rendered.set(key, shown);
          } catch (error) {
            throw withContext(error, file, key);
          }
          if (!streamed) report(entryBytes.get(JSON.stringify(path)) ?? 0);
        }
      }
      const entries: JsonEntry[] = [];
      for (const info of infos) {
        const e: JsonEntry = {
          key: info.key,
          path: info.path,
          dtype: info.dtype,
          shape: info.shape,
          ...rendered.get(info.key),
        };
        if (e.value === undefined) delete e.value;
        if (info.problem !== undefined) e.unsupported = info.problem;
        if (info.attrs && Object.keys(info.attrs).length > 0) e.attrs = jsonAttrs(info.attrs);
        entries.push(e);
      }
      const groups = ((await reader.containers?.()) ?? []).flatMap((c) =>
        c.attrs && Object.keys(c.attrs).length > 0
          ? [{ path: c.path, attrs: jsonAttrs(c.attrs) }]
          : [],
      );
      return {
        listing: { file, format: reader.format, entries, ...(groups.length > 0 ? { groups } : {}) },
        sizes: infos.map((i) => i.byteLength),
      };
    } finally {
      await reader.close();
    }
  } finally {
    await source.close();
  }
}

/** An entry's digest and JSON value, computed while the value is in hand. */
async function render(
  value: Leaf,
  sha256: boolean,
): Promise<Pick<JsonEntry, 'sha256' | 'value'> | undefined> {
  if (value instanceof SparseMatrix) return undefined; // no JSON value or digest of its own yet
  if (!isNdArray(value) && !(value instanceof StreamedArray)) return { value: scalarValue(value) };
  const text = value.dtype === 'str' || value.dtype === 'bytes';
  // A large text array is read whole only when its value would be shown.
  const shown = text && (await textValue(value));
  return {
    ...(sha256 ? { sha256: await arraySha256(value) } : {}),
    ...(text ? { value: shown } : {}),
  };
}

async function textValue(value: NdArray | StreamedArray): Promise<unknown> {
  if (isNdArray(value)) return textArrayValue(value);
  return elementCount(value.shape) > MAX_VALUE_NODES
    ? undefined
    : textArrayValue(await value.load());
}

function printTable(listing: Listing, sizes: number[], withTitle: boolean, out: Output): void {
  if (withTitle)
    out.stdout(`${listing.file} (${listing.format}, ${entryCount(listing.entries.length)})`);
  // Two entries of one key (HDF5's root dataset E.V and group dataset E/V) show their paths.
  const uses = new Map<string, number>();
  for (const e of listing.entries) uses.set(e.key, (uses.get(e.key) ?? 0) + 1);
  const rows = listing.entries.map((e, i) => [
    uses.get(e.key)! > 1 ? e.path.join('/') : e.key,
    e.unsupported ? 'unsupported' : e.dtype,
    e.shape.length === 0 && e.value !== undefined && !isDType(e.dtype)
      ? 'scalar'
      : formatShape(e.shape),
    formatSize(sizes[i] ?? 0),
    ...(e.sha256 ? [e.sha256] : []),
  ]);
  const header = [
    'KEY',
    'DTYPE',
    'SHAPE',
    'SIZE',
    ...(rows.some((r) => r.length > 4) ? ['SHA256'] : []),
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === 3 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  out.stdout(line(header));
  for (const r of rows) out.stdout(line(r));
}

/**
 * Attribute values as JSON: arrays (numeric attributes) as values or nested lists, bigints as
 * numbers (strings beyond 2^53), typed arrays as lists.
 */
function jsonAttrs(attrs: Record<string, unknown>): Record<string, unknown> {
  const convert = (v: unknown): unknown => {
    if (isNdArray(v)) return arrayValue(v);
    if (typeof v === 'bigint' || typeof v === 'number') return jsonNumber(v);
    if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<unknown>, convert);
    if (Array.isArray(v)) return v.map(convert);
    return v;
  };
  return Object.fromEntries(Object.entries(attrs).map(([k, v]) => [k, convert(v)]));
}
