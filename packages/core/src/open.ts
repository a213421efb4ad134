import type { ByteSource } from './byte-source.js';
import type { Reader, ReadOptions } from './codec.js';
import { withContext } from './errors.js';
import { checkOptions, READ_OPTIONS } from './options.js';
import { detectFormat, getCodec } from './registry.js';

/**
 * Opens a source with the codec named `format`, or the one detected (magic bytes, then
 * extension). Throws a `format` StatekitError when nothing recognises it, and a TypeError for
 * an unknown option.
 */
export async function openSource(
  source: ByteSource,
  options: ReadOptions & { format?: string | undefined } = {},
): Promise<Reader> {
  checkOptions(options, [...READ_OPTIONS, 'format'], 'read');
  try {
    const name = options.format ?? (await detectFormat(source)).name;
    const codec = await getCodec(name, source.name);
    const { format: _, ...readOptions } = options;
    return await codec.open(source, readOptions);
  } catch (error) {
    throw withContext(error, source.name);
  }
}
