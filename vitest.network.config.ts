import { defineConfig } from 'vitest/config';

/**
 * The local-network tests (`npm run test:network`): the real Subtensor runtime under chopsticks,
 * validators and miners as separate processes of the CLI. Minutes long; one file at a time.
 */
const ci = Boolean(process.env['CI']);

export default defineConfig({
  test: {
    include: ['tests/network/**/*.network.test.ts'],
    environment: 'node',
    testTimeout: 300_000,
    hookTimeout: 300_000,
    fileParallelism: false,
    reporters: ci ? ['default', 'json'] : ['default'],
    outputFile: { json: '.cache/vitest-network-results.json' },
  },
});
