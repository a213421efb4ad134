import { defineConfig } from 'vitest/config';

/** Workspace packages resolve to their TypeScript sources in tests (`dist/` for users). */
const SOURCE = 'statekit-source';

export default defineConfig({
  resolve: { conditions: [SOURCE, 'module', 'node', 'import', 'default'] },
  ssr: { resolve: { conditions: [SOURCE, 'module', 'node', 'import', 'default'] } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'scripts/test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
  },
});
