/**
 * The node's keystore: named sr25519 keys, each secret encrypted by a SecretProtector (OS keychain
 * on the desktop, passphrase on headless nodes) and kept in one JSON file (mode 0600).
 *
 * Only public data is ever readable without unlocking: name, SS58 address, kind, source.
 * Writes are atomic (temp file, fsync, rename) and the in-memory list changes only after the file
 * is safely on disk, so a full disk or a crash loses nothing that was there before.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';

import type { KeyringPair } from '@polkadot/keyring/types';

import { silentLogger, type Logger } from '../log/logger';
import {
  readBtcliColdkey,
  readBtcliHotkey,
  readColdkeyPub,
  readKeyfile,
  type BtcliWalletRef,
} from './btcli';
import { WalletError } from './errors';
import { parseKeyInput } from './key-input';
import {
  deserializeKeySecret,
  pairFromKeySecret,
  serializeKeySecret,
  type KeySecret,
  type KeySecretKind,
} from './key-secret';
import { toSs58 } from './keypair';
import type { SecretProtector } from './protector';
import type { Secret } from './secret';

export type KeySource = 'pasted' | 'btcli-hotkey' | 'btcli-coldkey' | 'key-file' | 'watch-only';

/** What the UI and logs may see about a key. */
export interface KeyInfo {
  readonly name: string;
  readonly address: string;
  readonly kind: KeySecretKind | 'public';
  readonly source: KeySource;
  readonly createdAt: string;
}

interface KeyRecord extends KeyInfo {
  readonly protector: string | null;
  /** base64 of the protector's blob; null for watch-only (public) entries. */
  readonly blob: string | null;
}

interface KeystoreFile {
  version: 1;
  keys: KeyRecord[];
}

const NAME_RE = /^[\p{L}\p{N} _.@+-]{1,64}$/u;

function publicInfo(r: KeyRecord): KeyInfo {
  return {
    name: r.name,
    address: r.address,
    kind: r.kind,
    source: r.source,
    createdAt: r.createdAt,
  };
}

export class Keystore {
  private constructor(
    readonly file: string,
    private readonly protector: SecretProtector,
    private records: KeyRecord[],
    private readonly log: Logger,
  ) {}

