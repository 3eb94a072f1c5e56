/**
 * Finding pools on chain: a pool announces its API with serve_axon marked as a pool (chain/axon.ts,
 * AXON_ROLES); a miner reads the metagraph, asks each such endpoint for its terms and keeps those
 * that answer for the hotkey that announced them (an endpoint cannot pass for another pool).
 */
import type { PoolTerms } from '../../shared/pool/terms';
import type { SubtensorClient } from '../chain/client';
import type { Logger } from '../log/logger';
import { readPoolTerms } from './pool-client';

export interface PoolListing {
  readonly url: string;
  readonly uid: number;
  readonly hotkey: string;
  readonly terms: PoolTerms;
}

const TERMS_TIMEOUT_MS = 5000;

/** The subnet's pools that answer, lowest fee first. */
export async function discoverPools(
  client: Pick<SubtensorClient, 'metagraph'>,
  netuid: number,
  log: Logger,
): Promise<PoolListing[]> {
  const mg = await client.metagraph(netuid);
  const announced = mg.neurons.filter((n) => n.axon?.role === 'pool');
  const found = await Promise.all(
    announced.map(async (n): Promise<PoolListing | null> => {
      const url = `http://${n.axon!.ip}:${n.axon!.port}`;
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
        return { url, uid: n.uid, hotkey: n.hotkey, terms };
      } catch (err) {
        log.info('a pool on chain did not answer', { url, uid: n.uid, error: String(err) });
        return null;
      }
    }),
  );
  return found
    .filter((p): p is PoolListing => p !== null)
    .sort((a, b) => a.terms.feeBps - b.terms.feeBps || a.uid - b.uid);
}
