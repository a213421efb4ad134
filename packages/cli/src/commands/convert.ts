import * as fs from 'node:fs';
import {
  brainpyLegacyKey,
  codecForExtension,
  convert as convertStates,
  isStatekitError,
  StatekitError,
} from '@statekit/core';
import { atomicFileSink, fileSource } from '@statekit/core/node';
import { formatSize } from '../format-size.js';
import type { Output } from '../output.js';
import { progressBar } from '../progress.js';

export interface ConvertCliOptions {
  format?: string | undefined;
  overwrite: boolean;
  allowLossy: boolean;
  compress: boolean;
  brainpyKeys: boolean;
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
    const to = formatName(options.format) ?? codecForExtension(output)?.name;
    if (!to)
      throw new StatekitError(
        'format',
        'cannot tell the output format from the extension; pass --format',
        { file: output },
      );
    if (!options.overwrite && fs.existsSync(output)) {
      throw new StatekitError('io', 'file exists; pass --overwrite to replace it', {
        file: output,
      });
    }
    const source = fileSource(input);
    try {
      const sink = atomicFileSink(output, { overwrite: options.overwrite });
      const result = await convertStates(source, sink, {
        to,
        write: {
          allowLossy: options.allowLossy,
          ...(options.compress ? { npz: { compress: true } } : {}),
        },
        onProgress: bar.update,
        ...(options.brainpyKeys ? { rename: brainpyLegacyKey } : {}),
      });
      bar.finish();
      out.stdout(
        `${input} -> ${output} (${to}): ${result.entries} entries, ${formatSize(result.bytes)}`,
      );
      return 0;
    } finally {
      await source.close();
    }
  } catch (error) {
    bar.finish();
    out.stderr(`statekit: ${error instanceof Error ? error.message : String(error)}`);
    if (!isStatekitError(error)) out.stderr(String((error as Error).stack));
    return 1;
  }
}

/** Other names people give formats (the extension without its dot). */
const FORMAT_ALIASES: Record<string, string> = { h5: 'hdf5', hdf: 'hdf5', he5: 'hdf5' };

/** A --format value as a codec name: aliases resolved, case ignored. */
function formatName(format: string | undefined): string | undefined {
  if (format === undefined) return undefined;
  const name = format.toLowerCase().replace(/^\./, '');
  return FORMAT_ALIASES[name] ?? name;
}
