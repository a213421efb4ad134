/** Where commands print; injectable so tests can capture output. */
export interface Output {
  stdout(line: string): void;
  stderr(line: string): void;
}
/** Prints to the process streams. */
export declare const processOutput: Output;
//# sourceMappingURL=output.d.ts.map
