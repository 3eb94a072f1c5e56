/**
 * The secret behind one key, in the forms a wallet can hold it, and its (de)serialisation for
 * encryption at rest. Mnemonic or seed are kept when known (they re-derive the key anywhere);
 * btcli files that hold only the expanded private key keep that.
 */
import type { KeyringPair } from '@polkadot/keyring/types';

import { WalletError } from './errors';
import { normalizeMnemonic, parseKeyInput, type KeyMaterial } from './key-input';
import { pairFromExpandedSecret, pairFromMaterial } from './keypair';
import { Secret } from './secret';

export type KeySecret =
  | KeyMaterial
  | { readonly kind: 'expanded'; readonly secret: Secret<string>; readonly publicKey: string };

export type KeySecretKind = KeySecret['kind'];

export async function pairFromKeySecret(key: KeySecret): Promise<KeyringPair> {
  if (key.kind === 'expanded') return pairFromExpandedSecret(key.secret.reveal(), key.publicKey);
  return pairFromMaterial(key);
}

/** UTF-8 JSON bytes of the secret, to be encrypted at once by the caller. */
export function serializeKeySecret(key: KeySecret): Uint8Array {
  const body =
    key.kind === 'expanded'
      ? { kind: key.kind, secret: key.secret.reveal(), publicKey: key.publicKey }
      : { kind: key.kind, secret: key.secret.reveal() };
  return new TextEncoder().encode(JSON.stringify(body));
}

export function deserializeKeySecret(bytes: Uint8Array): KeySecret {
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder().decode(bytes));
  } catch (err) {
    throw new WalletError('CORRUPT', 'A stored key did not decrypt to a key record.', {
      cause: err,
    });
  }
  const b = body as { kind?: unknown; secret?: unknown; publicKey?: unknown };
  if (typeof b.secret !== 'string') throw new WalletError('CORRUPT', 'A stored key is damaged.');
  if (b.kind === 'expanded' && typeof b.publicKey === 'string')
    return { kind: 'expanded', secret: new Secret(b.secret), publicKey: b.publicKey };
  if (b.kind === 'mnemonic')
    return { kind: 'mnemonic', secret: new Secret(normalizeMnemonic(b.secret)) };
  if (b.kind === 'seed') return parseKeyInput(new Secret(b.secret));
  throw new WalletError('CORRUPT', 'A stored key has an unknown kind.');
}
