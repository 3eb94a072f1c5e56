/**
 * What the validator needs of the world outside its store: the chain, its peers and the verifier,
 * each as a narrow interface. SubtensorClient (chain/), httpPeers (net/) and Verifier
 * (verifier.ts) implement them; the unit tests (validator.test.ts) run every protocol rule against
 * in-memory ones in milliseconds, and the network tests run the real ones end to end.
 */
import type { KeyringPair } from '@polkadot/keyring/types';
import type { BlockHead } from '../chain/blocks';
import type { Commitment } from '../chain/commitments';
import type { Metagraph } from '../chain/metagraph';
import type { PendingReveal } from '../chain/weights';
import { getOkJson, signedRequest } from '../net/http-client';
import type { Verifier } from './verifier';

export interface ValidatorChain {
  readonly state: { readonly status: string };
  bestBlock(): Promise<number>;
  subscribeBlocks(onBlock: (head: BlockHead) => void): Promise<() => void>;
  metagraph(netuid: number): Promise<Metagraph>;
  readCommitment(netuid: number, hotkey: string): Promise<Commitment | null>;
  subnet(netuid: number): Promise<{ readonly tempo: number }>;
  subnetOwnerHotkey(netuid: number): Promise<string | null>;
  setWeights(
    netuid: number,
    hotkey: KeyringPair,
    uids: readonly number[],
    weights: readonly number[],
  ): Promise<
    { readonly mode: 'direct' } | { readonly mode: 'committed'; readonly pending: PendingReveal }
  >;
  revealWeights(hotkey: KeyringPair, pending: PendingReveal): Promise<unknown>;
}

/** Another validator's API, as the metagraph announces it. */
export interface Peer {
  readonly hotkey: string;
  readonly url: string;
}

export interface ValidatorPeers {
  /** A POST signed by this validator; the HTTP status, or a rejection when the peer is unreachable. */
  post(peer: Peer, path: string, body: unknown): Promise<number>;
  /** A GET's JSON body; rejects when unreachable, on a non-2xx status or an oversized answer. */
  getJson(url: string): Promise<unknown>;
}

export type ValidatorVerifier = Pick<Verifier, 'fingerprint' | 'judge'>;

/** How long a peer gets to answer one request. */
export const PEER_TIMEOUT_MS = 5000;

/** Peers over HTTP, requests signed with `pair` (net/http-client.ts). */
export function httpPeers(pair: KeyringPair): ValidatorPeers {
  return {
    post: async (peer, path, body) =>
      (
        await signedRequest({
          url: peer.url,
          path,
          method: 'POST',
          body,
          pair,
          target: peer.hotkey,
          timeoutMs: PEER_TIMEOUT_MS,
        })
      ).status,
    getJson: (url) => getOkJson(url, { timeoutMs: PEER_TIMEOUT_MS }),
  };
}
