import type { ByteSource } from './byte-source.js';
import type { Reader, ReadOptions } from './codec.js';
import { withContext } from './errors.js';
import { detectFormat, getCodec } from './registry.js';

/**
 * Opens a source with the codec named `format`, or the one detected (magic bytes, then
 * extension). Throws a `format` StatekitError when nothing recognises it.
 */
export async function openSource(
  source: ByteSource,
  options: ReadOptions & { format?: string } = {},
): Promise<Reader> {
  try {
    const name = options.format ?? (await detectFormat(source)).name;
    const codec = await getCodec(name, source.name);
    return await codec.open(source, options);
  } catch (error) {
    throw withContext(error, source.name);
  }
}
