/**
 * Publishing a node's API address on chain (serve_axon) so that others find it: validators for
 * miners and each other, pools for miners. Nothing is sent when the chain already has it.
 */
import type { KeyringPair } from '@polkadot/keyring/types';
import { firstPublicIpv4 } from '../net/addresses';
import type { Logger } from '../log/logger';
import type { AxonRole } from './axon';
import type { SubtensorClient } from './client';

export async function announceEndpoint(
  client: SubtensorClient,
  netuid: number,
  pair: KeyringPair,
  endpoint: { readonly ip?: string; readonly port: number; readonly role?: AxonRole },
  log: Logger,
): Promise<void> {
  const ip = endpoint.ip ?? firstPublicIpv4();
  const { port } = endpoint;
  const role = endpoint.role ?? 'node';
  if (!ip) {
    log.warn('no public address to announce: set --external-ip; miners cannot reach this node');
    return;
  }
  const mg = await client.metagraph(netuid);
  const me = mg.neurons.find((n) => n.hotkey === pair.address);
  if (!me) {
    log.warn('not registered on the subnet: not announcing the endpoint');
    return;
  }
  if (me.axon?.ip === ip && me.axon.port === port && me.axon.role === role) return;
  for (let attempt = 1; ; attempt++) {
    try {
      await client.serveAxon(netuid, pair, { ip, port, role });
      break;
    } catch (err) {
      // A node that refuses the transaction outright (e.g. another one of this key's took its
      // nonce a moment earlier: weights are set as soon as a validator starts) is asked again
      // with a nonce read afresh; a module error is final.
      const code = (err as { code?: string }).code;
      const refused = code === 'DROPPED' || code === 'POOL' || code === 'INVALID_TX';
      if (!refused || attempt >= ANNOUNCE_ATTEMPTS) throw err;
      log.info('serve_axon refused; trying again', { attempt });
      await new Promise((r) => setTimeout(r, ANNOUNCE_RETRY_MS));
    }
  }
  log.info('endpoint announced', { ip, port, role });
}

const ANNOUNCE_ATTEMPTS = 3;
const ANNOUNCE_RETRY_MS = 2000;
