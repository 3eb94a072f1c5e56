/**
 * NodeService commands added for the desktop UI: btcli wallets, the dataset download with its
 * progress, start at login and updates. Real files, a real keystore and a real HTTP download on
 * loopback; the desktop integration (Electron's login items and update feed, which need the
 * Electron binary) is a recording stand-in, named so.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tar from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChainStatus, DatasetStatus, UpdateStatus } from '../../shared/ipc/contract';
import { CIFAR_FILES } from '../dataset/cifar10';
import { createLogger } from '../log/logger';
import type { FeedState, UpdateFeed } from '../update/update-gate';
import { btcliKeyfileJson, writeBtcliWallet } from '../../tests/support/btcli-fixture';
import { openHeadlessKeystore, secretsStored } from '../wallet/headless';
import { Keystore } from '../wallet/keystore';
import { PassphraseProtector } from '../wallet/protector';
import { Secret } from '../wallet/secret';
import { NodeService, type NodeServiceOptions } from './node-service';

const DEV_MNEMONIC = 'bottom drive obey lake curtain smoke basket hold race lonely fit walk';

let dir: string;
const lines: string[] = [];

function service(extra: Partial<NodeServiceOptions> = {}): NodeService {
  return new NodeService({
    shell: 'headless',
    dataDir: path.join(dir, `data-${Math.random().toString(36).slice(2)}`),
    log: createLogger({ format: 'json', write: (l) => lines.push(l) }, 'node'),
    recentLogs: () => [],
    openKeystore: () =>
      Keystore.open(
        path.join(dir, `keystore-${Math.random().toString(36).slice(2)}.json`),
        new PassphraseProtector(new Secret('a test passphrase'), { t: 1, m: 8 * 1024 }),
      ),
    // Not the machine's shared copy of CIFAR-10: these tests download their own.
    datasetLookup: { projectRoot: dir, env: {} },
    ...extra,
  });
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sota-node-service-'));
});

describe('btcli wallets', () => {
  it('lists hotkeys with their addresses and imports one without the secret leaving the node', async () => {
    const root = path.join(dir, 'wallets');
    const hot = await btcliKeyfileJson(DEV_MNEMONIC);
    await writeBtcliWallet({
      root,
      wallet: 'miner',
      hotkeys: { default: hot, broken: { ss58Address: 'x' } },
      coldkeyPub: hot,
    });
    const node = service({ btcliRoot: root });
    const list = await node.call('wallet.btcli.list', undefined);
    expect(list).toEqual([
      {
        wallet: 'miner',
        coldkeyAddress: hot['ss58Address'],
        hotkeys: [
          { name: 'broken', address: null, problem: expect.any(String) as string },
          { name: 'default', address: hot['ss58Address'], problem: null },
        ],
      },
    ]);
    expect(JSON.stringify(list)).not.toContain('bottom drive');
    const view = await node.call('wallet.btcli.import', {
      wallet: 'miner',
      hotkey: 'default',
      name: 'miner-default',
    });
    expect(view).toEqual({
      name: 'miner-default',
      address: hot['ss58Address'],
      source: 'btcli-hotkey',
    });
    await expect(
      node.call('wallet.btcli.import', { wallet: '..', hotkey: 'default', name: 'x' }),
    ).rejects.toThrow(/Invalid wallet name/);
    expect(lines.join('\n')).not.toContain('bottom drive');
  });

  it('lists nothing when there is no btcli folder', async () => {
    const node = service({ btcliRoot: path.join(dir, 'no-such-folder') });
    expect(await node.call('wallet.btcli.list', undefined)).toEqual([]);
  });
});

describe('the dataset download', () => {
  let server: http.Server;
  let base = '';
  const md5: Record<string, string> = {};

  beforeAll(async () => {
    // A small archive laid out like the official one (six .bin files under cifar-10-batches-bin).
    const src = path.join(dir, 'archive-src');
    await mkdir(path.join(src, 'cifar-10-batches-bin'), { recursive: true });
    for (const [i, f] of CIFAR_FILES.entries()) {
      const bytes = Buffer.alloc(3073 * 20, i + 1);
      await writeFile(path.join(src, 'cifar-10-batches-bin', f), bytes);
      md5[f] = createHash('md5').update(bytes).digest('hex');
    }
    const tgz = path.join(dir, 'cifar.tgz');
    await tar.c({ gzip: true, file: tgz, cwd: src, portable: true }, ['cifar-10-batches-bin']);
    const archive = await readFile(tgz);
    server = http.createServer((req, res) => {
      if (req.url !== '/cifar.tgz') return void res.writeHead(404).end();
      res.writeHead(200, { 'content-length': archive.length });
      res.end(archive);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('downloads into the data folder and reports each phase until ready', async () => {
    const node = service({ datasetSource: { url: `${base}/cifar.tgz`, md5 } });
    expect(await node.call('dataset.status', undefined)).toMatchObject({ state: 'missing' });
    const events: DatasetStatus[] = [];
    node.on('dataset.status', (s) => events.push(s));
    const started = (await node.call('dataset.download', undefined)) as DatasetStatus;
    expect(started.state).toBe('downloading');
    await expect.poll(() => events.at(-1)?.state, { timeout: 10_000 }).toBe('ready');
    const phases = new Set(events.map((e) => e.phase).filter(Boolean));
    expect([...phases]).toEqual(['download', 'extract', 'verify']);
    const downloading = events.filter((e) => e.phase === 'download');
    expect(downloading.at(-1)!.receivedBytes).toBe(downloading.at(-1)!.totalBytes);
    const ready = (await node.call('dataset.status', undefined)) as DatasetStatus;
    expect(ready.state).toBe('ready');
    expect(ready.dir).toMatch(/datasets[/\\]cifar-10-batches-bin$/);
    expect((await node.call('node.info', undefined)) as { datasetReady: boolean }).toMatchObject({
      datasetReady: true,
    });
  });

  it('reports a failed download as an error that can be retried', async () => {
    const node = service({ datasetSource: { url: `${base}/missing.tgz`, md5 } });
    const events: DatasetStatus[] = [];
    node.on('dataset.status', (s) => events.push(s));
    await node.call('dataset.download', undefined);
    await expect.poll(() => events.at(-1)?.state, { timeout: 10_000 }).toBe('error');
    expect(events.at(-1)!.error).toMatch(/404/);
    expect(await node.call('dataset.status', undefined)).toMatchObject({ state: 'error' });
  });
});

describe('network settings', () => {
  it('are checked, saved in the data folder and found again after a restart', async () => {
    const dataDir = path.join(dir, 'settings-node');
    const node = service({ dataDir });
    await expect(node.call('settings.set', { network: 'mainnet' })).rejects.toThrow(
      /neither a network \(finney, test, local\) nor a ws:\/\/ or wss:\/\/ URL/,
    );
    await expect(node.call('settings.set', { netuid: 0 })).rejects.toThrow(/1 to 65535/);
    expect(await node.call('settings.set', { network: 'local', netuid: 7 })).toMatchObject({
      network: 'local',
      netuid: 7,
    });
    const again = service({ dataDir });
    expect(await again.call('node.info', undefined)).toMatchObject({ network: 'local', netuid: 7 });
    expect(await again.call('settings.set', { network: null })).toMatchObject({
      network: null,
      netuid: 7,
    });
  });
});

describe('malformed calls', () => {
  it('are refused before any handler runs, naming the field, and the node goes on', async () => {
    const node = service();
    const refused = async (command: string, args: unknown) => {
      const err = (await node.call(command, args).catch((e: unknown) => e)) as {
        code: string;
        message: string;
      };
      expect(err.code).toBe('BAD_ARGUMENT');
      return err.message;
    };
    expect(await refused('mining.start', { mode: 'solo', threads: 'two' })).toMatch(
      /^mining\.start: threads: /,
    );
    expect(await refused('mining.start', { mode: 'turbo', threads: 1 })).toMatch(/mode/);
    expect(await refused('wallet.import', { name: 'k', secret: 42 })).toMatch(/secret/);
    expect(await refused('wallet.import', { name: 'k', secret: 'x'.repeat(5000) })).toMatch(
      /secret/,
    );
    expect(await refused('logs.recent', { limit: 1e9 })).toMatch(/limit/);
    expect(await refused('settings.set', { network: 'local', admin: true })).toMatch(/admin/);
    expect(await refused('wallet.import', null)).toMatch(/wallet\.import/);
    // Well formed, but nothing runs: a sentence, not a crash.
    await expect(node.call('mining.threads', { threads: 1 })).rejects.toMatchObject({
      code: 'NOT_RUNNING',
    });
    expect(await refused('mining.start', { mode: 'solo', threads: 1, track: 'Bad Id!' })).toMatch(
      /track/,
    );
    await expect(
      node.call('mining.start', { mode: 'solo', threads: 1, track: 'mnist-v1' }),
    ).rejects.toMatchObject({
      code: 'BAD_TRACK',
      message: expect.stringContaining(
        'There is no track called mnist-v1: choose one of cifar10-binary-v1, regression-relu-teacher-v1',
      ),
    });
    // The node still answers a good call, and logged no argument of the bad ones.
    expect(await node.call('mining.status', undefined)).toMatchObject({ state: 'idle' });
    expect(lines.join('\n')).not.toContain('x'.repeat(100));
  });
});

describe("the Wallet's questions to the chain", () => {
  it('need a network, a key that can pay and a confirmed amount, each said in a sentence', async () => {
    const none = service();
    await expect(
      none.call('wallet.registerQuote', { hotkey: 'x', payer: 'cold' }),
    ).rejects.toMatchObject({ code: 'NO_NETWORK', message: expect.stringMatching(/Settings/) });

    const node = service();
    await node.call('settings.set', { network: 'ws://127.0.0.1:9', netuid: 3 });
    await node.call('wallet.import', { name: 'cold', secret: DEV_MNEMONIC });
    const { address: watched } = (await node.call('wallet.preview', {
      secret: 'legal winner thank year wave sausage worth useful legal winner thank yellow',
    })) as { address: string };
    await node.call('wallet.watch', { name: 'watched', address: watched });
    await expect(
      node.call('wallet.registerQuote', { hotkey: watched, payer: 'watched' }),
    ).rejects.toMatchObject({ code: 'WATCH_ONLY', message: expect.stringMatching(/cannot pay/) });
    await expect(
      node.call('wallet.registerQuote', { hotkey: 'x', payer: 'nobody' }),
    ).rejects.toMatchObject({
      code: 'NO_KEY',
      message: 'There is no key called "nobody" on this node.',
    });
    await expect(
      node.call('wallet.register', { hotkey: 'x', payer: 'cold', maxBurnRao: '1 TAO' }),
    ).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
  });

  it('fail within the time limit with a sentence when the chain does not answer', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const node = service({ chainTimeoutMs: 1500 });
    await node.call('settings.set', { network: `ws://127.0.0.1:${port}`, netuid: 3 });
    const started = Date.now();
    await expect(node.call('wallet.chain', undefined)).rejects.toMatchObject({
      code: 'CHAIN_DOWN',
      message: `The chain (ws://127.0.0.1:${port}) did not answer within 1.5 s. Check your connection, or the network in Settings, and try again.`,
    });
    // The limit, not the client's minute of retries (generous: a loaded machine is slow).
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(lines.some((l) => l.includes('chain unreachable'))).toBe(true);
  });

  it("report the node's line to the chain apart: none without a network, down when unreachable", async () => {
    const solo = service();
    expect(await solo.call('chain.status', undefined)).toMatchObject({ state: 'none' });
    await solo.close();

    const node = service({ chainTimeoutMs: 1000 });
    await node.call('settings.set', { network: 'ws://127.0.0.1:9', netuid: 3 });
    const seen: string[] = [];
    node.on('chain.status', (s) => seen.push(s.state));
    expect(await node.call('chain.status', undefined)).toMatchObject({
      state: 'connecting',
      network: 'ws://127.0.0.1:9',
    });
    await expect
      .poll(async () => ((await node.call('chain.status', undefined)) as ChainStatus).state, {
        timeout: 10_000,
      })
      .toBe('down');
    expect(seen).toContain('down');
    expect(((await node.call('chain.status', undefined)) as ChainStatus).error).toMatch(
      /within 1 s/,
    );
    await node.close();
  });
});

describe('start at login and updates', () => {
  it('are unsupported in a headless node, with a reason', async () => {
    const node = service();
    expect(await node.call('settings.get', undefined)).toEqual({
      network: null,
      netuid: null,
      startAtLogin: false,
      startAtLoginSupported: false,
      pauseOnBattery: false,
      pauseWhenActive: false,
      powerSupported: false,
    });
    await expect(node.call('settings.set', { startAtLogin: true })).rejects.toThrow(
      /service manager/,
    );
    expect(await node.call('update.status', undefined)).toMatchObject({ state: 'unsupported' });
  });

  it('go to the desktop shell in the desktop app', async () => {
    // RecordingDesktop stands in for Electron's login items and electron-updater.
    let login = false;
    const installs: string[] = [];
    let report: (s: FeedState) => void = () => {};
    const feed: UpdateFeed = {
      check: () => {},
      install: () => installs.push('install'),
      onState: (l) => (report = l),
    };
    const node = service({
      shell: 'desktop',
      desktop: {
        getStartAtLogin: () => login,
        setStartAtLogin: (on) => (login = on),
        updates: feed,
      },
    });
    expect(await node.call('settings.set', { startAtLogin: true })).toMatchObject({
      startAtLogin: true,
      startAtLoginSupported: true,
    });
    expect(login).toBe(true);
    const events: UpdateStatus[] = [];
    node.on('update.status', (s) => events.push(s));
    report({ state: 'ready', version: '9.9.9' });
    expect(events.at(-1)).toMatchObject({ state: 'ready', version: '9.9.9' });
    await node.call('update.install', undefined); // nothing in flight: installs at once
    expect(installs).toEqual(['install']);
  });

  it('pause on battery and while the person is active: set in the desktop app, kept, refused headless', async () => {
    const headless = service();
    expect(await headless.call('settings.get', undefined)).toMatchObject({
      powerSupported: false,
      pauseOnBattery: false,
    });
    await expect(headless.call('settings.set', { pauseOnBattery: true })).rejects.toMatchObject({
      code: 'UNSUPPORTED',
    });

    // A stand-in for Electron's powerMonitor (the gate's rule is tested in power-gate.test.ts).
    const dataDir = path.join(dir, 'power-node');
    const desktop = () => ({
      getStartAtLogin: () => false,
      setStartAtLogin: () => {},
      updates: null,
      power: { onBattery: () => true, idleSeconds: () => 3600 },
    });
    const node = service({ shell: 'desktop', dataDir, desktop: desktop() });
    expect(
      await node.call('settings.set', { pauseOnBattery: true, pauseWhenActive: true }),
    ).toMatchObject({ powerSupported: true, pauseOnBattery: true, pauseWhenActive: true });
    await node.call('settings.set', { network: 'local', netuid: 4 });
    const again = service({ shell: 'desktop', dataDir, desktop: desktop() });
    expect(await again.call('settings.get', undefined)).toMatchObject({
      network: 'local',
      pauseOnBattery: true,
      pauseWhenActive: true,
    });
  });
});

describe('a keystore passphrase chosen in the app', () => {
  it('is asked for, set once, and checked against the stored keys after a restart', async () => {
    const dataDir = path.join(dir, 'passphrase-node');
    const cost = { t: 1, m: 8 * 1024 };
    // A headless node started without SOTA_KEYSTORE_PASSPHRASE or --passphrase-file.
    const start = () => {
      const session: { value?: Secret<string> } = {};
      return service({
        dataDir,
        openKeystore: () =>
          openHeadlessKeystore({ dataDir, env: {}, session: session.value, cost }),
        passphrase: { configured: false, secretsStored: () => secretsStored(dataDir), session },
      });
    };
    const chosen = 'correct horse battery';
    const first = start();
    expect(await first.call('wallet.keystore', undefined)).toEqual({
      protection: 'passphrase',
      state: 'choose-passphrase',
    });
    // Saving a key first says what is missing, as a keystore matter (not a bad phrase).
    await expect(
      first.call('wallet.import', { name: 'miner', secret: DEV_MNEMONIC }),
    ).rejects.toMatchObject({ code: 'NO_PASSPHRASE', message: /choose one in the app/ });
    await expect(first.call('wallet.unlock', { passphrase: 'short' })).rejects.toMatchObject({
      code: 'WEAK_PASSPHRASE',
    });
    expect(await first.call('wallet.unlock', { passphrase: chosen })).toEqual({
      protection: 'passphrase',
      state: 'ready',
    });
    await first.call('wallet.import', { name: 'miner', secret: DEV_MNEMONIC });
    // A second page still offering "choose" cannot swap the passphrase of this run.
    await expect(
      first.call('wallet.unlock', { passphrase: 'another passphrase' }),
    ).rejects.toMatchObject({ code: 'WRONG_PASSPHRASE' });

    // Restarted: the stored key needs the passphrase that encrypted it.
    const again = start();
    expect(await again.call('wallet.keystore', undefined)).toMatchObject({
      state: 'enter-passphrase',
    });
    await expect(
      again.call('wallet.unlock', { passphrase: 'not the passphrase' }),
    ).rejects.toMatchObject({ code: 'WRONG_PASSPHRASE' });
    expect(await again.call('wallet.keystore', undefined)).toMatchObject({
      state: 'enter-passphrase',
    });
    await again.call('wallet.unlock', { passphrase: chosen });
    expect(
      ((await again.call('wallet.list', undefined)) as Array<{ name: string }>).map((w) => w.name),
    ).toEqual(['miner']);
    expect(lines.join('\n')).not.toContain(chosen);
  });

  it('is never asked for when the operator configured one, nor in the desktop app', async () => {
    const session = {};
    const configured = service({
      passphrase: { configured: true, secretsStored: async () => true, session },
    });
    expect(await configured.call('wallet.keystore', undefined)).toEqual({
      protection: 'passphrase',
      state: 'ready',
    });
    await expect(
      configured.call('wallet.unlock', { passphrase: 'anything at all' }),
    ).rejects.toMatchObject({ code: 'NOT_NEEDED' });
    expect(await service().call('wallet.keystore', undefined)).toEqual({
      protection: 'os-keychain',
      state: 'ready',
    });
  });
});

describe('the Validator screen', () => {
  it("shows the watched validator's status, refuses a malformed one, and is off without one", async () => {
    const good = {
      hotkey: '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY',
      track: 'cifar10-binary',
      round: 2,
      chain: { connected: true, block: 120, blockAgeSeconds: 3 },
      queue: { depth: 0, waiting: [] },
      verdicts: [],
      weights: [{ block: 110, at: 1_000, mode: 'direct', uids: [0], weights: [1] }],
      peers: [],
    };
    let body: unknown = good;
    // A validator's API on loopback (only its GET /v1/status matters here).
    const server = http.createServer((req, res) => {
      res.writeHead(req.url === '/v1/status' ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const watching = service({ validatorUrl: url });
      expect(await watching.call('node.info', undefined)).toMatchObject({ validator: true });
      expect(await watching.call('validator.status', undefined)).toEqual(good);
      // What a validator sends is checked before the UI trusts it.
      body = { ...good, verdicts: 'many' };
      await expect(watching.call('validator.status', undefined)).rejects.toThrow(/verdicts/);

      const plain = service();
      expect(await plain.call('node.info', undefined)).toMatchObject({ validator: false });
      expect(await plain.call('validator.status', undefined)).toBeNull();
    } finally {
      server.close();
    }
  });
});
