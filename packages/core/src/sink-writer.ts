import type { ByteSink } from './byte-sink.js';

/** Buffered bytes are handed to the sink past this size. */
const FLUSH_AT = 1 << 20;

/**
 * Small writes gathered in a buffer and handed to a {@link ByteSink} in large pieces, large
 * payloads (array data) passed straight through: the base of the tree formats' encoders
 * (pickle opcodes, msgpack values), which write many small headers around big arrays.
 */
export class SinkWriter {
  protected buffer = new Uint8Array(FLUSH_AT + 64);
  protected used = 0;
  /** Bytes already handed to the sink. */
  private flushed = 0;

  constructor(protected readonly sink: ByteSink) {}

  /** One byte. */
  byte(b: number): void {
    this.ensure(1);
    this.buffer[this.used++] = b;
  }

  raw(bytes: Uint8Array): void {
    this.ensure(bytes.byteLength);
    this.buffer.set(bytes, this.used);
    this.used += bytes.byteLength;
  }

  /** Bytes written straight to the sink (a large payload), after what is buffered. */
  async direct(bytes: Uint8Array): Promise<void> {
    await this.flush();
    await this.sink.write(bytes);
    this.flushed += bytes.byteLength;
  }

  /** Where the next byte lands in the file. */
  get position(): number {
    return this.flushed + this.used;
  }

  async maybeFlush(): Promise<void> {
    if (this.used >= FLUSH_AT) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.used === 0) return;
    await this.sink.write(this.buffer.slice(0, this.used));
    this.flushed += this.used;
    this.used = 0;
  }

  /** Room for `n` more bytes in the buffer. */
  protected ensure(n: number): void {
    if (this.used + n <= this.buffer.byteLength) return;
    const grown = new Uint8Array(Math.max(this.buffer.byteLength * 2, this.used + n));
    grown.set(this.buffer.subarray(0, this.used));
    this.buffer = grown;
  }
}
