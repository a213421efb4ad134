#!/usr/bin/env node
import { run } from './cli.js';

// Stay quiet when the reader of our output goes away (`statekit ls big.npz | head`).
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

// Under `pnpm statekit` the script runs in the repository root; paths are the caller's.
if (process.env.npm_lifecycle_event === 'statekit' && process.env.INIT_CWD) {
  process.chdir(process.env.INIT_CWD);
}

process.exitCode = await run(process.argv.slice(2));
