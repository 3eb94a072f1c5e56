import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { NodeFrame } from '../../shared/ipc/contract';
import { LogBuffer } from '../log/log-buffer';
import { createLogger } from '../log/logger';
import { Keystore } from '../wallet/keystore';
import { PassphraseProtector } from '../wallet/protector';
import { Secret } from '../wallet/secret';
import { NodeService } from './node-service';
import { UNAUTHORIZED_CLOSE, startBridge, type RunningBridge } from './ws-bridge';

const DEV_MNEMONIC = 'bottom drive obey lake curtain smoke basket hold race lonely fit walk';

describe('the WebSocket bridge', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sota-bridge-'));
  const uiDir = path.join(dir, 'ui');
  const logs = new LogBuffer();
  const log = createLogger({ format: 'json', write: (l) => logs.push(l) }, 'node');
  let bridge: RunningBridge;
  let service: NodeService;

  beforeAll(async () => {
    mkdirSync(uiDir);
    writeFileSync(path.join(uiDir, 'index.html'), '<!doctype html><title>ui</title>');
    service = new NodeService({
      shell: 'headless',
      dataDir: dir,
      log,
      recentLogs: (n) => logs.recent(n),
      openKeystore: () =>
        Keystore.open(
          path.join(dir, 'keystore.json'),
          new PassphraseProtector(new Secret('a test passphrase'), { t: 1, m: 8 * 1024 }),
        ),
    });
    bridge = await startBridge({ service, logs, log, uiDir, port: 0, token: 'test-token' });
  });
  afterAll(async () => {
    await bridge.close();
    await service.close();
  });

  const connect = (token: string, origin?: string) => {
    const u = new URL(bridge.url);
    return new WebSocket(`ws://${u.host}/bridge?token=${token}`, origin ? { origin } : {});
  };
  const frames = (ws: WebSocket) => {
    const got: NodeFrame[] = [];
    ws.on('message', (d) => got.push(JSON.parse(String(d)) as NodeFrame));
    return got;
  };
  const until = async (ok: () => boolean) => {
    for (let i = 0; i < 100 && !ok(); i++) await new Promise((r) => setTimeout(r, 50));
    expect(ok()).toBe(true);
  };

  it('serves the UI with a content security policy, and only from its folder', async () => {
    const res = await fetch(bridge.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await res.text()).toContain('<title>ui</title>');
    const escape = await fetch(new URL('/..%2f..%2fetc/passwd', bridge.url));
    expect(await escape.text()).toContain('<title>ui</title>');
    // A malformed path is refused, and the node keeps serving.
    const { request } = await import('node:http');
    const u = new URL(bridge.url);
    const status = await new Promise<number>((resolve, reject) =>
      request({ host: u.hostname, port: u.port, path: '/%E0' }, (r) => resolve(r.statusCode ?? 0))
        .on('error', reject)
        .end(),
    );
    expect(status).toBe(400);
    expect((await fetch(bridge.url)).status).toBe(200);
  });

  it('runs commands and pushes events for a client with the token', async () => {
    const ws = connect('test-token');
    const got = frames(ws);
    await new Promise((r) => ws.once('open', r));
    ws.send(
      JSON.stringify({
        t: 'call',
        id: 1,
        command: 'wallet.preview',
        args: { secret: DEV_MNEMONIC },
      }),
    );
    ws.send(
      JSON.stringify({ t: 'call', id: 2, command: 'wallet.preview', args: { secret: 'one two' } }),
    );
    ws.send(JSON.stringify({ t: 'call', id: 3, command: 'no.such', args: {} }));
    ws.send('not json');
    ws.send(
      JSON.stringify({
        t: 'call',
        id: 4,
        command: 'wallet.import',
        args: { name: 'main', secret: DEV_MNEMONIC },
      }),
    );
    await until(() => got.filter((f) => f.t !== 'event').length === 4);
    const byId = (id: number) => got.find((f) => f.t !== 'event' && f.id === id);
    expect(byId(1)).toEqual({
      t: 'result',
      id: 1,
      result: { address: '5DfhGyQdFobKM8NsWvEeAKk5EQQgYe9AydgJ7rMB6E1EqRzV' },
    });
    expect(byId(2)).toMatchObject({ t: 'error', id: 2 });
    expect(byId(3)).toMatchObject({ t: 'error', error: { code: 'UNKNOWN_COMMAND' } });
    expect(byId(4)).toMatchObject({ t: 'result', result: { name: 'main' } });
    // The import was logged (as an event to the client too) without the secret.
    await until(() => got.some((f) => f.t === 'event' && f.event === 'log'));
    expect(JSON.stringify(got)).not.toContain('curtain smoke');
    expect(JSON.stringify(logs.recent(100))).not.toContain('curtain smoke');
    ws.close();
  });

  it('closes sockets with a wrong token and refuses foreign origins', async () => {
    const wrong = connect('nope');
    const code = await new Promise<number>((r) => wrong.once('close', (c) => r(c)));
    expect(code).toBe(UNAUTHORIZED_CLOSE);
    const foreign = connect('test-token', 'http://evil.example');
    const failed = await new Promise<boolean>((r) => {
      foreign.once('open', () => r(false));
      foreign.once('error', () => r(true));
    });
    expect(failed).toBe(true);
  });
});
