/**
 * What this chain's runtime can do, read from its metadata, never assumed: Subtensor changes
 * often (commit-reveal v3, timelocked commits, start_call, batch weights…), and the same client
 * must talk to finney, testnet and older local runtimes.
 */
import type { ApiPromise } from '@polkadot/api';

export interface ChainFeatures {
  readonly specName: string;
  readonly specVersion: number;
  readonly burnedRegister: boolean;
  readonly serveAxon: boolean;
  readonly setWeights: boolean;
  /** commit_weights + reveal_weights (commit-reveal v2: hash now, plain weights later). */
  readonly commitReveal: boolean;
  /** commit_crv3_weights (v3: drand-timelocked commits, revealed by the chain). */
  readonly commitRevealV3: boolean;
  readonly timelockedCommit: boolean;
  readonly batchSetWeights: boolean;
  readonly commitments: boolean;
  readonly startCall: boolean;
  readonly neuronInfoRuntimeApi: boolean;
}

function hasTx(api: ApiPromise, section: string, method: string): boolean {
  const s = (api.tx as unknown as Record<string, Record<string, unknown> | undefined>)[section];
  return typeof s?.[method] === 'function';
}

export function detectFeatures(api: ApiPromise): ChainFeatures {
  const call = api.call as unknown as Record<string, Record<string, unknown> | undefined>;
  return {
    specName: api.runtimeVersion.specName.toString(),
    specVersion: api.runtimeVersion.specVersion.toNumber(),
    burnedRegister: hasTx(api, 'subtensorModule', 'burnedRegister'),
    serveAxon: hasTx(api, 'subtensorModule', 'serveAxon'),
    setWeights: hasTx(api, 'subtensorModule', 'setWeights'),
    commitReveal:
      hasTx(api, 'subtensorModule', 'commitWeights') &&
      hasTx(api, 'subtensorModule', 'revealWeights'),
    commitRevealV3: hasTx(api, 'subtensorModule', 'commitCrv3Weights'),
    timelockedCommit: hasTx(api, 'subtensorModule', 'commitTimelockedWeights'),
    batchSetWeights: hasTx(api, 'subtensorModule', 'batchSetWeights'),
    commitments: hasTx(api, 'commitments', 'setCommitment'),
    startCall: hasTx(api, 'subtensorModule', 'startCall'),
    neuronInfoRuntimeApi: typeof call['neuronInfoRuntimeApi']?.['getNeuronsLite'] === 'function',
  };
}

/** Human lines for what is missing, for logs and the UI ("this runtime has no CRv3"). */
export function describeMissing(f: ChainFeatures): string[] {
  const names: Array<[keyof ChainFeatures, string]> = [
    ['commitReveal', 'commit-reveal weights (commit_weights / reveal_weights)'],
    ['commitRevealV3', 'commit-reveal v3 (commit_crv3_weights)'],
    ['timelockedCommit', 'timelocked weight commits'],
    ['batchSetWeights', 'batch_set_weights'],
    ['startCall', 'start_call'],
    ['commitments', 'on-chain commitments'],
    ['neuronInfoRuntimeApi', 'the NeuronInfo runtime API'],
  ];
  return names
    .filter(([k]) => !f[k])
    .map(([, label]) => `${f.specName} ${f.specVersion} has no ${label}`);
}
