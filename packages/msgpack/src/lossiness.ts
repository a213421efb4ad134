/**
 * What flax's msgpack layout cannot hold exactly, one reason per conversion
 * `msgpack-writer.ts` makes (flax's own `to_state_dict` makes the same ones).
 */
import type { Container, EntryInfo } from '@statekit/core';
import { MSGPACK_HINT } from './tree.js';

export function msgpackLossiness(info: EntryInfo): string[] {
  const reasons: string[] = [];
  const attrs = Object.keys(info.attrs ?? {});
  if (attrs.length > 0)
    reasons.push(`its attributes (${attrs.join(', ')}) are dropped: msgpack values have none`);
  if (info.kind === 'sparse')
    reasons.push('a sparse matrix has no flax msgpack form: the entry is skipped');
  if (info.kind === 'array' && (info.dtype === 'str' || info.dtype === 'bytes'))
    reasons.push(
      `a ${info.dtype} array is written as flax writes it, which flax and braintools cannot load back`,
    );
  return reasons;
}

export function msgpackContainerLossiness(c: Container): string[] {
  const reasons: string[] = [];
  const attrs = Object.keys(c.attrs ?? {});
  if (attrs.length > 0)
    reasons.push(
      `the ${c.kind}'s attributes (${attrs.join(', ')}) are dropped: msgpack maps have none`,
    );
  if (c.hints?.[MSGPACK_HINT] === 'array') return reasons;
  if (
    c.kind === 'list' ||
    c.kind === 'tuple' ||
    c.kind === 'set' ||
    c.kind === 'cell' ||
    c.kind === 'struct_array'
  )
    reasons.push(
      `the ${c.kind} becomes a map with keys '0', '1', ... (as flax writes it): only a template restores the ${c.kind}`,
    );
  else if (c.kind === 'ordered_dict' || c.kind === 'struct')
    reasons.push(`the ${c.kind} becomes a map: that it was a ${c.kind} is lost`);
  else if (c.children.some((n) => typeof n === 'number'))
    reasons.push('its int keys become strings (as flax writes them)');
  if (c.shape !== undefined) reasons.push(`its shape (${c.shape.join(', ')}) is dropped`);
  return reasons;
}
