import { Keyring } from '@polkadot/keyring';
import type { KeyringPair } from '@polkadot/keyring/types';
import { u8aToHex } from '@polkadot/util';
import { cryptoWaitReady, decodeAddress, encodeAddress } from '@polkadot/util-crypto';
import { beforeAll, describe, expect, it } from 'vitest';

import { REQUEST_WINDOW_MS, SIGNED_HEADERS } from '../../shared/protocol/request';
import {
  RequestRejected,
  signRequest,
  verifySignedRequest,
  type NonceStore,
  type RejectionCode,
  type VerifyInput,
} from './signed-request';

class MemoryNonces implements NonceStore {
  readonly seen = new Map<string, number>();
  remember(hotkey: string, nonce: string, expiresAt: number): boolean {
    const key = `${hotkey}/${nonce}`;
    if (this.seen.has(key)) return false;
    this.seen.set(key, expiresAt);
    return true;
  }
}

const NOW = 1_760_000_000_000;
const body = new TextEncoder().encode('{"track":"cifar10","program":"x"}');

let alice: KeyringPair;
let bob: KeyringPair;
let validator: KeyringPair;

beforeAll(async () => {
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  alice = keyring.addFromUri('//Alice');
  bob = keyring.addFromUri('//Bob');
  validator = keyring.addFromUri('//Charlie');
});

function signed(
  overrides: Partial<Parameters<typeof signRequest>[1]> = {},
  pair = alice,
): Record<string, string> {
  return signRequest(pair, {
    method: 'POST',
    path: '/v1/submissions',
    body,
    target: validator.address,
    now: NOW,
    ...overrides,
  });
}

function verify(
  headers: VerifyInput['headers'],
  overrides: Partial<VerifyInput> = {},
): ReturnType<typeof verifySignedRequest> {
  return verifySignedRequest({
    method: 'POST',
    path: '/v1/submissions',
    headers,
    body,
    self: validator.address,
    now: NOW,
    nonces: new MemoryNonces(),
    ...overrides,
  });
}

function rejection(fn: () => unknown): RequestRejected {
  try {
    fn();
  } catch (err) {
    if (err instanceof RequestRejected) return err;
    throw err;
  }
  throw new Error('expected a RequestRejected');
}

function expectRejected(fn: () => unknown, code: RejectionCode, status: number): RequestRejected {
  const err = rejection(fn);
  expect(err.code).toBe(code);
  expect(err.status).toBe(status);
  return err;
}

describe('signRequest', () => {
  it('produces the five headers', () => {
    const h = signed();
    expect(Object.keys(h).sort()).toEqual(Object.values(SIGNED_HEADERS).sort());
    expect(h[SIGNED_HEADERS.hotkey]).toBe(alice.address);
    expect(h[SIGNED_HEADERS.timestamp]).toBe(String(NOW));
    expect(h[SIGNED_HEADERS.nonce]).toMatch(/^[0-9a-f]{32}$/);
    expect(h[SIGNED_HEADERS.target]).toBe(validator.address);
    expect(h[SIGNED_HEADERS.signature]).toMatch(/^0x[0-9a-f]{128}$/);
  });

  it('draws a fresh nonce each time and keeps a given one', () => {
    expect(signed()[SIGNED_HEADERS.nonce]).not.toBe(signed()[SIGNED_HEADERS.nonce]);
    expect(signed({ nonce: 'ab'.repeat(16) })[SIGNED_HEADERS.nonce]).toBe('ab'.repeat(16));
    expect(() => signed({ nonce: 'AB'.repeat(16) })).toThrow(/nonce/);
  });

  it('refuses a non-sr25519 pair', () => {
    const ed = new Keyring({ type: 'ed25519', ss58Format: 42 }).addFromUri('//Alice');
    expect(() => signed({}, ed)).toThrow(/sr25519/);
  });
});

