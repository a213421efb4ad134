/** How a `torch.save` file is told from a plain ZIP or pickle by its first bytes. */
import { CONFIDENCE } from '@statekit/core/codec';

/** The bytes a pre-1.6 `torch.save` file starts with: PROTO 2, LONG1 of torch's magic number. */
export const LEGACY_TORCH_MAGIC = Uint8Array.of(
  0x80,
  0x02,
  0x8a,
  0x0a,
  0x6c,
  0xfc,
  0x9c,
  0x46,
  0xf9,
  0x20,
  0x6a,
  0xa8,
  0x50,
  0x19,
);

/** A torch.save archive's pickle: `<archive>/data.pkl`, one directory down. */
export const TORCH_DATA_PKL = /^[^/]+\/data\.pkl$/;

/**
 * A `torch.save` file: a ZIP whose first member is `<archive>/data.pkl` (a marker only PyTorch
 * has, outranking npz's plain ZIP magic), or the pre-1.6 format's magic number (refused on open).
 */
export function sniffTorch(head: Uint8Array): number {
  if (LEGACY_TORCH_MAGIC.every((b, i) => head[i] === b)) return CONFIDENCE.marker;
  if (head[0] !== 0x50 || head[1] !== 0x4b || head[2] !== 3 || head[3] !== 4)
    return CONFIDENCE.none;
  const nameLength = head[26]! | (head[27]! << 8);
  const name = new TextDecoder().decode(head.subarray(30, 30 + nameLength));
  return TORCH_DATA_PKL.test(name) ? CONFIDENCE.marker : CONFIDENCE.none;
}
