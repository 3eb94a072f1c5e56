/**
 * How secrets are encrypted at rest. The keystore only ever hands plaintext to a SecretProtector
 * and stores what comes back; it never writes a secret itself.
 *
 *  - PassphraseProtector (headless nodes): Argon2id (hash-wasm) stretches the passphrase with a
 *    random salt per record, XChaCha20-Poly1305 (@noble/ciphers) encrypts with a random nonce and
 *    authenticates the header too, so a tampered cost parameter fails like a wrong passphrase.
 *  - the desktop shell implements SecretProtector with Electron's safeStorage (OS keychain);
 *    osKeychainProtector adapts any object shaped like safeStorage without importing electron and
 *    refuses Linux's plain-text fallback backend.
 */
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { argon2id } from 'hash-wasm';

import { WalletError } from './errors';
import type { Secret } from './secret';

export interface SecretProtector {
  /** Stored next to each record, so a keystore knows which protector opens it. */
  readonly kind: string;
  protect(plain: Uint8Array): Promise<Uint8Array>;
  /** Throws WalletError WRONG_PASSWORD when the blob does not open with this protector's key. */
  unprotect(blob: Uint8Array): Promise<Uint8Array>;
}

export interface Argon2Cost {
  /** Passes over memory. */
  readonly t: number;
  /** Memory in KiB. */
  readonly m: number;
}

/** ~0.5 s on a 2-core machine: slow for guessing, quick for a node starting up. OWASP's minimum
 * for Argon2id is m=19 MiB, t=2; we use more memory. */
export const DEFAULT_ARGON2ID: Argon2Cost = { t: 3, m: 64 * 1024 };
const MIN_PASSPHRASE_CHARS = 8;

interface Envelope {
  v: 1;
  kdf: 'argon2id';
  t: number;
  m: number;
  p: 1;
  salt: string;
  nonce: string;
  ct: string;
}

const b64 = (u: Uint8Array) => Buffer.from(u).toString('base64');
const unb64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));
const utf8 = (s: string) => new TextEncoder().encode(s);

/** The header bytes authenticated as associated data: everything but nonce and ciphertext. */
function headerAad(e: Pick<Envelope, 'v' | 'kdf' | 't' | 'm' | 'p' | 'salt'>): Uint8Array {
  return utf8(JSON.stringify([e.v, e.kdf, e.t, e.m, e.p, e.salt]));
}

async function deriveKey(passphrase: Secret<string>, salt: Uint8Array, cost: Argon2Cost) {
  return argon2id({
    password: utf8(passphrase.reveal()),
    salt,
    iterations: cost.t,
    memorySize: cost.m,
    parallelism: 1,
    hashLength: 32,
    outputType: 'binary',
  });
}

export class PassphraseProtector implements SecretProtector {
  readonly kind = 'passphrase';

  constructor(
    private readonly passphrase: Secret<string>,
    private readonly cost: Argon2Cost = DEFAULT_ARGON2ID,
  ) {
    if (passphrase.reveal().length < MIN_PASSPHRASE_CHARS)
      throw new WalletError(
        'NO_PASSPHRASE',
        `The keystore passphrase must have at least ${MIN_PASSPHRASE_CHARS} characters.`,
      );
  }

  async protect(plain: Uint8Array): Promise<Uint8Array> {
    const salt = randomBytes(16);
    const nonce = randomBytes(24);
    const head = {
      v: 1,
      kdf: 'argon2id',
      t: this.cost.t,
      m: this.cost.m,
      p: 1,
      salt: b64(salt),
    } as const;
    const key = await deriveKey(this.passphrase, salt, this.cost);
    try {
      const ct = xchacha20poly1305(key, nonce, headerAad(head)).encrypt(plain);
      const env: Envelope = { ...head, nonce: b64(nonce), ct: b64(ct) };
      return utf8(JSON.stringify(env));
    } finally {
      key.fill(0);
    }
  }

  async unprotect(blob: Uint8Array): Promise<Uint8Array> {
    let env: Envelope;
    try {
      env = JSON.parse(new TextDecoder().decode(blob)) as Envelope;
      if (env.v !== 1 || env.kdf !== 'argon2id' || env.p !== 1) throw new Error('version');
      // Bounds keep a hostile file from asking for gigabytes or hours.
      if (!(env.t >= 1 && env.t <= 64 && env.m >= 8 * 1024 && env.m <= 4 * 1024 * 1024))
        throw new Error('cost out of range');
    } catch (err) {
      throw new WalletError('CORRUPT', 'A stored key is not a passphrase-encrypted record.', {
        cause: err,
      });
    }
    const key = await deriveKey(this.passphrase, unb64(env.salt), env);
    try {
      return xchacha20poly1305(key, unb64(env.nonce), headerAad(env)).decrypt(unb64(env.ct));
    } catch (err) {
      throw new WalletError(
        'WRONG_PASSWORD',
        'Wrong keystore passphrase (or the keystore file was modified).',
        { cause: err },
      );
    } finally {
      key.fill(0);
    }
  }
}

/** The part of Electron's safeStorage the keystore needs (structural: no electron import). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Uint8Array;
  decryptString(encrypted: Buffer): string;
  /** Linux only: 'basic_text' means the OS offers no keychain and "encryption" is a fixed key. */
  getSelectedStorageBackend?(): string;
}

/** Backends on Linux that do not actually protect a secret. */
const PLAINTEXT_BACKENDS = new Set(['basic_text', 'unknown']);

export function osKeychainProtector(
  safe: SafeStorageLike,
  platform: NodeJS.Platform = process.platform,
): SecretProtector {
  const check = () => {
    if (!safe.isEncryptionAvailable())
      throw new WalletError('INSECURE_BACKEND', 'The OS keychain is not available on this system.');
    const backend = platform === 'linux' ? safe.getSelectedStorageBackend?.() : undefined;
    if (platform === 'linux' && (backend === undefined || PLAINTEXT_BACKENDS.has(backend)))
      throw new WalletError(
        'INSECURE_BACKEND',
        `No OS keychain (backend "${backend ?? 'unknown'}"): secrets would be stored in plain text. ` +
          'Install and unlock a keyring (GNOME Keyring, KWallet) or use a passphrase instead.',
      );
  };
  return {
    kind: 'os-keychain',
    protect: async (plain) => {
      check();
      // safeStorage takes strings; base64 keeps arbitrary bytes intact.
      return new Uint8Array(safe.encryptString(b64(plain)));
    },
    unprotect: async (blob) => {
      check();
      try {
        return unb64(safe.decryptString(Buffer.from(blob)));
      } catch (err) {
        throw new WalletError('WRONG_PASSWORD', 'The OS keychain could not decrypt this key.', {
          cause: err,
        });
      }
    },
  };
}
