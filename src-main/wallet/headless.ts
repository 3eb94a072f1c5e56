/**
 * Key handling for headless nodes (validators, pools under systemd or in a container): the
 * keystore passphrase comes from a file or an environment variable, never a command-line argument
 * (those show up in `ps` and shell history); a key can also be read straight from a key file.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';

import type { KeyringPair } from '@polkadot/keyring/types';

import type { Logger } from '../log/logger';
import { readKeyfile } from './btcli';
import { WalletError } from './errors';
import { pairFromKeySecret } from './key-secret';
import { Keystore } from './keystore';
import { PassphraseProtector, type Argon2Cost } from './protector';
import { Secret, secretFromEnv } from './secret';

export const PASSPHRASE_ENV = 'SOTA_KEYSTORE_PASSPHRASE';
export const PASSPHRASE_FILE_ENV = 'SOTA_KEYSTORE_PASSPHRASE_FILE';

type Env = Readonly<Record<string, string | undefined>>;

export interface PassphraseSource {
  /** A file whose first line is the passphrase (e.g. a systemd credential or a Docker secret). */
  passphraseFile?: string;
  env?: Env;
}

/** The passphrase from --passphrase-file, $SOTA_KEYSTORE_PASSPHRASE_FILE or $SOTA_KEYSTORE_PASSPHRASE. */
export async function readPassphrase(src: PassphraseSource = {}): Promise<Secret<string>> {
  const env = src.env ?? process.env;
  const file = src.passphraseFile ?? env[PASSPHRASE_FILE_ENV];
  if (file) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      throw new WalletError('IO', `Cannot read the passphrase file ${file}.`, { cause: err });
    }
    // Only the line ending is stripped: spaces inside or around a passphrase are part of it.
    return new Secret(text.split(/\r?\n/, 1)[0] ?? '');
  }
  const value = env[PASSPHRASE_ENV];
  if (value) return new Secret(value);
  throw new WalletError(
    'NO_PASSPHRASE',
    `The keystore is passphrase-protected on headless nodes: set ${PASSPHRASE_ENV}, or ` +
      `${PASSPHRASE_FILE_ENV} / --passphrase-file to a file holding it.`,
  );
}

export function keystorePath(dataDir: string): string {
  return path.join(dataDir, 'wallet', 'keystore.json');
}

export async function openHeadlessKeystore(
  opts: PassphraseSource & { dataDir: string; log?: Logger; cost?: Argon2Cost },
): Promise<Keystore> {
  const passphrase = await readPassphrase(opts);
  return Keystore.open(
    keystorePath(opts.dataDir),
    new PassphraseProtector(passphrase, opts.cost),
    opts.log,
  );
}

/** btwallet's own variable for a coldkey password: BT_COLD_PW_<WALLET NAME, upper, - → _>. */
export function btcliColdkeyPasswordFromEnv(
  wallet: string,
  env: Env = process.env,
): Secret<string> | undefined {
  const value = env[`BT_COLD_PW_${wallet.toUpperCase().replace(/-/g, '_')}`];
  return value ? new Secret(value) : undefined;
}

/** Where headless nodes read an encrypted hotkey file's password from. */
export const HOTKEY_PASSWORD_ENV = 'SOTA_HOTKEY_PASSWORD';

/** A node's hotkey from its btcli key file, decrypted with $SOTA_HOTKEY_PASSWORD if need be. */
export function hotkeyFromFile(file: string): Promise<KeyringPair> {
  return pairFromKeyFile(file, secretFromEnv(HOTKEY_PASSWORD_ENV));
}

/** A signing key read directly from a btcli key file (plain JSON or $NACL with `password`). */
export async function pairFromKeyFile(
  file: string,
  password?: Secret<string>,
): Promise<KeyringPair> {
  const { key } = await readKeyfile(file, 'key file', password);
  return pairFromKeySecret(key);
}
