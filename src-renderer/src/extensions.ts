/**
 * The accounts that browser extensions (Polkadot.js, Talisman, SubWallet, …) share with this page.
 * Imported on demand (import('./extensions')): the extension library stays out of the first
 * paint's bundle.
 */
import { web3Accounts, web3Enable } from '@polkadot/extension-dapp';

export interface ExtensionAccount {
  readonly address: string;
  readonly name: string;
  readonly source: string;
}

/** Null when no extension is installed or the person refused this page access. */
export async function extensionAccounts(): Promise<ExtensionAccount[] | null> {
  const extensions = await web3Enable('sota-miner');
  if (extensions.length === 0) return null;
  const accounts = await web3Accounts({ ss58Format: 42 });
  return accounts.map((a) => ({
    address: a.address,
    name: a.meta.name ?? 'extension account',
    source: a.meta.source,
  }));
}
