/** What every chain operation needs: the API, the shared nonce tracker and a logger. */
import type { ApiPromise } from '@polkadot/api';

import type { Logger } from '../log/logger';
import type { NonceManager } from './tx';

export interface ChainContext {
  readonly api: ApiPromise;
  readonly nonces: NonceManager;
  readonly log?: Logger;
}

/** RAO per TAO (balances are u64 RAO on chain). */
export const RAO_PER_TAO = 1_000_000_000n;

export function formatTao(rao: bigint): string {
  const whole = rao / RAO_PER_TAO;
  const frac = (rao % RAO_PER_TAO).toString().padStart(9, '0').replace(/0+$/, '');
  return `${whole}${frac ? `.${frac}` : ''} TAO`;
}

/** Any codec or JSON number/hex/string as a bigint. */
export function toBigInt(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return BigInt(value);
  if (value && typeof value === 'object' && 'toBigInt' in value)
    return (value as { toBigInt(): bigint }).toBigInt();
  return BigInt(String(value));
}
