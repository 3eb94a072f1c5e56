import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { NodeFrame } from '../../shared/ipc/contract';
import { LogBuffer } from '../log/log-buffer';
import { createLogger, type Logger } from '../log/logger';
import { Keystore } from '../wallet/keystore';
import { PassphraseProtector } from '../wallet/protector';
import { Secret } from '../wallet/secret';
import { NodeService } from './node-service';
import {
  FAILED_TOKENS_PER_MINUTE,
  UNAUTHORIZED_CLOSE,
  startBridge,
  type BridgeOptions,
  type RunningBridge,
} from './ws-bridge';

const DEV_MNEMONIC = 'bottom drive obey lake curtain smoke basket hold race lonely fit walk';
const DEV_ADDRESS = '5DfhGyQdFobKM8NsWvEeAKk5EQQgYe9AydgJ7rMB6E1EqRzV';
/** A call frame whose answer carries DEV_ADDRESS (and whose argument is a secret). */
const PREVIEW_CALL = JSON.stringify({
  t: 'call',
  id: 1,
  command: 'wallet.preview',
  args: { secret: DEV_MNEMONIC },
});

/** A headless node service over `dir`, its keys behind a test passphrase (cheap KDF settings). */
function testService(dir: string, log: Logger, logs: LogBuffer): NodeService {
  return new NodeService({
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
}

/** A node service and a bridge in front of it, with the log lines it wrote (parsed). */
async function startTestBridge(extra: Partial<BridgeOptions> = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'sota-bridge-'));
  const uiDir = path.join(dir, 'ui');
  mkdirSync(uiDir);
  writeFileSync(path.join(uiDir, 'index.html'), '<!doctype html><title>ui</title>');
  const logs = new LogBuffer();
  const lines: Record<string, unknown>[] = [];
  const log = createLogger(
    {
      format: 'json',
      write: (l) => {
        lines.push(JSON.parse(l) as Record<string, unknown>);
        logs.push(l);
      },
    },
    'node',
  );
  const service = testService(dir, log, logs);
  const bridge = await startBridge({
    service,
    logs,
    log,
    uiDir,
    port: 0,
    token: 'test-token',
    ...extra,
  });
  return {
    bridge,
    lines,
    /** Refusals logged for `reason` (and `source`, when given). */
    refusals: (reason: string, source?: string) =>
      lines.filter(
        (l) =>
          l['msg'] === 'bridge request refused' &&
          l['reason'] === reason &&
          (source === undefined || l['source'] === source),
      ),
    close: async () => {
      await bridge.close();
      await service.close();
    },
  };
}

interface Attempt {
  /** Where the request comes from (a 127.0.0.0/8 address: each is its own source). */
  readonly from?: string;
  /** The Host header; default the bridge's own 127.0.0.1:port. */
  readonly host?: string;
  readonly origin?: string;
  readonly token?: string;
}

type Outcome =
  | { readonly kind: 'answers' }
  | { readonly kind: 'closed'; readonly code: number }
  | { readonly kind: 'status'; readonly status: number; readonly retryAfter?: string };

/** Opens the bridge's socket and asks it one command: what became of it. */
function tryBridge(bridge: RunningBridge, a: Attempt = {}): Promise<Outcome> {
  const ws = new WebSocket(
    `ws://127.0.0.1:${bridge.port}/bridge?token=${a.token ?? 'test-token'}`,
    {
      ...(a.host !== undefined ? { headers: { host: a.host } } : {}),
      ...(a.origin !== undefined ? { origin: a.origin } : {}),
      ...(a.from !== undefined ? { localAddress: a.from } : {}),
    },
  );
  return new Promise<Outcome>((resolve, reject) => {
    ws.once('unexpected-response', (req, res) => {
      const retryAfter = res.headers['retry-after'];
      resolve({
        kind: 'status',
        status: res.statusCode ?? 0,
        ...(retryAfter ? { retryAfter } : {}),
      });
      req.destroy();
    });
    ws.once('open', () => ws.send(PREVIEW_CALL));
    ws.on('message', (d) => {
      const f = JSON.parse(String(d)) as NodeFrame;
      if (f.t === 'result' && f.id === 1) {
        expect(f.result).toEqual({ address: DEV_ADDRESS });
        resolve({ kind: 'answers' });
        ws.close();
      }
    });
    ws.once('close', (code) => resolve({ kind: 'closed', code }));
    ws.once('error', (err) => {
      if (!/Unexpected server response/.test(String(err))) reject(err);
    });
  });
}

