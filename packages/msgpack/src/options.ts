/** The msgpack writer's options (`{ msgpack: { ... } }` in write options). */
export interface MsgpackWriteOptions {
  /**
   * Arrays of more bytes are split into flax's `__msgpack_chunked_array__` chunks of at most
   * this many (default 2^30, flax's `MAX_CHUNK_SIZE`: one msgpack object holds < 2^31).
   */
  chunkBytes?: number;
  /**
   * Start every array's bytes at a multiple of 8 (default true), by writing some msgpack
   * headers wider than they need be (valid msgpack, read by Python's msgpack), so readers can
   * view arrays in place. `false` writes exactly what flax writes.
   */
  align?: boolean;
}

export const MSGPACK_WRITE_OPTIONS = ['chunkBytes', 'align'] as const;
