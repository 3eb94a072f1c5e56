/**
 * Signing and verifying node-to-node requests (shared/protocol/request.ts has the payload).
 *
 * The sender puts five headers on the request; the receiver checks them in an order that keeps
 * forged traffic cheap to refuse: well-formed headers, the target, the clock window, the signature,
 * registration, and only then the nonce store, so a request nobody signed can never grow it.
 *
 * Only sr25519 signatures are accepted (Bittensor hotkeys). The hotkey header itself is not signed,
 * so it must be the canonical SS58 (format 42) spelling: otherwise the same key written with another
 * prefix would be a new name for the nonce store and a captured request could be replayed under it.
 */
import { u8aToHex } from '@polkadot/util';
import { decodeAddress, encodeAddress, randomAsU8a, sr25519Verify } from '@polkadot/util-crypto';

import {
  REQUEST_WINDOW_MS,
  SIGNED_HEADERS,
  bodyHash,
  isNonce,
  requestSigningBytes,
} from '../../shared/protocol/request';
import type { KeyringPair } from '../wallet/keypair';
import { SS58_FORMAT } from '../wallet/keypair';

export type RejectionCode =
  | 'MISSING_HEADER'
  | 'BAD_HEADER'
  | 'STALE'
  | 'WRONG_TARGET'
  | 'BAD_SIGNATURE'
  | 'REPLAY'
  | 'NOT_REGISTERED'
  | 'RATE_LIMITED'
  | 'TOO_LARGE'
  | 'BAD_BODY';

/** The HTTP status a receiver answers with for each rejection. */
export const REJECTION_STATUS: Readonly<Record<RejectionCode, number>> = {
  MISSING_HEADER: 400,
  BAD_HEADER: 400,
  BAD_BODY: 400,
  STALE: 401,
  WRONG_TARGET: 401,
  BAD_SIGNATURE: 401,
  NOT_REGISTERED: 403,
  REPLAY: 409,
  TOO_LARGE: 413,
  RATE_LIMITED: 429,
};

/** A request the receiver refuses; `message` is safe to send back to the sender. */
export class RequestRejected extends Error {
  override readonly name = 'RequestRejected';
  readonly code: RejectionCode;
  readonly status: number;
  /** For RATE_LIMITED: how long the sender should wait (a Retry-After header). */
  readonly retryAfterMs: number | undefined;

