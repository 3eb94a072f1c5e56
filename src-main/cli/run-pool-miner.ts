/**
 * `sota-miner mine --pool URL --hotkey-file FILE`: works for a pool until Ctrl-C (a
 * PoolMiningSession), printing what it has done every ten seconds: units sent; agreed, dissented
 * and late, shares, pending balance and payouts as the pool books them; and whether the pool's
 * splits check out. `--pool chain` (with
 * --network and --netuid) picks the first pool that pays among those announced on the subnet
 * (lowest fee, then most stake: discover.ts).
 */
import type { KeyringPair } from '@polkadot/keyring/types';
import { formatTao } from '../chain/context';
import { SubtensorClient } from '../chain/client';
import { createLogger } from '../log/logger';
import { hotkeyFromFile } from '../wallet/headless';
import { cryptoReady } from '../wallet/keypair';
import { discoverPools } from '../pool/discover';
import { PoolMiningSession } from '../miner/pool-mining-session';

const REPORT_EVERY_MS = 10_000;

export async function runPoolMiner(o: {
  /** The pool's URL, or 'chain' to pick one announced on the subnet. */
  url: string;
  hotkeyFile: string;
  threads: number;
  network?: string;
  netuid?: number;
  cifarDir?: string;
  dataDir?: string;
}): Promise<void> {
  const log = createLogger({ write: (l) => void process.stderr.write(`${l}\n`) }, 'pool-miner');
  await cryptoReady();
  const pair: KeyringPair = await hotkeyFromFile(o.hotkeyFile);
  const url = o.url === 'chain' ? await poolFromChain(o, log) : o.url;
  const session = await PoolMiningSession.join({
    url,
    pair,
    threads: o.threads,
    cifarDir: o.cifarDir,
    dataDir: o.dataDir,
    log,
    standingEveryMs: REPORT_EVERY_MS,
    onStanding: (s, { statement: a }) =>
      void process.stdout.write(
        `units sent ${s.units} · agreed ${a.agreed}, dissented ${a.dissented}, late ${a.late} · ` +
          `shares ${a.shares} · reputation ${a.reputation} · pending ${formatTao(BigInt(a.pendingRao))} · ` +
          `paid ${formatTao(BigInt(a.paidRao))} · splits checked ${s.splitsChecked}${s.splitsFailed ? `, ${s.splitsFailed} WRONG` : ''}\n`,
      ),
  });
  const { terms } = session;
  process.stdout.write(
    `pool ${url}: fee ${(terms.feeBps / 100).toFixed(2)}%, payouts from ${formatTao(BigInt(terms.minimumPayoutRao))}` +
      `${terms.windowBlocks === null ? ' (this pool pays nothing: no chain or no coldkey)' : ''}; working as ${pair.address}\n`,
  );
  const onSignal = () => void session.stop();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  await session.run();
}

async function poolFromChain(
  o: { network?: string; netuid?: number },
  log: ReturnType<typeof createLogger>,
): Promise<string> {
  if (!o.network || o.netuid === undefined)
    throw new Error('--pool chain needs --network and --netuid');
  const chain = await SubtensorClient.connect({ network: o.network, log: log.child('chain') });
  try {
    const pools = await discoverPools(chain, o.netuid, log);
    const pick = pools.find((p) => p.terms.windowBlocks !== null);
    if (!pick) throw new Error(`no pool that pays answers on subnet ${o.netuid}`);
    log.info('pool chosen from the chain', { url: pick.url, uid: pick.uid, of: pools.length });
    return pick.url;
  } finally {
    await chain.close();
  }
}
