import type { ByteSource } from './byte-source.js';
import type { Codec, CodecDescriptor } from './codec.js';
import { StatekitError } from './errors.js';

/**
 * The codec registry: format name -> descriptor. Format packages export their descriptors
 * (`npz` from `@statekit/npz`); register them with {@link registerCodec}. Users may register
 * their own codecs the same way; a later registration under a name replaces the earlier one.
 */
export const registry = new Map<string, CodecDescriptor>();
const loaded = new Map<string, Promise<Codec>>();

/** Registers codecs (descriptors). Returns the registry. */
export function registerCodec(...codecs: CodecDescriptor[]): Map<string, CodecDescriptor> {
  for (const codec of codecs) {
    registry.set(codec.name, codec);
    loaded.delete(codec.name);
  }
  return registry;
}

/** Loads (once) the codec registered as `name`; an unknown name is a `format` error. */
export function getCodec(name: string, file?: string): Promise<Codec> {
  const descriptor = registry.get(name);
  if (!descriptor) {
    throw new StatekitError(
      'format',
      `unknown format "${name}" (registered: ${[...registry.keys()].join(', ') || 'none'})`,
      { file },
    );
  }
  let codec = loaded.get(name);
  if (!codec) {
    codec = descriptor.load();
    loaded.set(name, codec);
  }
  return codec;
}

/** The extension of a path, lower case, with the dot (`.npz`), or '' when it has none. */
export function extensionOf(path: string): string {
  const base = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot).toLowerCase() : '';
}

/** The codec registered for a file name's extension, if any. */
export function codecForExtension(path: string): CodecDescriptor | undefined {
  const ext = extensionOf(path);
  for (const codec of registry.values()) if (codec.extensions.includes(ext)) return codec;
  return undefined;
}

/**
 * How many leading bytes {@link detectFormat} reads: enough to see an HDF5 signature behind a
 * user block of up to 2048 bytes (MAT v7.3 files have a 512-byte one).
 */
export const SNIFF_BYTES = 2056;

/**
 * Detects a source's format: by magic bytes first, by the name's extension second. A file
 * nothing recognises is a `format` StatekitError naming it.
 */
export async function detectFormat(source: ByteSource): Promise<CodecDescriptor> {
  const head = await source.read(0, Math.min(SNIFF_BYTES, source.size));
  for (const codec of registry.values()) if (codec.sniff(head)) return codec;
  const byExtension = codecForExtension(source.name);
  if (byExtension) return byExtension;
  throw new StatekitError(
    'format',
    source.size === 0
      ? 'empty file'
      : `not a recognised format (known: ${[...registry.keys()].join(', ') || 'none registered'})`,
    { file: source.name },
  );
}
