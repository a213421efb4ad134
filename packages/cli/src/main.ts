#!/usr/bin/env node
import { removePendingTemporaries } from '@statekit/core/node';
import { run } from './cli.js';

// Stay quiet when the reader of our output goes away (`statekit ls big.npz | head`).
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

// Ctrl-C or a kill mid-conversion: remove the temporary output before going, then exit as a
// process killed by that signal would be reported by a shell (128 + its number).
for (const [signal, number] of [
  ['SIGINT', 2],
  ['SIGTERM', 15],
  ['SIGHUP', 1],
] as const) {
  process.on(signal, () => {
    removePendingTemporaries();
    process.stderr.write(`\nstatekit: stopped by ${signal}; no partial output is left\n`);
    process.exit(128 + number);
  });
}

// Under `pnpm statekit` the script runs in the repository root; paths are the caller's.
if (process.env.npm_lifecycle_event === 'statekit' && process.env.INIT_CWD) {
  process.chdir(process.env.INIT_CWD);
}

process.exitCode = await run(process.argv.slice(2));
