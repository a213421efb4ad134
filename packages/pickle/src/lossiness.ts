/**
 * What a pickle cannot hold exactly, one reason per conversion `pickle-writer.ts` makes: the
 * pickle holds any Python tree, so only what has no Python form here is lost.
 */
import type { Container, EntryInfo } from '@statekit/core';

/** Container kinds the writer stores as another kind. */
const STORED_AS: Partial<Record<Container['kind'], string>> = {
  group: 'dict',
  struct: 'dict',
  cell: 'list',
  struct_array: 'list',
};

export function pickleLossiness(info: EntryInfo): string[] {
  const reasons: string[] = [];
  const attrs = Object.keys(info.attrs ?? {});
  if (attrs.length > 0)
    reasons.push(`its attributes (${attrs.join(', ')}) are dropped: a pickled value has none`);
  if (info.kind === 'sparse')
    reasons.push('a sparse matrix has no pickle form here: the entry is skipped');
  if (info.dtype === 'bfloat16')
    reasons.push(
      'numpy has no bfloat16 without ml_dtypes: stored as float32 (values exact, dtype changes)',
    );
  return reasons;
}

export function pickleContainerLossiness(c: Container): string[] {
  const reasons: string[] = [];
  const attrs = Object.keys(c.attrs ?? {});
  if (attrs.length > 0)
    reasons.push(
      `the ${c.kind}'s attributes (${attrs.join(', ')}) are dropped: a pickled dict has none`,
    );
  const as = STORED_AS[c.kind];
  // A group is a dict in every pickle statekit writes; only kinds with meaning of their own are lost.
  if (as && c.kind !== 'group')
    reasons.push(`the ${c.kind} becomes a ${as}: that it was a ${c.kind} is lost`);
  if (c.shape !== undefined) reasons.push(`its shape (${c.shape.join(', ')}) is dropped`);
  return reasons;
}
