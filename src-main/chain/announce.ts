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
  await client.serveAxon(netuid, pair, { ip, port, role });
  log.info('endpoint announced', { ip, port, role });
}
