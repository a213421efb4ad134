import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import {
  brainpyLegacyKey,
  codecForExtension,
  convert as convertStates,
  flattenPath,
  isStatekitError,
  LossyConversionError,
  lossCount,
  nestSlashes,
  type PathPart,
  type Rename,
  registeredCodecs,
  StatekitError,
  UnsupportedEntriesError,
} from '@statekit/core';
import { atomicFileSink, fileSource } from '@statekit/core/node';
import { entryCount, formatSize } from '../format-size.js';
import type { Output } from '../output.js';
import { progressBar } from '../progress.js';

export interface ConvertCliOptions {
  format?: string | undefined;
  overwrite: boolean;
  allowLossy: boolean;
  compress: boolean;
  brainpyKeys: boolean;
  flatten: boolean;
  nest: boolean;
  keys?: readonly string[] | undefined;
  skipUnsupported: boolean;
}

/** Converts IN to OUT; returns the exit code. */
export async function convert(
  input: string,
  output: string,
  options: ConvertCliOptions,
  out: Output,
): Promise<number> {
  const bar = progressBar(`converting ${input}`);
  try {
    checkOutput(output, options.overwrite);
    const to = outputFormat(output, options.format);
    const source = fileSource(input);
    try {
      const sink = atomicFileSink(output, { overwrite: options.overwrite });
      const rename = renaming(options);
      const result = await convertStates(source, sink, {
        to,
        write: {
          allowLossy: options.allowLossy,
          ...(options.compress ? { npz: { compress: true } } : {}),
        },
        ...(options.keys ? { keys: options.keys } : {}),
        skipUnsupported: options.skipUnsupported,
        onProgress: bar.update,
        ...(rename ? { rename } : {}),
      });
      bar.finish();
      for (const s of result.skipped)
        out.stderr(`statekit: ${input}, key "${s.key}": skipped: ${s.problem}`);
      const size = fs.statSync(output).size;
      out.stdout(
        `${input} -> ${output} (${to}): ${entryCount(result.entries)} written, ${formatSize(size)}`,
      );
      return 0;
    } finally {
      await source.close();
    }
  } catch (error) {
    bar.finish();
    out.stderr(`statekit: ${explained(error, options)}`);
    if (!isStatekitError(error)) out.stderr(String((error as Error).stack));
    return 1;
  }
}

/** An error in the CLI's words: refusals name the flags that would let the conversion through. */
function explained(error: unknown, options: ConvertCliOptions): string {
  if (error instanceof LossyConversionError) return refusal(error, options);
  if (error instanceof UnsupportedEntriesError)
    return `${error.message}\npass --skip-unsupported to convert the other entries`;
  return error instanceof Error ? error.message : String(error);
}

/** The output format: `--format` (aliases resolved), else the extension of OUT. */
function outputFormat(output: string, format: string | undefined): string {
  const named = formatName(format) ?? codecForExtension(output)?.name;
  if (named) return named;
  const known = registeredCodecs()
    .filter((c) => !c.readOnly)
    .map((c) => `${c.name} (${c.extensions.join(', ')})`);
  throw new StatekitError(
    'format',
    `cannot tell the output format from the name; give it an extension or pass --format (${known.join('; ')})`,
    { file: output },
  );
}

/** OUT is checked before any work: not a directory, in a directory that exists, not there yet. */
function checkOutput(output: string, overwrite: boolean): void {
  const stat = fs.statSync(output, { throwIfNoEntry: false });
  if (stat?.isDirectory()) {
    throw new StatekitError('io', 'is a directory; give the output file a name', { file: output });
  }
  const dir = nodePath.dirname(nodePath.resolve(output));
  if (!fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
    throw new StatekitError('io', 'cannot create: no such directory', { file: output });
  }
  if (stat && !overwrite) {
    throw new StatekitError('io', 'file exists; pass --overwrite to replace it', { file: output });
  }
}

/** The renames the flags ask for, applied in order: --nest, --flatten, --brainpy-keys. */
function renaming(options: ConvertCliOptions): Rename | undefined {
  const steps: Rename[] = [
    ...(options.nest ? [nestSlashes] : []),
    ...(options.flatten ? [flattenPath] : []),
    ...(options.brainpyKeys ? [brainpyLegacyKey] : []),
  ];
  if (steps.length === 0) return undefined;
  return (path: readonly PathPart[]) => steps.reduce((p, step) => step(p), path);
}

/**
 * A lossy refusal in the CLI's words: the count, one line per reason with its first keys, and
 * the flags that would let the conversion through.
 */
function refusal(error: LossyConversionError, options: ConvertCliOptions): string {
  const whys = error.problems.map((p) => p.why);
  const flags = ['--allow-lossy to convert them as said'];
  if (!options.flatten && whys.some((w) => /nest|dotted/.test(w)))
    flags.push("--flatten to store groups as dotted names (BrainPy's flat layout)");
  if (!options.nest && whys.some((w) => w.includes('"/"')))
    flags.push('--nest to store names with "/" as groups (as h5py does)');
  return [
    `${error.file}: ${error.format} cannot store ${lossCount(error.problems)} exactly:`,
    ...error.summary,
    `pass ${flags.join(', or ')}`,
  ].join('\n');
}

/** Other names people give formats, beyond the codecs' own extensions (`h5`, `pkl`). */
const FORMAT_ALIASES: Record<string, string> = { hdf: 'hdf5' };

/** A --format value as a codec name: an extension or alias resolved, case ignored. */
function formatName(format: string | undefined): string | undefined {
  if (format === undefined) return undefined;
  const name = format.toLowerCase().replace(/^\./, '');
  const byExtension = registeredCodecs().find((c) => c.extensions.includes(`.${name}`));
  return FORMAT_ALIASES[name] ?? byExtension?.name ?? name;
}