describe('verifySignedRequest', () => {
  it('accepts a valid request and remembers its nonce until the window closes', () => {
    const nonces = new MemoryNonces();
    const h = signed();
    const result = verify(h, { nonces, isRegistered: (k) => k === alice.address });
    expect(result).toEqual({
      hotkey: alice.address,
      timestamp: NOW,
      nonce: h[SIGNED_HEADERS.nonce],
    });
    expect(nonces.seen.get(`${alice.address}/${h[SIGNED_HEADERS.nonce]}`)).toBe(
      NOW + REQUEST_WINDOW_MS,
    );
  });

  it('accepts a GET with an empty body, mixed-case header names and lower-case method', () => {
    const empty = new Uint8Array();
    const h = signed({ method: 'get', path: '/v1/receipts?round=3', body: empty });
    const upper = Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toUpperCase(), v]));
    expect(verify(upper, { method: 'GET', path: '/v1/receipts?round=3', body: empty }).hotkey).toBe(
      alice.address,
    );
  });

  it('accepts timestamps at the edges of the window', () => {
    expect(verify(signed({ now: NOW - REQUEST_WINDOW_MS })).timestamp).toBe(
      NOW - REQUEST_WINDOW_MS,
    );
    expect(verify(signed({ now: NOW + REQUEST_WINDOW_MS })).timestamp).toBe(
      NOW + REQUEST_WINDOW_MS,
    );
  });

  it('rejects a stale request', () => {
    const err = expectRejected(
      () => verify(signed({ now: NOW - REQUEST_WINDOW_MS - 1 })),
      'STALE',
      401,
    );
    expect(err.message).toMatch(/behind/);
    // The same request, received long after it was signed.
    expectRejected(() => verify(signed(), { now: NOW + 5 * 60_000 }), 'STALE', 401);
  });

  it('rejects a request from the future', () => {
    const err = expectRejected(
      () => verify(signed({ now: NOW + REQUEST_WINDOW_MS + 1 })),
      'STALE',
      401,
    );
    expect(err.message).toMatch(/ahead of/);
  });

  it('honours a custom window', () => {
    expectRejected(() => verify(signed({ now: NOW - 2000 }), { windowMs: 1000 }), 'STALE', 401);
  });

  it('rejects a request signed for another node', () => {
    const h = signed({ target: bob.address });
    const err = expectRejected(() => verify(h), 'WRONG_TARGET', 401);
    expect(err.message).toContain(bob.address);
    // Rewriting the target header to ours breaks the signature instead.
    expectRejected(
      () => verify({ ...h, [SIGNED_HEADERS.target]: validator.address }),
      'BAD_SIGNATURE',
      401,
    );
  });

  it('rejects a body changed after signing', () => {
    const tampered = new TextEncoder().encode('{"track":"cifar10","program":"y"}');
    expectRejected(() => verify(signed(), { body: tampered }), 'BAD_SIGNATURE', 401);
  });

  it('rejects a changed path, method, timestamp or nonce', () => {
    const h = signed();
    expectRejected(() => verify(h, { path: '/v1/receipts' }), 'BAD_SIGNATURE', 401);
    expectRejected(() => verify(h, { method: 'PUT' }), 'BAD_SIGNATURE', 401);
    expectRejected(
      () => verify({ ...h, [SIGNED_HEADERS.timestamp]: String(NOW + 1) }),
      'BAD_SIGNATURE',
      401,
    );
    expectRejected(
      () => verify({ ...h, [SIGNED_HEADERS.nonce]: '0'.repeat(32) }),
      'BAD_SIGNATURE',
      401,
    );
  });

  it("rejects Bob's signature under Alice's hotkey, and never echoes the signature", () => {
    const byBob = signed({}, bob);
    const forged = { ...byBob, [SIGNED_HEADERS.hotkey]: alice.address };
    const err = expectRejected(() => verify(forged), 'BAD_SIGNATURE', 401);
    expect(err.message).not.toContain(byBob[SIGNED_HEADERS.signature]);
    expect(err.message).not.toContain(byBob[SIGNED_HEADERS.signature]!.slice(2, 20));
  });

  it('does not touch the nonce store for forged or unregistered requests', () => {
    const nonces = new MemoryNonces();
    const forged = { ...signed({}, bob), [SIGNED_HEADERS.hotkey]: alice.address };
    expectRejected(() => verify(forged, { nonces }), 'BAD_SIGNATURE', 401);
    expectRejected(
      () => verify(signed(), { nonces, isRegistered: () => false }),
      'NOT_REGISTERED',
      403,
    );
    expect(nonces.seen.size).toBe(0);
  });

  it('rejects a replay of identical headers', () => {
    const nonces = new MemoryNonces();
    const h = signed();
    verify(h, { nonces });
    expectRejected(() => verify(h, { nonces, now: NOW + 1000 }), 'REPLAY', 409);
    // The same nonce is still fine for another hotkey.
    expect(verify(signed({ nonce: h[SIGNED_HEADERS.nonce] }, bob), { nonces }).hotkey).toBe(
      bob.address,
    );
  });

  it('rejects a replay under another SS58 spelling of the same hotkey', () => {
    const nonces = new MemoryNonces();
    const h = signed();
    verify(h, { nonces });
    const polkadotSpelling = encodeAddress(decodeAddress(alice.address), 0);
    expectRejected(
      () => verify({ ...h, [SIGNED_HEADERS.hotkey]: polkadotSpelling }, { nonces }),
      'BAD_HEADER',
      400,
    );
    expectRejected(
      () => verify({ ...h, [SIGNED_HEADERS.hotkey]: u8aToHex(alice.publicKey) }, { nonces }),
      'BAD_HEADER',
      400,
    );
  });

  it('rejects an unregistered hotkey', () => {
    const err = expectRejected(
      () => verify(signed({}, bob), { isRegistered: (k) => k === alice.address }),
      'NOT_REGISTERED',
      403,
    );
    expect(err.message).toContain(bob.address);
  });

  it('rejects missing headers', () => {
    for (const name of Object.values(SIGNED_HEADERS)) {
      const h: Record<string, string | undefined> = { ...signed() };
      delete h[name];
      const err = expectRejected(() => verify(h), 'MISSING_HEADER', 400);
      expect(err.message).toContain(name);
      expectRejected(() => verify({ ...signed(), [name]: '' }), 'MISSING_HEADER', 400);
    }
  });

  it('rejects malformed headers', () => {
    const h = signed();
    const bad = (name: string, value: string | string[]): void => {
      const err = expectRejected(() => verify({ ...h, [name]: value }), 'BAD_HEADER', 400);
      expect(err.message).toContain(name);
    };
    bad(SIGNED_HEADERS.hotkey, 'not-an-address');
    bad(SIGNED_HEADERS.hotkey, `${alice.address.slice(0, -1)}x`); // checksum broken
    bad(SIGNED_HEADERS.timestamp, 'yesterday');
    bad(SIGNED_HEADERS.timestamp, '1.5');
    bad(SIGNED_HEADERS.timestamp, '-1');
    bad(SIGNED_HEADERS.timestamp, `0${NOW}`);
    bad(SIGNED_HEADERS.nonce, 'zz'.repeat(16));
    bad(SIGNED_HEADERS.nonce, 'ab'.repeat(15));
    bad(SIGNED_HEADERS.signature, h[SIGNED_HEADERS.signature]!.slice(2)); // no 0x
    bad(SIGNED_HEADERS.signature, `0x${'g'.repeat(128)}`);
    bad(SIGNED_HEADERS.signature, h[SIGNED_HEADERS.signature]!.slice(0, -2));
    bad(SIGNED_HEADERS.hotkey, [alice.address, bob.address]);
    bad(SIGNED_HEADERS.signature, [h[SIGNED_HEADERS.signature]!, h[SIGNED_HEADERS.signature]!]);
  });

  it('checks cheap things before the signature and the signature before registration', () => {
    const forged = {
      ...signed({ target: bob.address }, bob),
      [SIGNED_HEADERS.hotkey]: alice.address,
    };
    expectRejected(() => verify(forged), 'WRONG_TARGET', 401);
    const staleForged = {
      ...signed({ now: NOW - 10 * 60_000 }, bob),
      [SIGNED_HEADERS.hotkey]: alice.address,
    };
    expectRejected(() => verify(staleForged), 'STALE', 401);
    let asked = false;
    const forgedFresh = { ...signed({}, bob), [SIGNED_HEADERS.hotkey]: alice.address };
    expectRejected(
      () =>
        verify(forgedFresh, {
          isRegistered: () => {
            asked = true;
            return false;
          },
        }),
      'BAD_SIGNATURE',
      401,
    );
    expect(asked).toBe(false);
  });
});
