/** Where commands print; injectable so tests can capture output. */
export interface Output {
  stdout(line: string): void;
  stderr(line: string): void;
}

/** Prints to the process streams. */
export const processOutput: Output = {
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
};
