/**
 * Reads an existing btcli / btwallet wallet folder:
 *
 *   <root>/<wallet>/coldkeypub.txt        JSON {accountId, publicKey, ss58Address} — public only
 *   <root>/<wallet>/coldkey               key file, normally "$NACL"-encrypted
 *   <root>/<wallet>/hotkeys/<hotkey>      key file, normally plain JSON
 *
 * A key file (decrypted) is JSON with any of secretPhrase, secretSeed, privateKey + publicKey and
 * ss58Address; btwallet prefers them in that order and so do we. The address derived from the
 * secret must equal ss58Address when the file states one.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { WalletError } from './errors';
import { normalizeMnemonic, checkMnemonic, parseKeyInput } from './key-input';
import { type KeySecret, pairFromKeySecret } from './key-secret';
import { toSs58 } from './keypair';
import { decryptNaclKeyfile, keyfileEncryption } from './nacl-keyfile';
import { Secret } from './secret';

export function defaultBtcliWalletRoot(home: string = os.homedir()): string {
  return path.join(home, '.bittensor', 'wallets');
}

/** Wallet and hotkey names are single path segments: no separators, no "." or "..". */
function checkName(what: string, name: string): string {
  if (!/^[A-Za-z0-9_.@+-]+$/.test(name) || name === '.' || name === '..')
    throw new WalletError('NOT_FOUND', `Invalid ${what} name: ${JSON.stringify(name)}.`);
  return name;
}

async function readKeyFileBytes(file: string, what: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(file));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new WalletError('NOT_FOUND', `No ${what} at ${file}.`);
    throw new WalletError('IO', `Cannot read ${what} at ${file}: ${code ?? 'error'}.`, {
      cause: err,
    });
  }
}

export interface ParsedKeyfile {
  readonly key: KeySecret;
  readonly address: string;
}

/** Parses decrypted key-file JSON into a key secret and checks it against its stated address. */
export async function parseKeyfileJson(bytes: Uint8Array, file: string): Promise<ParsedKeyfile> {
  let json: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(new TextDecoder().decode(bytes));
    if (typeof parsed !== 'object' || parsed === null) throw new Error('not an object');
    json = parsed as Record<string, unknown>;
  } catch (err) {
    throw new WalletError('UNKNOWN_FORMAT', `${file} is not a btcli key file (not JSON).`, {
      cause: err,
    });
  }
  const str = (k: string) =>
    typeof json[k] === 'string' && json[k] !== '' ? (json[k] as string) : undefined;
  let key: KeySecret;
  const phrase = str('secretPhrase');
  const seed = str('secretSeed');
  const priv = str('privateKey');
  const pub = str('publicKey');
  if (phrase !== undefined) {
    const normalized = normalizeMnemonic(phrase);
    checkMnemonic(normalized);
    key = { kind: 'mnemonic', secret: new Secret(normalized) };
  } else if (seed !== undefined) {
    key = parseKeyInput(new Secret(seed));
  } else if (priv !== undefined && pub !== undefined) {
    key = { kind: 'expanded', secret: new Secret(priv), publicKey: pub };
  } else {
    throw new WalletError(
      'UNKNOWN_FORMAT',
      `${file} holds no secret (no secretPhrase, secretSeed or privateKey): it is a public key file.`,
    );
  }
  const pair = await pairFromKeySecret(key);
  const stated = str('ss58Address');
  if (stated !== undefined && toSs58(stated) !== pair.address)
    throw new WalletError(
      'KEY_MISMATCH',
      `${file}: the secret does not belong to the address the file states (${stated}).`,
    );
  return { key, address: pair.address };
}

/** Reads a key file, decrypting "$NACL" with the password; plain JSON needs none. */
export async function readKeyfile(
  file: string,
  what: string,
  password?: Secret<string>,
): Promise<ParsedKeyfile> {
  const bytes = await readKeyFileBytes(file, what);
  const enc = keyfileEncryption(bytes);
  if (enc === 'none') return parseKeyfileJson(bytes, file);
  if (enc === 'nacl' && password === undefined)
    throw new WalletError(
      'WRONG_PASSWORD',
      `The ${what} at ${file} is encrypted: a password is needed.`,
    );
  const plain = await decryptNaclKeyfile(bytes, password ?? new Secret(''));
  try {
    return await parseKeyfileJson(plain, file);
  } finally {
    plain.fill(0);
  }
}

export interface BtcliWalletRef {
  /** Folder holding the wallets; default ~/.bittensor/wallets. */
  readonly root?: string;
  readonly wallet: string;
}

function walletDir(ref: BtcliWalletRef): string {
  return path.join(ref.root ?? defaultBtcliWalletRoot(), checkName('wallet', ref.wallet));
}

/** The coldkey's public address from coldkeypub.txt (no password needed). */
export async function readColdkeyPub(ref: BtcliWalletRef): Promise<string> {
  const file = path.join(walletDir(ref), 'coldkeypub.txt');
  const bytes = await readKeyFileBytes(file, 'coldkeypub.txt');
  try {
    const json = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
    const value = json['ss58Address'] ?? json['publicKey'] ?? json['accountId'];
    if (typeof value !== 'string') throw new Error('no address');
    return toSs58(value);
  } catch (err) {
    if (err instanceof WalletError) throw err;
    throw new WalletError('UNKNOWN_FORMAT', `${file} is not a btcli coldkeypub.txt.`, {
      cause: err,
    });
  }
}

export async function readBtcliHotkey(
  ref: BtcliWalletRef & { readonly hotkey: string },
  password?: Secret<string>,
): Promise<ParsedKeyfile> {
  const file = path.join(walletDir(ref), 'hotkeys', checkName('hotkey', ref.hotkey));
  return readKeyfile(file, `hotkey "${ref.hotkey}"`, password);
}

export async function readBtcliColdkey(
  ref: BtcliWalletRef,
  password: Secret<string>,
): Promise<ParsedKeyfile> {
  return readKeyfile(path.join(walletDir(ref), 'coldkey'), 'coldkey', password);
}

export interface BtcliWalletInfo {
  readonly wallet: string;
  readonly coldkeyAddress: string | null;
  readonly hasColdkey: boolean;
  readonly hotkeys: readonly string[];
}

/** The wallets under `root` for a picker: names, public coldkey address, hotkey names. */
export async function listBtcliWallets(
  root = defaultBtcliWalletRoot(),
): Promise<BtcliWalletInfo[]> {
  let names: string[];
  try {
    names = (await readdir(root)).sort();
  } catch {
    return [];
  }
  const out: BtcliWalletInfo[] = [];
  for (const wallet of names) {
    const dir = path.join(root, wallet);
    if (!(await stat(dir).catch(() => null))?.isDirectory()) continue;
    const coldkeyAddress = await readColdkeyPub({ root, wallet }).catch(() => null);
    const hasColdkey = (await stat(path.join(dir, 'coldkey')).catch(() => null))?.isFile() ?? false;
    const hotkeys = (await readdir(path.join(dir, 'hotkeys')).catch(() => [] as string[])).sort();
    out.push({ wallet, coldkeyAddress, hasColdkey, hotkeys });
  }
  return out;
}
