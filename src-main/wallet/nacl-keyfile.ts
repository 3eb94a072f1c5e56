/**
 * btwallet's "$NACL" key file encryption (what `btcli wallet create` writes for coldkeys):
 *
 *   "$NACL" ‖ nonce (24 bytes) ‖ XSalsa20-Poly1305 secretbox (16-byte tag ‖ ciphertext)
 *   key = Argon2i v1.3 (password, fixed 16-byte salt, t=8, m=512 MiB, p=1, 32 bytes)
 *
 * The salt and cost are libsodium's crypto_pwhash_argon2i OPSLIMIT/MEMLIMIT_SENSITIVE and are not
 * stored in the file, so they are constants here. Argon2i runs in WebAssembly (hash-wasm):
 * the same derivation in plain JavaScript takes ~50 s on a 2-core machine, in WASM ~5 s.
 */
import { xsalsa20poly1305 } from '@noble/ciphers/salsa.js';
import { argon2i } from 'hash-wasm';

import { WalletError } from './errors';
import type { Secret } from './secret';

export const NACL_PREFIX = '$NACL';
/** btwallet's NACL_SALT, b"\x13q\x83\xdf\xf1Z\t\xbc\x9c\x90\xb5Q\x879\xe9\xb1". */
export const NACL_SALT = Uint8Array.from([
  0x13, 0x71, 0x83, 0xdf, 0xf1, 0x5a, 0x09, 0xbc, 0x9c, 0x90, 0xb5, 0x51, 0x87, 0x39, 0xe9, 0xb1,
]);
export const NACL_ARGON2 = { iterations: 8, memoryKiB: 512 * 1024, parallelism: 1 } as const;
const NONCE_BYTES = 24;
const TAG_BYTES = 16;

export type KeyfileEncryption = 'nacl' | 'ansible' | 'legacy' | 'none';

const ascii = (s: string) => new TextEncoder().encode(s);
function startsWith(data: Uint8Array, prefix: string): boolean {
  const p = ascii(prefix);
  return data.length >= p.length && p.every((b, i) => data[i] === b);
}

/** How btwallet encrypted a key file (by its magic prefix), or 'none' for plain JSON. */
export function keyfileEncryption(data: Uint8Array): KeyfileEncryption {
  if (startsWith(data, NACL_PREFIX)) return 'nacl';
  if (startsWith(data, '$ANSIBLE_VAULT')) return 'ansible';
  if (startsWith(data, 'gAAAAA')) return 'legacy';
  return 'none';
}

/** The 32-byte secretbox key btwallet derives from a password. ~5 s and 512 MiB: call once. */
export async function deriveNaclKey(password: Secret<string>): Promise<Uint8Array> {
  return argon2i({
    password: ascii(password.reveal()),
    salt: NACL_SALT,
    iterations: NACL_ARGON2.iterations,
    memorySize: NACL_ARGON2.memoryKiB,
    parallelism: NACL_ARGON2.parallelism,
    hashLength: 32,
    outputType: 'binary',
  });
}

/** Decrypts a "$NACL" key file. A wrong password fails the Poly1305 tag: WRONG_PASSWORD. */
export async function decryptNaclKeyfile(
  data: Uint8Array,
  password: Secret<string>,
): Promise<Uint8Array> {
  const kind = keyfileEncryption(data);
  if (kind !== 'nacl') {
    throw new WalletError(
      kind === 'none' ? 'UNKNOWN_FORMAT' : 'UNSUPPORTED_ENCRYPTION',
      kind === 'none'
        ? 'The key file is not NaCl-encrypted.'
        : `The key file uses btwallet's old ${kind} encryption; re-encrypt it with ` +
            '`btcli wallet update` (it then uses $NACL), then import again.',
    );
  }
  const body = data.subarray(NACL_PREFIX.length);
  if (body.length < NONCE_BYTES + TAG_BYTES)
    throw new WalletError('CORRUPT', 'The $NACL key file is truncated.');
  const key = await deriveNaclKey(password);
  try {
    return xsalsa20poly1305(key, body.subarray(0, NONCE_BYTES)).decrypt(body.subarray(NONCE_BYTES));
  } catch (err) {
    throw new WalletError(
      'WRONG_PASSWORD',
      'Wrong password for this key file (or the file is damaged).',
      { cause: err },
    );
  } finally {
    key.fill(0);
  }
}
