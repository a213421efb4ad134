import type { ByteSource } from './byte-source.js';
import { CONFIDENCE, type Codec, type CodecDescriptor } from './codec.js';
import { StatekitError } from './errors.js';

/**
 * The codec registry: format name -> descriptor. Format packages export their descriptors
 * (`npz` from `@statekit/npz`); register them with {@link registerCodec}. Users may register
 * their own codecs the same way; a later registration under a name replaces the earlier one.
 * The map itself is private, so nothing can change it around the loaded-codec cache.
 */
const registry = new Map<string, CodecDescriptor>();
const loaded = new Map<string, Promise<Codec>>();

/** Registers codecs (descriptors), replacing any of the same name. */
export function registerCodec(...codecs: CodecDescriptor[]): void {
  for (const codec of codecs) {
    registry.set(codec.name, Object.freeze({ ...codec }));
    loaded.delete(codec.name);
  }
}

/** Removes a registered codec; true when there was one. */
export function unregisterCodec(name: string): boolean {
  loaded.delete(name);
  return registry.delete(name);
}

/** The registered codecs, in registration order (a copy). */
export function registeredCodecs(): readonly CodecDescriptor[] {
  return Object.freeze([...registry.values()]);
}

/** The descriptor registered as `name`, if any. */
export function codecDescriptor(name: string): CodecDescriptor | undefined {
  return registry.get(name);
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
  const base = baseName(path);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot).toLowerCase() : '';
}

/**
 * A file's name without its directory and extension: the key tree formats (pickle, msgpack)
 * list a lone top value under, as a `.npy`'s array is listed under its name.
 */
export function fileStem(path: string): string {
  const base = baseName(path);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

function baseName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
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
 * Picks the codec for a file from its first bytes and its name: the highest sniff confidence
 * wins ({@link CONFIDENCE}); among equals, the codec whose extension the name has; a mere
 * `structure` guess counts only with a matching extension. Undefined when nothing fits.
 */
export function pickCodec(head: Uint8Array, name: string): CodecDescriptor | undefined {
  const ext = extensionOf(name);
  let best: CodecDescriptor | undefined;
  let bestScore = 0;
  for (const codec of registry.values()) {
    const confidence = codec.sniff(head);
    const matches = codec.extensions.includes(ext);
    if (confidence <= CONFIDENCE.none) continue;
    if (confidence <= CONFIDENCE.structure && !matches) continue;
    const score = confidence * 2 + (matches ? 1 : 0);
    if (score > bestScore) {
      best = codec;
      bestScore = score;
    }
  }
  return best ?? codecForExtension(name);
}

/**
 * Detects a source's format (see {@link pickCodec}). A file nothing recognises is a `format`
 * StatekitError naming it.
 */
export async function detectFormat(source: ByteSource): Promise<CodecDescriptor> {
  const head = await source.read(0, Math.min(SNIFF_BYTES, source.size));
  const codec = pickCodec(head, source.name);
  if (codec) return codec;
  throw new StatekitError(
    'format',
    source.size === 0
      ? 'empty file'
      : `not a recognised format (known: ${[...registry.keys()].join(', ') || 'none registered'})`,
    { file: source.name },
  );
}
