import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { DASHBOARD_URL_FILE } from './dashboard-url';
import { startServe } from './headless-node';

describe('sota-miner serve', () => {
  it('puts the address with its token in a file, never in its output, and the file works', async () => {
    const home = mkdtempSync(path.join(tmpdir(), 'sota-serve-'));
    const uiDir = path.join(home, 'ui');
    mkdirSync(uiDir);
    writeFileSync(path.join(uiDir, 'index.html'), '<!doctype html><title>ui</title>');
    const dataDir = path.join(home, 'data');
    const output: string[] = [];
    const node = await startServe({ port: 0, dataDir, uiDir, interactive: false }, (l) =>
      output.push(l),
    );
    try {
      const file = path.join(dataDir, DASHBOARD_URL_FILE);
      expect(node.urlFile).toBe(file);
      const url = readFileSync(file, 'utf8').trim();
      expect(url).toBe(node.bridge.url);
      if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
      const token = new URL(url).searchParams.get('token')!;
      expect(token.length).toBeGreaterThan(20);
      // The output (the node's log stream) names the file and never holds the token.
      expect(output).toContain(`dashboard: open the URL in ${file} (readable only by you)`);
      expect(output.join('\n')).not.toContain(token);
      // The address from the file opens the page and the bridge.
      expect((await fetch(url)).status).toBe(200);
      const ws = new WebSocket(`ws://${new URL(url).host}/bridge?token=${token}`);
      await new Promise((resolve, reject) => {
        ws.once('open', resolve);
        ws.once('error', reject);
      });
      ws.close();
    } finally {
      await node.stop();
    }
  });
});
