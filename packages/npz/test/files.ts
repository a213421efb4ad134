import { arraySha256, convert, isNdArray, openSource } from '@statekit/core';
import { extensionOf } from '@statekit/core/codec';
import { atomicFileSink, fileSource } from '@statekit/core/node';

/** Converts a file to the format of `output`'s extension (npz or npy). */
export async function convertFile(input: string, output: string): Promise<void> {
  const source = fileSource(input);
  try {
    await convert(source, atomicFileSink(output), { to: extensionOf(output).slice(1) });
  } finally {
    await source.close();
  }
}

/** key -> [dtype, shape, sha256] as statekit reads a file. */
export async function digest(file: string): Promise<Record<string, [string, number[], string]>> {
  const source = fileSource(file);
  const reader = await openSource(source);
  const out: Record<string, [string, number[], string]> = {};
  for await (const e of reader.read()) {
    if (isNdArray(e.value))
      out[e.key] = [e.value.dtype, [...e.value.shape], await arraySha256(e.value)];
  }
  await source.close();
  return out;
}
