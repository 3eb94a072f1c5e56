/**
 * Neurons for in-memory metagraphs (validator.test.ts, direct-client.test.ts): uid n serves at
 * http://10.0.0.n:(8000 + n) unless told otherwise, with a stake of 100 and a validator permit.
 */
import type { AxonRole } from '../../src-main/chain/axon';
import type { Neuron } from '../../src-main/chain/metagraph';

export interface TestNeuronOptions {
  readonly permit?: boolean;
  readonly stake?: bigint;
  readonly role?: AxonRole;
  /** False: an address nodes must not contact (private, on a public chain). */
  readonly reachable?: boolean;
  /** False: the neuron never served an endpoint. */
  readonly axon?: boolean;
}

export function testNeuron(uid: number, hotkey: string, o: TestNeuronOptions = {}): Neuron {
  return {
    uid,
    hotkey,
    coldkey: hotkey,
    active: true,
    stake: o.stake ?? 100n,
    validatorPermit: o.permit ?? true,
    lastUpdate: 0,
    axon:
      o.axon === false
        ? null
        : {
            ip: `10.0.0.${uid}`,
            port: 8000 + uid,
            ipType: 4,
            protocol: 0,
            version: 1,
            block: 1,
            role: o.role ?? 'node',
            reachable: o.reachable ?? true,
          },
  };
}

/** Where testNeuron(uid) serves. */
export const testNeuronUrl = (uid: number): string => `http://10.0.0.${uid}:${8000 + uid}`;
