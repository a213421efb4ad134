import type { Logger } from '@statekit/core';

/**
 * braintools' `AsyncManager`: a save given one captures the state at once (the file's bytes
 * are made before `msgpackSave` returns) and writes them in the background; the next save
 * waits for the previous one, warning as braintools does; `waitPreviousSave()` waits and
 * rethrows what the background write threw.
 */
export class AsyncManager {
  private pending: Promise<void> | undefined;
  private running = false;
  private closed = false;

  /** Waits for the save under way, if any, and rethrows its error. */
  async waitPreviousSave(): Promise<void> {
    const pending = this.pending;
    this.pending = undefined;
    if (pending) await pending;
  }

  /** Waits for the last save; later saves are refused. */
  async close(): Promise<void> {
    this.closed = true;
    await this.waitPreviousSave();
  }

  /** Runs `write` in the background after the previous save (used by `msgpackSave`). */
  async submit(write: () => Promise<void>, logger: Logger): Promise<void> {
    if (this.closed) throw new Error('Cannot save with a closed AsyncManager');
    if (this.running)
      logger.warn(
        'A previous async braintools.file.msgpack_save has not finished yet; waiting for it to complete before the next save.',
      );
    await this.waitPreviousSave();
    this.running = true;
    const pending = write().finally(() => {
      this.running = false;
    });
    pending.catch(() => {}); // reported by waitPreviousSave, not as an unhandled rejection
    this.pending = pending;
  }
}
