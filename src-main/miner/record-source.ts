/**
 * Where a miner learns the current record: the validators of a subnet, asked through a direct
 * client it already has (direct mining, a pool), or read-only through the chain with no key at
 * all (`mine --solo --from-network`: the metagraph and the validators' public endpoints are
 * enough to learn the holder; only claiming needs a hotkey).
 */
import type { Track } from '../../shared/protocol/track';
import { SubtensorClient } from '../chain/client';
import type { Logger } from '../log/logger';
import {
  surveyHolder,
  validatorEndpoints,
  type DirectClient,
  type HolderSurvey,
} from './direct-client';

export interface RecordSource {
  /** Where the record comes from, for messages: "the validators of subnet 3 on finney". */
  readonly label: string;
  /** The network and subnet, as given: a kept record is reused only for the same ones. */
  readonly network: string;
  readonly netuid: number;
  /** The track claims are judged by (its margin, its genesis program). */
  readonly track: Track;
  /** Asks the validators; rejects when they cannot be found (the chain unreachable). */
  survey(): Promise<HolderSurvey>;
}

function label(network: string, netuid: number): string {
  return `the validators of subnet ${netuid} on ${network}`;
}

/** The record as a direct client's validators report it. */
export function recordFromClient(
  direct: Pick<DirectClient, 'survey' | 'track'>,
  network: string,
  netuid: number,
): RecordSource {
  return {
    label: label(network, netuid),
    network,
    netuid,
    track: direct.track,
    survey: () => direct.survey(),
  };
}

/** The record read through the chain without a key: connects, asks, and disconnects. */
export function recordFromChain(o: {
  network: string;
  netuid: number;
  track: Track;
  log: Logger;
}): RecordSource {
  return {
    label: label(o.network, o.netuid),
    network: o.network,
    netuid: o.netuid,
    track: o.track,
    survey: async () => {
      const client = await SubtensorClient.connect({
        network: o.network,
        // A node that does not answer soon is reported, not waited for: the search waits on it.
        connectTimeoutMs: 30_000,
        log: o.log.child('chain'),
      });
      try {
        return await surveyHolder(await validatorEndpoints(client, o.netuid), o.track, o.log);
      } finally {
        await client.close();
      }
    },
  };
}
