/** The msgpack writer's options (`{ msgpack: { ... } }` in write options). */
export interface MsgpackWriteOptions {
  /**
   * Arrays of more bytes are split into flax's `__msgpack_chunked_array__` chunks of at most
   * this many (default 2^30, flax's `MAX_CHUNK_SIZE`: one msgpack object holds < 2^31).
   */
  chunkBytes?: number;
}

export const MSGPACK_WRITE_OPTIONS = ['chunkBytes'] as const;
