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
  /** One given for this run (the UI's wallet.unlock), used when no file or variable names one. */
  session?: Secret<string>;
}

/** Whether the operator configured a passphrase (a file or a variable), not the UI. */
export function passphraseConfigured(src: PassphraseSource = {}): boolean {
  const env = src.env ?? process.env;
  // `||`, as readPassphrase reads them: an empty variable names nothing.
  return Boolean(src.passphraseFile || env[PASSPHRASE_FILE_ENV] || env[PASSPHRASE_ENV]);
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
  if (src.session) return src.session;
  throw new WalletError(
    'NO_PASSPHRASE',
    `Your keys are protected by a passphrase on this node and none is set yet: choose one in ` +
      `the app, or start the node with ${PASSPHRASE_ENV} set, or ${PASSPHRASE_FILE_ENV} / ` +
      `--passphrase-file naming a file that holds it.`,
  );
}

export function keystorePath(dataDir: string): string {
  return path.join(dataDir, 'wallet', 'keystore.json');
}

/** Whether the keystore in `dataDir` holds any key with a secret (read without decrypting). */
export async function secretsStored(dataDir: string): Promise<boolean> {
  try {
    const file = JSON.parse(await readFile(keystorePath(dataDir), 'utf8')) as {
      keys?: Array<{ blob?: unknown }>;
    };
    return (file.keys ?? []).some((k) => typeof k.blob === 'string');
  } catch {
    return false; // none yet; a damaged one is reported when it is opened
  }
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
