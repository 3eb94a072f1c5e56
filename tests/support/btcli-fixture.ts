/**
 * Test support: writes a btcli wallet folder the way btwallet lays it out, from public dev keys.
 * Used by the wallet tests only.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { u8aToHex } from '@polkadot/util';
import { encodeAddress, mnemonicToMiniSecret, sr25519PairFromSeed } from '@polkadot/util-crypto';

import { cryptoReady } from '../../src-main/wallet/keypair';

/** The JSON btwallet writes for a key created from a mnemonic (all fields present). */
export async function btcliKeyfileJson(mnemonic: string): Promise<Record<string, string>> {
  await cryptoReady();
  const seed = mnemonicToMiniSecret(mnemonic);
  const { publicKey, secretKey } = sr25519PairFromSeed(seed);
  return {
    accountId: u8aToHex(publicKey),
    publicKey: u8aToHex(publicKey),
    privateKey: u8aToHex(secretKey),
    secretPhrase: mnemonic,
    secretSeed: u8aToHex(seed),
    ss58Address: encodeAddress(publicKey, 42),
  };
}

export async function writeBtcliWallet(opts: {
  root: string;
  wallet: string;
  hotkeys: Record<string, Record<string, string>>;
  coldkeyPub: Record<string, string>;
  /** Raw bytes of the coldkey file (e.g. "$NACL…"), if any. */
  coldkey?: Uint8Array;
}): Promise<string> {
  const dir = path.join(opts.root, opts.wallet);
  await mkdir(path.join(dir, 'hotkeys'), { recursive: true });
  for (const [name, json] of Object.entries(opts.hotkeys))
    await writeFile(path.join(dir, 'hotkeys', name), JSON.stringify(json));
  const { accountId, publicKey, ss58Address } = opts.coldkeyPub;
  await writeFile(
    path.join(dir, 'coldkeypub.txt'),
    JSON.stringify({ accountId, publicKey, ss58Address }),
  );
  if (opts.coldkey) await writeFile(path.join(dir, 'coldkey'), opts.coldkey);
  return dir;
}
