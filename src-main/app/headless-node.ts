/**
 * A headless node for the browser (`sota-miner serve`, and the dashboard of `--validator`):
 * serves the built UI and the WebSocket bridge on loopback, writes the address with its access
 * token to `<data dir>/dashboard-url` (printed only where the file is, and the address itself on
 * an interactive terminal: see dashboard-url.ts), and runs what the UI asks for (mining, keys,
 * the leaderboard).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { publishDashboardUrl } from './dashboard-url';
import { NodeService } from './node-service';
import { startBridge, type RunningBridge } from './ws-bridge';
import { defaultDataDir, findPackageRoot } from '../dataset/locate';
import { LogBuffer } from '../log/log-buffer';
import { createLogger, parseLogLevel } from '../log/logger';
import { openHeadlessKeystore, passphraseConfigured, secretsStored } from '../wallet/headless';
import type { Secret } from '../wallet/secret';

export interface ServeOptions {
  readonly host?: string;
  readonly port?: number;
  readonly dataDir?: string;
  readonly cifarDir?: string;
  readonly network?: string;
  readonly netuid?: number;
  /** btcli's wallet folder (btcli's --wallet.path); default ~/.bittensor/wallets. */
  readonly walletPath?: string;
  /** A file whose first line is the keystore passphrase (else the variables, else the UI). */
  readonly passphraseFile?: string;
  /** The built UI; default: out/renderer of this package. */
  readonly uiDir?: string;
  /**
   * Whether `print` reaches a person at a terminal (`process.stdout.isTTY`): only then is the
   * address with its token printed (once); otherwise only the file that holds it. Default false.
   */
  readonly interactive?: boolean;
  /** A validator's API whose status the UI shows (a validator's own dashboard passes its own). */
  readonly validatorUrl?: string;
}

export async function startServe(
  o: ServeOptions,
  print: (line: string) => void,
): Promise<{
  bridge: RunningBridge;
  service: NodeService;
  /** The file that holds the address with its token. */
  urlFile: string;
  stop: () => Promise<void>;
}> {
  const logs = new LogBuffer();
  const log = createLogger(
    {
      format: 'json',
      level: parseLogLevel(process.env['SOTA_LOG_LEVEL']),
      write: (line) => {
        logs.push(line);
        print(line);
      },
    },
    'node',
  );
  const dataDir = path.resolve(o.dataDir ?? defaultDataDir());
  // A passphrase the person gives in the UI when the operator set none: this run only.
  const session: { value?: Secret<string> } = {};
  const root = findPackageRoot(path.dirname(fileURLToPath(import.meta.url)));
  const service = new NodeService({
    shell: 'headless',
    dataDir,
    cifarDir: o.cifarDir,
    network: o.network,
    netuid: o.netuid,
    btcliRoot: o.walletPath && path.resolve(o.walletPath),
    validatorUrl: o.validatorUrl,
    log,
    recentLogs: (n) => logs.recent(n),
    openKeystore: () =>
      openHeadlessKeystore({
        dataDir,
        passphraseFile: o.passphraseFile,
        session: session.value,
        log: log.child('wallet'),
      }),
    passphrase: {
      configured: passphraseConfigured({ passphraseFile: o.passphraseFile }),
      secretsStored: () => secretsStored(dataDir),
      session,
    },
  });
  const bridge = await startBridge({
    service,
    logs,
    log: log.child('bridge'),
    uiDir: o.uiDir ?? (root ? path.join(root, 'out', 'renderer') : undefined),
    host: o.host,
    port: o.port,
  });
  const stop = async () => {
    await bridge.close();
    await service.close();
  };
  let urlFile: string;
  try {
    urlFile = publishDashboardUrl({
      dataDir,
      url: bridge.url,
      interactive: o.interactive ?? false,
      print,
    });
  } catch (err) {
    await stop();
    throw err;
  }
  log.info('node ready', { dataDir, port: bridge.port, urlFile });
  return { bridge, service, urlFile, stop };
}
