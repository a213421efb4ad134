import {
  arraySha256,
  formatShape,
  isDType,
  isNdArray,
  isStatekitError,
  openSource,
} from '@statekit/core';
import { fileSource } from '@statekit/core/node';
import { formatSize } from '../format-size.js';
import { scalarValue, textArrayValue } from '../json-value.js';
/** Lists each file; returns the exit code (1 when any file failed). */
export async function ls(files, options, out) {
  let failed = false;
  for (const file of files) {
    try {
      const listing = await listFile(file, options);
      if (options.json) out.stdout(JSON.stringify(listing));
      else printTable(listing, files.length > 1, out);
    } catch (error) {
      failed = true;
      const tag = isStatekitError(error) ? error.tag : 'internal';
      const message = error instanceof Error ? error.message : String(error);
      if (options.json) out.stdout(JSON.stringify({ file, error: { tag, message } }));
      else out.stderr(`statekit: ${message}`);
      if (!isStatekitError(error) && !options.json) out.stderr(String(error.stack));
    }
  }
  return failed ? 1 : 0;
}
async function listFile(file, options) {
  const source = fileSource(file);
  try {
    const reader = await openSource(source);
    try {
      const infos = await reader.list();
      const needsValue = (i) =>
        options.sha256 || i.kind === 'scalar' || i.dtype === 'str' || i.dtype === 'bytes';
      const values = new Map();
      const wanted = infos.filter(needsValue).map((i) => i.key);
      if (wanted.length > 0) {
        for await (const e of reader.read(wanted)) values.set(e.key, e);
      }
      const entries = [];
      for (const info of infos) {
        const e = {
          key: info.key,
          path: info.path,
          dtype: info.dtype,
          shape: info.shape,
        };
        const value = values.get(info.key)?.value;
        if (value !== undefined) {
          if (isNdArray(value)) {
            if (options.sha256) e.sha256 = await arraySha256(value);
            if (value.dtype === 'str' || value.dtype === 'bytes') e.value = textArrayValue(value);
          } else {
            e.value = scalarValue(value);
          }
        }
        entries.push(e);
      }
      const listing = { file, format: reader.format, entries };
      Object.defineProperty(listing, 'sizes', {
        value: infos.map((i) => i.byteLength),
        enumerable: false,
      });
      return listing;
    } finally {
      await reader.close();
    }
  } finally {
    await source.close();
  }
}
function printTable(listing, withTitle, out) {
  if (withTitle)
    out.stdout(`${listing.file} (${listing.format}, ${listing.entries.length} entries)`);
  const rows = listing.entries.map((e, i) => [
    e.key,
    e.dtype,
    e.shape.length === 0 && e.value !== undefined && !isArrayDtype(e.dtype)
      ? 'scalar'
      : formatShape(e.shape),
    formatSize(listing.sizes?.[i] ?? 0),
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
  const line = (cells) =>
    cells
      .map((c, i) => (i === 3 ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  out.stdout(line(header));
  for (const r of rows) out.stdout(line(r));
}
function isArrayDtype(dtype) {
  return isDType(dtype);
}
//# sourceMappingURL=ls.js.map
