/** Prints to the process streams. */
export const processOutput = {
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
};
//# sourceMappingURL=output.js.map
