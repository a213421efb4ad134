/** @statekit/cli as a library: run the `statekit` command in-process. */
export { run, USAGE } from './cli.js';
export type { Output } from './output.js';