  /** Opens (or starts) the keystore at `file`. A damaged file is an error, never overwritten. */
  static async open(
    file: string,
    protector: SecretProtector,
    log: Logger = silentLogger,
  ): Promise<Keystore> {
    let records: KeyRecord[] = [];
    let text: string | undefined;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
        throw new WalletError('IO', `Cannot read the keystore ${file}.`, { cause: err });
    }
    if (text !== undefined) {
      try {
        const parsed = JSON.parse(text) as KeystoreFile;
        if (parsed.version !== 1 || !Array.isArray(parsed.keys)) throw new Error('version');
        records = parsed.keys;
      } catch (err) {
        throw new WalletError(
          'CORRUPT',
          `The keystore ${file} is damaged; it was left as it is. Move it away to start a new one.`,
          { cause: err },
        );
      }
    }
    return new Keystore(file, protector, records, log.child('wallet'));
  }

  list(): KeyInfo[] {
    return this.records.map(publicInfo);
  }

  get(name: string): KeyInfo | undefined {
    const r = this.records.find((k) => k.name === name);
    return r && publicInfo(r);
  }

  /** Imports a pasted mnemonic or 0x seed under `name`. */
  async importKey(name: string, input: Secret<string>): Promise<KeyInfo> {
    return this.add(name, parseKeyInput(input), 'pasted');
  }

  /** Imports the hotkey (and, with a password, the coldkey) of a btcli wallet. */
  async importBtcliHotkey(
    name: string,
    ref: BtcliWalletRef & { hotkey: string },
    password?: Secret<string>,
  ): Promise<KeyInfo> {
    const { key } = await readBtcliHotkey(ref, password);
    return this.add(name, key, 'btcli-hotkey');
  }

  async importBtcliColdkey(
    name: string,
    ref: BtcliWalletRef,
    password: Secret<string>,
  ): Promise<KeyInfo> {
    const { key, address } = await readBtcliColdkey(ref, password);
    const pub = await readColdkeyPub(ref).catch(() => null);
    if (pub !== null && pub !== address)
      throw new WalletError(
        'KEY_MISMATCH',
        'The coldkey does not match the wallet’s coldkeypub.txt.',
      );
    return this.add(name, key, 'btcli-coldkey');
  }

  /** Adds only a public coldkey (coldkeypub.txt): enough to show balances and stakes. */
  async addWatchOnly(name: string, ref: BtcliWalletRef): Promise<KeyInfo> {
    return this.addWatchAddress(name, await readColdkeyPub(ref));
  }

  /** Adds only an address (e.g. a browser extension's account): to view, never to sign. */
  async addWatchAddress(name: string, address: string): Promise<KeyInfo> {
    return this.put({
      name: this.checkName(name),
      address: toSs58(address),
      kind: 'public',
      source: 'watch-only',
      createdAt: new Date().toISOString(),
      protector: null,
      blob: null,
    });
  }

  /** Imports a key file (btcli JSON, plain or $NACL) from any path. */
  async importKeyFile(name: string, file: string, password?: Secret<string>): Promise<KeyInfo> {
    const { key } = await readKeyfile(file, 'key file', password);
    return this.add(name, key, 'key-file');
  }

  /** Decrypts a key for signing. */
  async unlock(name: string): Promise<KeyringPair> {
    const r = this.records.find((k) => k.name === name);
    if (!r) throw new WalletError('NOT_FOUND', `No key named "${name}" in the keystore.`);
    if (r.blob === null || r.protector === null)
      throw new WalletError('NOT_FOUND', `"${name}" is watch-only: it has no secret to sign with.`);
    if (r.protector !== this.protector.kind)
      throw new WalletError(
        'WRONG_PASSWORD',
        `"${name}" was encrypted with the ${r.protector} protector, not ${this.protector.kind}.`,
      );
    const plain = await this.protector.unprotect(new Uint8Array(Buffer.from(r.blob, 'base64')));
    let key: KeySecret;
    try {
      key = deserializeKeySecret(plain);
    } finally {
      plain.fill(0);
    }
    const pair = await pairFromKeySecret(key);
    if (pair.address !== r.address)
      throw new WalletError('CORRUPT', `The stored key "${name}" does not match its address.`);
    this.log.info('key unlocked', { name, address: r.address });
    return pair;
  }

  /** Whether any stored key holds a secret (an empty or watch-only keystore has none). */
  hasSecrets(): boolean {
    return this.records.some((r) => r.blob !== null);
  }

  /**
   * Checks that this keystore's protector opens the stored secrets (a passphrase typed by a
   * person): decrypts the first one and forgets it. WRONG_PASSWORD when it does not.
   */
  async checkProtector(): Promise<void> {
    const r = this.records.find((k) => k.blob !== null && k.protector === this.protector.kind);
    if (!r) return;
    const plain = await this.protector.unprotect(new Uint8Array(Buffer.from(r.blob!, 'base64')));
    plain.fill(0);
  }

  async remove(name: string): Promise<void> {
    const next = this.records.filter((k) => k.name !== name);
    if (next.length === this.records.length)
      throw new WalletError('NOT_FOUND', `No key named "${name}" in the keystore.`);
    await this.save(next);
    this.records = next;
    this.log.info('key removed', { name });
  }

  private checkName(name: string): string {
    if (!NAME_RE.test(name))
      throw new WalletError(
        'UNKNOWN_FORMAT',
        'A key name is 1–64 letters, digits, spaces or _.@+-.',
      );
    return name;
  }

  private async add(name: string, key: KeySecret, source: KeySource): Promise<KeyInfo> {
    this.checkName(name);
    const pair = await pairFromKeySecret(key);
    const plain = serializeKeySecret(key);
    let blob: Uint8Array;
    try {
      blob = await this.protector.protect(plain);
    } finally {
      plain.fill(0);
    }
    return this.put({
      name,
      address: pair.address,
      kind: key.kind,
      source,
      createdAt: new Date().toISOString(),
      protector: this.protector.kind,
      blob: Buffer.from(blob).toString('base64'),
    });
  }

  /** Adds or replaces the record named `record.name`, on disk first. */
  private async put(record: KeyRecord): Promise<KeyInfo> {
    const next = [...this.records.filter((k) => k.name !== record.name), record];
    await this.save(next);
    this.records = next;
    this.log.info('key stored', {
      name: record.name,
      address: record.address,
      source: record.source,
    });
    return publicInfo(record);
  }

  private async save(records: KeyRecord[]): Promise<void> {
    const body: KeystoreFile = { version: 1, keys: records };
    const dir = path.dirname(this.file);
    const tmp = path.join(dir, `.${path.basename(this.file)}.${randomUUID()}.tmp`);
    try {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const fh = await open(tmp, 'wx', 0o600);
      try {
        await fh.writeFile(`${JSON.stringify(body, null, 2)}\n`);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, this.file);
    } catch (err) {
      await rm(tmp, { force: true }).catch(() => {});
      const code = (err as NodeJS.ErrnoException).code;
      const why = code === 'ENOSPC' ? 'the disk is full' : (code ?? 'write failed');
      this.log.error('keystore not saved', { file: this.file, reason: why });
      throw new WalletError(
        'IO',
        `Could not save the keystore ${this.file} (${why}); nothing was changed.`,
        { cause: err },
      );
    }
  }
}
