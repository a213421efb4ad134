import { defineConfig } from 'vitest/config';

/** `pnpm test:large`: multi-GiB checks, run by hand (minutes, several GiB of disk). */
export default defineConfig({
  resolve: { conditions: ['statekit-source', 'module', 'node', 'import', 'default'] },
  ssr: { resolve: { conditions: ['statekit-source', 'module', 'node', 'import', 'default'] } },
  test: {
    include: ['packages/*/test/**/*.large.ts'],
    pool: 'forks',
    testTimeout: 600_000,
    hookTimeout: 600_000,
  },
});
