/**
 * Finding pools on chain: a pool announces its API with serve_axon marked as a pool (chain/axon.ts,
 * AXON_ROLES); a miner reads the metagraph, asks each such endpoint for its terms and keeps those
 * that answer for the hotkey that announced them (an endpoint cannot pass for another pool).
 */
import type { PoolListingView } from '../../shared/ipc/contract';
import type { PoolTerms } from '../../shared/pool/terms';
import type { SubtensorClient } from '../chain/client';
import { axonUrl, hasReachableAxon } from '../chain/metagraph';
import type { Logger } from '../log/logger';
import { readPoolTerms } from './pool-client';

export interface PoolListing {
  readonly url: string;
  readonly uid: number;
  readonly hotkey: string;
  /** The pool hotkey's stake on the subnet: what announcing it cost, unlike a fee anyone can claim. */
  readonly stake: bigint;
  readonly terms: PoolTerms;
}

const TERMS_TIMEOUT_MS = 5000;

/**
 * The subnet's pools that answer: those that pay first (a pool without a chain or coldkey pays
 * nothing), then by fee, then by stake (most first). A fee is only what a pool says; `--pool
 * chain` takes the first, the UI lets the person choose.
 */
export async function discoverPools(
  client: Pick<SubtensorClient, 'metagraph'>,
  netuid: number,
  log: Logger,
): Promise<PoolListing[]> {
  const mg = await client.metagraph(netuid);
  const announced = mg.neurons.filter(hasReachableAxon).filter((n) => n.axon.role === 'pool');
  const found = await Promise.all(
    announced.map(async (n): Promise<PoolListing | null> => {
      const url = axonUrl(n.axon);
      try {
        const terms = await readPoolTerms(url, TERMS_TIMEOUT_MS);
        if (terms.hotkey !== n.hotkey) {
          log.warn('a pool endpoint answers for another hotkey: left out', {
            url,
            announcedBy: n.hotkey,
            answersFor: terms.hotkey,
          });
          return null;
        }
        return { url, uid: n.uid, hotkey: n.hotkey, stake: n.stake, terms };
      } catch (err) {
        log.info('a pool on chain did not answer', { url, uid: n.uid, error: String(err) });
        return null;
      }
    }),
  );
  const pays = (p: PoolListing) => (p.terms.windowBlocks === null ? 1 : 0);
  return found
    .filter((p): p is PoolListing => p !== null)
    .sort(
      (a, b) =>
        pays(a) - pays(b) ||
        a.terms.feeBps - b.terms.feeBps ||
        (b.stake > a.stake ? 1 : b.stake < a.stake ? -1 : 0) ||
        a.uid - b.uid,
    );
}

/** A listing as the UI contract and the `pools` command show it. */
export function listingView(p: PoolListing): PoolListingView {
  return {
    url: p.url,
    uid: p.uid,
    hotkey: p.hotkey,
    feeBps: p.terms.feeBps,
    minimumPayoutRao: p.terms.minimumPayoutRao,
    windowBlocks: p.terms.windowBlocks,
  };
}
