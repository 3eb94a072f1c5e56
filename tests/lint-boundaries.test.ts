/**
 * Proves the layer rules in eslint.config.js: ESLint's Node API lints small snippets placed at
 * virtual paths inside each layer (the files need not exist) and we check what it reports.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const BOUNDARY_RULES = new Set([
  'no-restricted-imports',
  'no-restricted-globals',
  'no-restricted-syntax',
]);

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: root });
});

/** The boundary violations ESLint reports for `code` placed at `path` (relative to the repo). */
async function violations(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, path) });
  if (!result) throw new Error('ESLint returned no result');
  const fatal = result.messages.filter((m) => m.fatal);
  expect(fatal, `parse error in snippet for ${path}`).toEqual([]);
  return result.messages
    .filter((m) => m.ruleId && BOUNDARY_RULES.has(m.ruleId))
    .map((m) => m.ruleId!);
}

type Case = [code: string, forbidden: boolean];

function layer(name: string, path: string, cases: Case[]): void {
  describe(name, () => {
    it.each(cases)(`%s  (forbidden: %s)`, async (code, forbidden) => {
      const found = await violations(path, code);
      if (forbidden) expect(found.length, `expected a violation at ${path}`).toBeGreaterThan(0);
      else expect(found, `expected no violation at ${path}`).toEqual([]);
    });
  });
}

layer('shared/ imports nothing platform-specific', 'shared/algorithm/__probe__.ts', [
  ["import { readFileSync } from 'node:fs';", true],
  ["import fs from 'fs';", true],
  ["import { join } from 'path/posix';", true],
  ["import { Worker } from 'worker_threads';", true],
  ["import { app } from 'electron';", true],
  ["import { useState } from 'react';", true],
  ["import { createRoot } from 'react-dom/client';", true],
  ["import { x } from '../../src-main/dataset/cifar10';", true],
  ["import type { x } from '../../src-worker/eval/evaluate';", true],
  ["export * from '../../src-renderer/src/App';", true],
  ["export const f = () => import('node:fs');", true],
  ['export const env = process.env;', true],
  ['export const b = Buffer.from([1]);', true],
  ["import { sha256 } from '@noble/hashes/sha2.js';", false],
  ["import { Rng } from '../random/rng';", false],
  ["import type { Program } from './program';", false],
  ["export const f = () => import('./ops');", false],
]);

layer('shared/ tests may use Node, not the platform layers', 'shared/algorithm/probe.test.ts', [
  ["import { readFileSync } from 'node:fs';", false],
  ["import { describe } from 'vitest';", false],
  ["import { app } from 'electron';", true],
  ["import { x } from '../../src-main/dataset/cifar10';", true],
]);

layer('src-worker/ never imports electron, the shell or the UI', 'src-worker/eval/__probe__.ts', [
  ["import { app } from 'electron';", true],
  ["import { ipcMain } from 'electron/main';", true],
  ["import '../../src-main/electron/main';", true],
  ["import { App } from '../../src-renderer/src/App';", true],
  ["import { useState } from 'react';", true],
  ["import { parentPort } from 'node:worker_threads';", false],
  ["import { OPS } from '../../shared/algorithm/ops';", false],
  ["import { readCifar } from '../../src-main/dataset/cifar10';", false],
]);

layer('src-main/ (the node) runs without electron', 'src-main/cli/__probe__.ts', [
  ["import { app } from 'electron';", true],
  ["import '../electron/main';", true],
  ["import { CONTENT_SECURITY_POLICY } from '../electron/csp';", true],
  ["import { App } from '../../src-renderer/src/App';", true],
  ["import { readFile } from 'node:fs/promises';", false],
  ["import { readCifar } from '../dataset/cifar10';", false],
  ["import { evaluate } from '../../src-worker/eval/evaluate';", false],
  ["import { OPS } from '../../shared/algorithm/ops';", false],
]);

layer("src-main's services sit below the app layer (app/, cli/)", 'src-main/pool/__probe__.ts', [
  ["import { startServe } from '../app/headless-node';", true],
  ["import { readProgramFile } from '../cli/program-file';", true],
  ["import { app } from 'electron';", true],
  ["import { SubtensorClient } from '../chain/client';", false],
  ["import { loadSearchTasks } from '../dataset/tasks';", false],
]);

layer('services import only the services below them', 'src-main/chain/__probe__.ts', [
  ["import { ValidatorNode } from '../validator/validator';", true],
  ["import { SearchOrchestrator } from '../search/orchestrator';", true], // same layer
  ["import { getOkJson } from '../net/http-client';", false],
  ["import { createLogger } from '../log/logger';", false],
  ["import { loadTasks } from '../dataset/tasks';", false],
  ["import { x } from './metagraph';", false],
]);

layer('the lowest services import no other service', 'src-main/log/__probe__.ts', [
  ["import { openDatabase } from '../storage/sqlite';", true],
  ["import { loadKeypair } from '../wallet/keypair';", true],
  ["import { x } from '../../shared/protocol/track';", false],
]);

layer('the miner sits on the validator’s receipts', 'src-main/miner/__probe__.ts', [
  ["import { parseReceipt } from '../validator/receipts';", false],
  ["import { runBatch } from '../app/node-service';", true],
]);

describe('every folder of src-main has a place in the layers', () => {
  it('is a service of SERVICE_LAYERS, the app layer or the shell', async () => {
    // By URL: the config is plain JavaScript without type declarations.
    const config = pathToFileURL(join(root, 'eslint.config.js')).href;
    const { SERVICE_LAYERS } = (await import(config)) as { SERVICE_LAYERS: string[][] };
    const placed = new Set([...SERVICE_LAYERS.flat(), 'app', 'cli', 'electron']);
    const folders = readdirSync(join(root, 'src-main'), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
    expect(folders.filter((f) => !placed.has(f))).toEqual([]);
  });
});

layer('the app layer may use every service', 'src-main/app/__probe__.ts', [
  ["import { PoolClient } from '../pool/pool-client';", false],
  ["import { runCli } from '../cli/cli';", false],
  ["import { app } from 'electron';", true],
]);

layer('src-main/electron/ is the only place for electron', 'src-main/electron/__probe__.ts', [
  ["import { app, BrowserWindow } from 'electron';", false],
  ["import { CONTENT_SECURITY_POLICY } from './csp';", false],
  ["import { join } from 'node:path';", false],
  ["import { App } from '../../src-renderer/src/App';", true],
]);

layer('src-renderer/ never imports node code', 'src-renderer/src/__probe__.tsx', [
  ["import { readFileSync } from 'node:fs';", true],
  ["import path from 'path';", true],
  ["import { ipcRenderer } from 'electron';", true],
  ["import { readCifar } from '../../src-main/dataset/cifar10';", true],
  ["import { CONTENT_SECURITY_POLICY } from '../../src-main/electron/csp';", true],
  ["import { api } from '../../src-main/electron/preload';", true],
  ["import { evaluate } from '../../src-worker/eval/evaluate';", true],
  ["export const f = () => import('node:fs');", true],
  ['export const p = process.platform;', true],
  ["const fs = require('fs'); export { fs };", true],
  ["import type { PreloadApi } from '../../src-main/electron/preload';", false],
  ["import { useState } from 'react';", false],
  ["import type { Program } from '../../shared/algorithm/program';", false],
  ["export const Page = () => import('./Page');", false],
]);

layer('tooling (scripts/, tests/) may use Node but not electron', 'scripts/__probe__.ts', [
  ["import { app } from 'electron';", true],
  ["import { readFileSync } from 'node:fs';", false],
  ["import { evaluate } from '../src-worker/eval/evaluate';", false],
]);
