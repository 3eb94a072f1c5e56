/**
 * `sota-miner mine --pool URL --hotkey-file FILE`: works for a pool until Ctrl-C, printing what
 * it has done every ten seconds (units, accepted, rejected) and its shares as the pool books them.
 */
import type { KeyringPair } from '@polkadot/keyring/types';
import { createLogger } from '../log/logger';
import { getOkJson } from '../net/http-client';
import { pairFromKeyFile } from '../wallet/headless';
import { cryptoReady } from '../wallet/keypair';
import { Secret } from '../wallet/secret';
import { PoolClient } from './pool-client';

const REPORT_EVERY_MS = 10_000;

export async function runPoolMiner(o: {
  url: string;
  hotkeyFile: string;
  threads: number;
  cifarDir?: string;
  dataDir?: string;
}): Promise<void> {
  const log = createLogger({ write: (l) => void process.stderr.write(`${l}\n`) }, 'pool-miner');
  await cryptoReady();
  const password = process.env['SOTA_HOTKEY_PASSWORD'];
  const pair: KeyringPair = await pairFromKeyFile(
    o.hotkeyFile,
    password ? new Secret(password) : undefined,
  );
  const client = new PoolClient({ ...o, pair, log });
  const terms = await client.connect();
  process.stdout.write(
    `pool ${o.url}: fee ${(terms.feeBps / 100).toFixed(2)}%, payouts from ${terms.minimumPayoutRao} RAO; working as ${pair.address}\n`,
  );
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const report = setInterval(() => {
    void getOkJson(`${o.url}/v1/pool/miners/${pair.address}`)
      .then((a) => a as { shares: string; reputation: number })
      .then((a) => {
        const s = client.stats;
        process.stdout.write(
          `units ${s.units} (accepted ${s.accepted}, rejected ${s.rejected}, pending ${s.pending}) · shares ${a.shares} · reputation ${a.reputation}\n`,
        );
      })
      .catch((err: unknown) => log.warn('could not read the account', { error: String(err) }));
  }, REPORT_EVERY_MS);
  try {
    await client.work(stop.signal);
  } finally {
    clearInterval(report);
    await client.close();
  }
}
