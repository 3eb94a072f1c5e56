/**
 * sr25519 key pairs for Bittensor (SS58 format 42), built with @polkadot/keyring from the forms a
 * wallet can hold: a mnemonic, a 0x mini-secret seed, or btcli's 64-byte expanded private key.
 * The same derivation as btwallet/substrate, so a key imported here has the address btcli shows.
 */
import { Keyring } from '@polkadot/keyring';
import type { KeyringPair } from '@polkadot/keyring/types';
import { hexToU8a, isHex, u8aToHex } from '@polkadot/util';
import {
  cryptoWaitReady,
  decodeAddress,
  encodeAddress,
  sr25519Verify,
} from '@polkadot/util-crypto';

import { WalletError } from './errors';
import type { KeyMaterial } from './key-input';

export const SS58_FORMAT = 42;
export type { KeyringPair };

let ready: Promise<boolean> | undefined;
/** The sr25519 WASM must be loaded before any key is derived; idempotent. */
export function cryptoReady(): Promise<boolean> {
  ready ??= cryptoWaitReady();
  return ready;
}

function keyring(): Keyring {
  return new Keyring({ type: 'sr25519', ss58Format: SS58_FORMAT });
}

export async function pairFromMaterial(material: KeyMaterial): Promise<KeyringPair> {
  await cryptoReady();
  // addFromUri treats a 0x hex of 32 bytes as a raw mini-secret and words as a BIP39 mnemonic —
  // exactly btwallet's create_from_seed / create_from_mnemonic.
  return keyring().createFromUri(material.secret.reveal());
}

/**
 * A pair from btcli's `privateKey` (64 bytes, ed25519-expanded sr25519 secret) and `publicKey`.
 * Checked by a sign/verify round trip, so a file whose halves do not belong together is refused.
 */
export async function pairFromExpandedSecret(
  privateKeyHex: string,
  publicKeyHex: string,
): Promise<KeyringPair> {
  await cryptoReady();
  if (!isHex(privateKeyHex) || hexToU8a(privateKeyHex).length !== 64)
    throw new WalletError('UNKNOWN_FORMAT', 'privateKey in the key file is not 64 bytes of hex.');
  if (!isHex(publicKeyHex) || hexToU8a(publicKeyHex).length !== 32)
    throw new WalletError('UNKNOWN_FORMAT', 'publicKey in the key file is not 32 bytes of hex.');
  const pair = keyring().createFromPair(
    { publicKey: hexToU8a(publicKeyHex), secretKey: hexToU8a(privateKeyHex) },
    {},
    'sr25519',
  );
  const probe = new TextEncoder().encode('sota-miner key check');
  if (!sr25519Verify(probe, pair.sign(probe), pair.publicKey))
    throw new WalletError('KEY_MISMATCH', 'The key file’s private and public keys do not match.');
  return pair;
}

/** SS58 (format 42) of a public key or any SS58 address; throws WalletError on garbage. */
export function toSs58(addressOrPublicKey: string | Uint8Array): string {
  try {
    return encodeAddress(
      typeof addressOrPublicKey === 'string' && isHex(addressOrPublicKey)
        ? hexToU8a(addressOrPublicKey)
        : decodeAddress(addressOrPublicKey),
      SS58_FORMAT,
    );
  } catch (err) {
    throw new WalletError('UNKNOWN_FORMAT', 'Not a valid SS58 address or public key.', {
      cause: err,
    });
  }
}

export function publicKeyHex(address: string): string {
  return u8aToHex(decodeAddress(address));
}
