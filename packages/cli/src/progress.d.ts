/** Conversions at least this large show a progress bar (when stderr is a terminal). */
export declare const PROGRESS_THRESHOLD: number;
/**
 * A progress bar on stderr, drawn only when stderr is a terminal and the job is at least
 * {@link PROGRESS_THRESHOLD} bytes. Returns the update function and a finisher.
 */
export declare function progressBar(
  label: string,
  stream?: NodeJS.WriteStream,
): {
  update(done: number, total: number): void;
  finish(): void;
};
//# sourceMappingURL=progress.d.ts.map
