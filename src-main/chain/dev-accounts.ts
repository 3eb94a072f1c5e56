/**
 * The local network's accounts: Substrate's public development keys (//Alice …), which are known
 * to everybody and so safe to print. They control nothing outside a local chain.
 */
import { Keyring } from '@polkadot/keyring';
import type { KeyringPair } from '@polkadot/keyring/types';

import { cryptoReady, SS58_FORMAT } from '../wallet/keypair';

export const DEV_ACCOUNT_URIS = {
  /** sudo key and owner (coldkey) of the local subnet */
  owner: '//Alice',
  /** the subnet owner's hotkey */
  ownerHotkey: '//Alice//hotkey',
  minerColdkey: '//Bob',
  minerHotkey: '//Bob//hotkey',
  validatorColdkey: '//Charlie',
  validatorHotkey: '//Charlie//hotkey',
  spareColdkey: '//Dave',
  spareHotkey: '//Dave//hotkey',
} as const;

export type DevAccountName = keyof typeof DEV_ACCOUNT_URIS;
export type DevAccounts = Record<DevAccountName, KeyringPair>;

/** 1,000,000 TAO each, in RAO. */
export const DEV_BALANCE_RAO = 1_000_000n * 1_000_000_000n;

export async function devAccounts(): Promise<DevAccounts> {
  await cryptoReady();
  const keyring = new Keyring({ type: 'sr25519', ss58Format: SS58_FORMAT });
  const out: Partial<DevAccounts> = {};
  for (const [name, uri] of Object.entries(DEV_ACCOUNT_URIS))
    out[name as DevAccountName] = keyring.addFromUri(uri);
  return out as DevAccounts;
}
