import { formatSize } from './format-size.js';

/** Conversions at least this large show a progress bar (when stderr is a terminal). */
export const PROGRESS_THRESHOLD = 100 * 1000 * 1000;

/**
 * A progress bar by bytes on `stream` (default stderr), drawn only when it is a terminal and
 * the job is at least {@link PROGRESS_THRESHOLD} bytes, redrawn at most every 100 ms; `null`
 * keeps it silent (`--json`). Returns the update function and a finisher that ends the line.
 */
export function progressBar(
  label: string,
  stream: NodeJS.WriteStream | null = process.stderr,
): { update(done: number, total: number): void; finish(): void } {
  let drawn = false;
  let last = 0;
  return {
    update(done, total) {
      if (!stream?.isTTY || total < PROGRESS_THRESHOLD) return;
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      const width = 30;
      const filled = Math.round((done / total) * width);
      stream.write(
        `\r${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${((100 * done) / total).toFixed(0).padStart(3)}% ${formatSize(done)}/${formatSize(total)}`,
      );
      drawn = true;
    },
    finish() {
      if (drawn) stream?.write('\n');
      drawn = false;
    },
  };
}
