/**
 * Signed requests between nodes (miner → validator, validator → validator, miner → pool).
 *
 * The sender signs, with its hotkey (sr25519), a payload that binds everything that makes the
 * request what it is: the method and path, the hash of the exact body bytes, a timestamp, a random
 * nonce and the hotkey of the node it is meant for. A receiver rejects a request whose time is
 * outside its window, whose nonce it has already seen, or that names another node, so a captured
 * request can be neither replayed nor redirected, and its body cannot be changed.
 */
import { blake2b } from '@noble/hashes/blake2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

export const SIGNED_HEADERS = {
  hotkey: 'x-sota-hotkey',
  timestamp: 'x-sota-timestamp',
  nonce: 'x-sota-nonce',
  target: 'x-sota-target',
  signature: 'x-sota-signature',
} as const;

/** How far a request's timestamp may be from the receiver's clock, either way. */
export const REQUEST_WINDOW_MS = 60_000;

export interface RequestClaims {
  readonly method: string;
  /** Path and query as sent, e.g. "/v1/submissions". */
  readonly path: string;
  /** bodyHash() of the exact body bytes (of an empty body for GET). */
  readonly bodyHash: string;
  /** Milliseconds since the Unix epoch. */
  readonly timestamp: number;
  /** 16 random bytes as 32 hex digits. */
  readonly nonce: string;
  /** SS58 address of the node the request is for. */
  readonly target: string;
}

export function bodyHash(body: Uint8Array): string {
  return bytesToHex(blake2b(body, { dkLen: 32 }));
}

/** The bytes the sender signs: one field per line after a domain tag. */
export function requestSigningBytes(c: RequestClaims): Uint8Array {
  return utf8ToBytes(
    [
      'sota-request-v1',
      c.method.toUpperCase(),
      c.path,
      c.bodyHash,
      String(c.timestamp),
      c.nonce,
      c.target,
    ].join('\n'),
  );
}

export function isNonce(value: string): boolean {
  return /^[0-9a-f]{32}$/.test(value);
}
