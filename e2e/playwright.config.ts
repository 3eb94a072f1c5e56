import path from 'node:path';
import { defineConfig } from '@playwright/test';

/**
 * e2e (`npm run e2e`): the built React UI in Debian's Chromium against a real headless node
 * (`sota-miner serve`), started per test file by fixtures.ts. No browser is downloaded.
 */
export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  timeout: 120_000,
  workers: 1,
  retries: 0,
  reporter: process.env['CI']
    ? [
        ['list'],
        ['json', { outputFile: path.resolve(import.meta.dirname, '../.cache/e2e-results.json') }],
      ]
    : 'list',
  outputDir: '../.cache/e2e-output',
  use: {
    viewport: { width: 1280, height: 800 },
    launchOptions: {
      executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
