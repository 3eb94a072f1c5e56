import { defineConfig } from 'vitest/config';

/**
 * Integration tests (`npm run test:chain`): the real Subtensor runtime under chopsticks and the
 * slow wallet crypto (btcli's 512 MiB Argon2i). Kept out of the unit run (vitest.config.ts).
 */
const ci = Boolean(process.env['CI']);

export default defineConfig({
  test: {
    include: ['src-main/**/*.{chain,integration}.test.ts'],
    exclude: ['**/node_modules/**', 'out/**', 'release/**'],
    environment: 'node',
    testTimeout: 180_000,
    hookTimeout: 180_000,
    // One chopsticks instance is ~300 MB and a busy core: run files one after another.
    fileParallelism: false,
    reporters: ci ? ['default', 'json'] : ['default'],
    outputFile: { json: '.cache/vitest-chain-results.json' },
  },
});