  constructor(
    code: RejectionCode,
    message: string,
    options: { retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = REJECTION_STATUS[code];
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** Remembers the nonces of accepted requests until their timestamps leave the window. */
export interface NonceStore {
  /** Records the nonce; false if this hotkey already used it (the request is a replay). */
  remember(hotkey: string, nonce: string, expiresAt: number): boolean;
}

export interface SignRequestInput {
  readonly method: string;
  /** Path and query exactly as they will be sent, e.g. "/v1/submissions". */
  readonly path: string;
  /** The exact body bytes that will be sent (empty for GET). */
  readonly body: Uint8Array;
  /** SS58 address of the receiving node. */
  readonly target: string;
  /** Milliseconds since the epoch; default Date.now(). */
  readonly now?: number;
  /** 32 lowercase hex digits; default 16 fresh random bytes. */
  readonly nonce?: string;
}

/** The five SIGNED_HEADERS for a request, signed with `pair` (an sr25519 hotkey). */
export function signRequest(pair: KeyringPair, req: SignRequestInput): Record<string, string> {
  if (pair.type !== 'sr25519')
    throw new Error(`Requests are signed with an sr25519 hotkey, not ${pair.type}.`);
  const timestamp = req.now ?? Date.now();
  if (!Number.isSafeInteger(timestamp) || timestamp < 0)
    throw new Error('Request timestamp must be a non-negative integer of milliseconds.');
  const nonce = req.nonce ?? u8aToHex(randomAsU8a(16), -1, false);
  if (!isNonce(nonce)) throw new Error('Request nonce must be 32 lowercase hex digits.');
  const message = requestSigningBytes({
    method: req.method,
    path: req.path,
    bodyHash: bodyHash(req.body),
    timestamp,
    nonce,
    target: req.target,
  });
  return {
    [SIGNED_HEADERS.hotkey]: pair.address,
    [SIGNED_HEADERS.timestamp]: String(timestamp),
    [SIGNED_HEADERS.nonce]: nonce,
    [SIGNED_HEADERS.target]: req.target,
    [SIGNED_HEADERS.signature]: u8aToHex(pair.sign(message)),
  };
}

export interface VerifyInput {
  readonly method: string;
  /** Path and query as received (the request line), e.g. "/v1/submissions". */
  readonly path: string;
  /** Request headers as Node gives them (lower-case names); other spellings are found too. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The exact body bytes received. */
  readonly body: Uint8Array;
  /** Our own hotkey (SS58): requests must name it as their target. */
  readonly self: string;
  readonly now: number;
  readonly nonces: NonceStore;
  /** Whether the hotkey is registered on the subnet; not checked when absent. */
  readonly isRegistered?: (hotkey: string) => boolean;
  /** Allowed clock difference either way; default REQUEST_WINDOW_MS. */
  readonly windowMs?: number;
}

export interface VerifiedRequest {
  /** The signer's hotkey, canonical SS58 (format 42). */
  readonly hotkey: string;
  readonly timestamp: number;
  readonly nonce: string;
}

const SIGNATURE_RE = /^0x[0-9a-fA-F]{128}$/;
const TIMESTAMP_RE = /^(?:0|[1-9][0-9]{0,15})$/;

function header(headers: VerifyInput['headers'], name: string): string {
  let value = headers[name];
  if (value === undefined) {
    const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
    value = key === undefined ? undefined : headers[key];
  }
  if (value === undefined || value === '')
    throw new RequestRejected('MISSING_HEADER', `Missing header ${name}; sign the request.`);
  if (Array.isArray(value))
    throw new RequestRejected('BAD_HEADER', `Header ${name} was sent more than once.`);
  return value.trim();
}

function parseHotkey(value: string): Uint8Array {
  let publicKey: Uint8Array;
  try {
    publicKey = decodeAddress(value);
  } catch {
    throw new RequestRejected(
      'BAD_HEADER',
      `Header ${SIGNED_HEADERS.hotkey} is not a valid SS58 address.`,
    );
  }
  if (publicKey.length !== 32 || encodeAddress(publicKey, SS58_FORMAT) !== value)
    throw new RequestRejected(
      'BAD_HEADER',
      `Header ${SIGNED_HEADERS.hotkey} must be the hotkey's SS58 address in format ${SS58_FORMAT} (starting with 5).`,
    );
  return publicKey;
}

function seconds(ms: number): string {
  return `${Math.round(ms / 1000)} s`;
}

/**
 * Checks a signed request; returns who sent it or throws RequestRejected. Call after
 * cryptoReady(). Remembers the nonce of an accepted request in `nonces`.
 */
export function verifySignedRequest(input: VerifyInput): VerifiedRequest {
  const windowMs = input.windowMs ?? REQUEST_WINDOW_MS;

  // 1. Headers present and well formed.
  const hotkey = header(input.headers, SIGNED_HEADERS.hotkey);
  const timestampText = header(input.headers, SIGNED_HEADERS.timestamp);
  const nonce = header(input.headers, SIGNED_HEADERS.nonce);
  const target = header(input.headers, SIGNED_HEADERS.target);
  const signature = header(input.headers, SIGNED_HEADERS.signature);

  const publicKey = parseHotkey(hotkey);
  if (!TIMESTAMP_RE.test(timestampText))
    throw new RequestRejected(
      'BAD_HEADER',
      `Header ${SIGNED_HEADERS.timestamp} must be an integer number of milliseconds since the Unix epoch.`,
    );
  const timestamp = Number(timestampText);
  if (!isNonce(nonce))
    throw new RequestRejected(
      'BAD_HEADER',
      `Header ${SIGNED_HEADERS.nonce} must be 32 lowercase hex digits (16 random bytes).`,
    );
  if (!SIGNATURE_RE.test(signature))
    throw new RequestRejected(
      'BAD_HEADER',
      `Header ${SIGNED_HEADERS.signature} must be 0x followed by 128 hex digits (an sr25519 signature).`,
    );

  // 2. Meant for us.
  if (target !== input.self)
    throw new RequestRejected(
      'WRONG_TARGET',
      `This request is addressed to ${target}, but this node is ${input.self}; sign it for the node you send it to.`,
    );

  // 3. Fresh.
  const skew = input.now - timestamp;
  if (Math.abs(skew) > windowMs)
    throw new RequestRejected(
      'STALE',
      `Request timestamp is ${seconds(Math.abs(skew))} ${skew > 0 ? 'behind' : 'ahead of'} this node's clock ` +
        `(allowed: ${seconds(windowMs)} either way); sign each request just before sending it and check the sender's clock (NTP).`,
    );

  // 4. Signed by the hotkey over exactly this request.
  const message = requestSigningBytes({
    method: input.method,
    path: input.path,
    bodyHash: bodyHash(input.body),
    timestamp,
    nonce,
    target,
  });
  let valid: boolean;
  try {
    valid = sr25519Verify(message, signature, publicKey);
  } catch {
    valid = false;
  }
  if (!valid)
    throw new RequestRejected(
      'BAD_SIGNATURE',
      `The signature does not match hotkey ${hotkey} for this method, path, body, timestamp, nonce and target; ` +
        `sign with that hotkey's sr25519 key and send exactly the bytes that were signed.`,
    );

  // 5. A member of the subnet.
  if (input.isRegistered && !input.isRegistered(hotkey))
    throw new RequestRejected(
      'NOT_REGISTERED',
      `Hotkey ${hotkey} is not registered on this subnet; register it before sending requests.`,
    );

  // 6. Not seen before (only signed, registered requests reach the store).
  if (!input.nonces.remember(hotkey, nonce, timestamp + windowMs))
    throw new RequestRejected(
      'REPLAY',
      `Nonce ${nonce} was already used by ${hotkey}; use a fresh random nonce for every request.`,
    );

  return { hotkey, timestamp, nonce };
}