/** A plain HTTP GET with a chosen Host, Origin and source address. */
function get(bridge: RunningBridge, a: Attempt & { path?: string } = {}): Promise<number> {
  return new Promise<number>((resolve, reject) =>
    request(
      {
        host: '127.0.0.1',
        port: bridge.port,
        path: a.path ?? '/',
        ...(a.from !== undefined ? { localAddress: a.from } : {}),
        headers: {
          ...(a.host !== undefined ? { host: a.host } : {}),
          ...(a.origin !== undefined ? { origin: a.origin } : {}),
        },
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    )
      .on('error', reject)
      .end(),
  );
}

const ANSWERS: Outcome = { kind: 'answers' };
const UNAUTHORIZED: Outcome = { kind: 'closed', code: UNAUTHORIZED_CLOSE };
const FORBIDDEN: Outcome = { kind: 'status', status: 403 };

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
    service = testService(dir, log, logs);
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
    ws.send(PREVIEW_CALL);
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

describe('the bridge answers only its own loopback pages', () => {
  let t: Awaited<ReturnType<typeof startTestBridge>>;
  beforeAll(async () => {
    t = await startTestBridge();
  });
  afterAll(() => t.close());
  const own = () => `127.0.0.1:${t.bridge.port}`;

  it('refuses a DNS-rebinding page (a foreign name in Host and Origin) even with the token', async () => {
    const from = '127.0.0.11';
    const rebound = `attacker.example:${t.bridge.port}`;
    // The attack: a page at http://attacker.example:<port> whose name now resolves to 127.0.0.1.
    // Its Origin agrees with its Host, which passed the old check; it has the token (worst case).
    expect(await tryBridge(t.bridge, { from, host: rebound, origin: `http://${rebound}` })).toEqual(
      FORBIDDEN,
    );
    expect(await get(t.bridge, { from, host: rebound })).toBe(403);
    // Logged once, with its reason and the Host it named.
    expect(t.refusals('host is not this loopback address and port', from)).toEqual([
      expect.objectContaining({ level: 'warn', host: rebound }),
    ]);
    // The node still answers its own page and socket, from the same source too.
    expect(await get(t.bridge, { from })).toBe(200);
    expect(await tryBridge(t.bridge, { from })).toEqual(ANSWERS);
    expect(await tryBridge(t.bridge, { from, origin: `http://${own()}` })).toEqual(ANSWERS);
  });

  it('refuses every Host that is not a loopback name or address with its port', async () => {
    const p = t.bridge.port;
    const from = '127.0.0.12';
    for (const host of [
      `localhost.attacker.example:${p}`,
      `127.0.0.1.nip.io:${p}`,
      `evil.localhost:${p}`,
      `10.0.0.1:${p}`,
      `0.0.0.0:${p}`,
      `127.0.0.1:${p === 65535 ? 1 : p + 1}`,
      '127.0.0.1',
      `127.0.0.1:${p}/x`,
    ]) {
      expect(await get(t.bridge, { from, host }), host).toBe(403);
      expect(await tryBridge(t.bridge, { from, host }), host).toEqual(FORBIDDEN);
    }
    // No Host at all (HTTP/1.0; HTTP/1.1 without one is refused by Node itself).
    const noHost = await new Promise<string>((resolve, reject) => {
      const c = connect({ host: '127.0.0.1', port: p, localAddress: from });
      let got = '';
      c.on('data', (d) => (got += String(d)));
      c.on('end', () => resolve(got));
      c.on('error', reject);
      c.end('GET / HTTP/1.0\r\n\r\n');
    });
    expect(noHost).toMatch(/^HTTP\/1\.1 403 /);
    // Seventeen refusals, one log line (the rest are counted in the next one, a minute later).
    expect(t.refusals('host is not this loopback address and port', from)).toHaveLength(1);
    // Every loopback spelling with the right port is this node.
    for (const host of [
      `localhost:${p}`,
      `LOCALHOST:${p}`,
      `127.0.0.1:${p}`,
      `127.9.8.7:${p}`,
      `[::1]:${p}`,
    ]) {
      expect(await get(t.bridge, { from, host }), host).toBe(200);
      expect(
        await tryBridge(t.bridge, { from, host, origin: `http://${host.toLowerCase()}` }),
        host,
      ).toEqual(ANSWERS);
    }
  });

  it('logs a refused Host cut short, never all of it', async () => {
    const from = '127.0.0.13';
    const long = `${'a'.repeat(4000)}.example:${t.bridge.port}`;
    expect(await get(t.bridge, { from, host: long })).toBe(403);
    const [line] = t.refusals('host is not this loopback address and port', from);
    expect(String(line?.['host'])).toBe(`${'a'.repeat(80)}… (${long.length} chars)`);
    expect(JSON.stringify(t.lines).length).toBeLessThan(long.length);
    expect(await get(t.bridge, { from })).toBe(200);
  });

  it('refuses an Origin other than its own page, and keeps serving', async () => {
    const from = '127.0.0.14';
    const p = t.bridge.port;
    for (const origin of [
      'http://evil.example',
      `http://attacker.example:${p}`,
      'null',
      `https://127.0.0.1:${p}`,
      // Loopback, but not the page that Host names: another local site.
      `http://localhost:${p}`,
      `http://127.0.0.1:${p + 1}`,
    ]) {
      expect(await tryBridge(t.bridge, { from, origin }), origin).toEqual(FORBIDDEN);
      expect(await get(t.bridge, { from, origin }), origin).toBe(403);
    }
    expect(t.refusals('origin is not this dashboard', from)).toEqual([
      expect.objectContaining({ level: 'warn', origin: 'http://evil.example' }),
    ]);
    expect(await tryBridge(t.bridge, { from, origin: `http://${own()}` })).toEqual(ANSWERS);
    expect(await get(t.bridge, { from, origin: `http://${own()}` })).toBe(200);
  });
});

describe('wrong tokens are rate-limited per source address', () => {
  let t: Awaited<ReturnType<typeof startTestBridge>>;
  let clock = 1_760_000_000_000;
  beforeAll(async () => {
    t = await startTestBridge({ now: () => clock });
  });
  afterAll(() => t.close());

  it(`answers 429 after ${FAILED_TOKENS_PER_MINUTE} a minute, without looking at the token, and only to that source`, async () => {
    const guesser = '127.0.0.2';
    // A tab this source opened with the right token before the guessing began.
    const open = new WebSocket(`ws://127.0.0.1:${t.bridge.port}/bridge?token=test-token`, {
      localAddress: guesser,
    });
    const answered: NodeFrame[] = [];
    open.on('message', (d) => answered.push(JSON.parse(String(d)) as NodeFrame));
    await new Promise((r) => open.once('open', r));

    for (let i = 0; i < FAILED_TOKENS_PER_MINUTE; i++)
      expect(await tryBridge(t.bridge, { from: guesser, token: `guess-${i}` })).toEqual(
        UNAUTHORIZED,
      );
    // Now refused before the token is read: the right one gets 429 as well.
    expect(await tryBridge(t.bridge, { from: guesser })).toEqual({
      kind: 'status',
      status: 429,
      retryAfter: '6',
    });
    for (let i = 0; i < 3; i++)
      expect(await tryBridge(t.bridge, { from: guesser, token: `more-${i}` })).toMatchObject({
        status: 429,
      });
    // Logged once per window, not per attempt: one line for the wrong tokens, one for the 429s.
    expect(t.refusals('wrong or missing token', guesser)).toHaveLength(1);
    expect(t.refusals('too many wrong tokens', guesser)).toEqual([
      expect.objectContaining({ level: 'warn', allowedPerMinute: 10, retryAfterSeconds: 6 }),
    ]);
    expect(JSON.stringify(t.lines)).not.toContain('test-token');
    expect(JSON.stringify(t.lines)).not.toContain('guess-');

    // Other sources are untouched: the right token works, a wrong one is only a wrong one.
    expect(await tryBridge(t.bridge, { from: '127.0.0.1' })).toEqual(ANSWERS);
    expect(await tryBridge(t.bridge, { from: '127.0.0.3', token: 'typo' })).toEqual(UNAUTHORIZED);
    // The limited source still gets its page, and its open socket still answers.
    expect(await get(t.bridge, { from: guesser })).toBe(200);
    open.send(
      JSON.stringify({
        t: 'call',
        id: 7,
        command: 'wallet.preview',
        args: { secret: DEV_MNEMONIC },
      }),
    );
    await until(() => answered.some((f) => f.t === 'result' && f.id === 7));
    open.close();

    // Six seconds later one attempt has come back: the right token gets in, and costs nothing.
    clock += 6_000;
    expect(await tryBridge(t.bridge, { from: guesser })).toEqual(ANSWERS);
    expect(await tryBridge(t.bridge, { from: guesser })).toEqual(ANSWERS);
    expect(await tryBridge(t.bridge, { from: guesser, token: 'again' })).toEqual(UNAUTHORIZED);
    expect(await tryBridge(t.bridge, { from: guesser })).toMatchObject({ status: 429 });
    expect(t.refusals('too many wrong tokens', guesser)).toHaveLength(1);

    // A minute on, the allowance is whole again, and the next refusals are logged again with a
    // count of those that were not.
    clock += 60_000;
    for (let i = 0; i < FAILED_TOKENS_PER_MINUTE; i++)
      expect(await tryBridge(t.bridge, { from: guesser, token: `late-${i}` })).toEqual(
        UNAUTHORIZED,
      );
    expect(await tryBridge(t.bridge, { from: guesser })).toMatchObject({ status: 429 });
    expect(t.refusals('wrong or missing token', guesser).at(-1)).toMatchObject({
      notLoggedSinceLastLine: 10,
    });
    expect(t.refusals('too many wrong tokens', guesser)).toHaveLength(2);
    expect(t.refusals('too many wrong tokens', guesser).at(-1)).toMatchObject({
      notLoggedSinceLastLine: 4,
    });
  });
});

/** Polls `ok` for up to 5 s. */
async function until(ok: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !ok(); i++) await new Promise((r) => setTimeout(r, 50));
  expect(ok()).toBe(true);
}
