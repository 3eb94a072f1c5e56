/**
 * The pool's HTTP API as a miner holding several keys could use it, one rule at a time: Fastify's
 * inject against buildPoolApi with its real WorkLedger in a temporary SQLite file. Who may ask
 * (signed, registered, addressed to this pool, once), how much (rate and size limits), and what
 * a malformed result costs the pool (nothing booked).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Keyring } from '@polkadot/keyring';
import type { KeyringPair } from '@polkadot/keyring/types';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PoolTerms } from '../../shared/pool/terms';
import type { WorkResult, WorkUnit } from '../../shared/pool/units';
import { LINEAR_BASELINE } from '../../shared/protocol/track';
import { parseSearchConfig } from '../../shared/search/config';
import { testPoolTerms } from '../../tests/support/loopback-pool';
import { searchTaskIds } from '../../shared/task/pairs';
import { silentLogger } from '../log/logger';
import { signRequest } from '../net/signed-request';
import { buildPoolApi } from './pool-api';
import { WorkLedger } from './work-ledger';

const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
let poolKey: KeyringPair;
let alice: KeyringPair; // registered
let mallory: KeyringPair; // not registered on the subnet
let terms: PoolTerms;

beforeAll(async () => {
  await cryptoWaitReady();
  poolKey = keyring.addFromUri('//PoolApi');
  alice = keyring.addFromUri('//Alice');
  mallory = keyring.addFromUri('//Mallory');
  const config = parseSearchConfig({
    tasks: { count: 2, firstSeed: 0, features: 16, train: 100, valid: 50 },
  });
  terms = testPoolTerms(config, poolKey.address, searchTaskIds(2, 0));
});

let ledger: WorkLedger;
let api: FastifyInstance;

/** One program on the pool's two tasks. */
const UNIT: WorkUnit = {
  kind: 'evaluate',
  id: '1'.padStart(32, '0'),
  scope: 'set in beforeEach',
  programs: [LINEAR_BASELINE],
  tasks: [0, 1],
};
const answer = (fitness = 0.6): WorkResult => ({
  kind: 'evaluate',
  unit: UNIT.id,
  fitnesses: [[fitness, fitness]],
});
const addUnit = () => ledger.addUnit({ ...UNIT, scope: terms.scope }, 2, Date.now());

beforeEach(async () => {
  ledger = WorkLedger.open(path.join(mkdtempSync(path.join(tmpdir(), 'pool-api-')), 'pool.db'));
  api = buildPoolApi({
    terms,
    ledger,
    ownerOf: (hotkey) => (hotkey === alice.address ? 'alice-coldkey' : undefined),
    log: silentLogger,
  });
  await api.ready();
});

afterEach(async () => {
  await api.close();
  ledger.close();
});

/** A POST as `pair` signs it: to `target` (the pool by default), with the body's exact bytes. */
async function post(
  pair: KeyringPair | null,
  url: string,
  body: unknown,
  o: { target?: string; headers?: Record<string, string> } = {},
) {
  const bytes = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  const headers =
    o.headers ??
    (pair
      ? signRequest(pair, {
          method: 'POST',
          path: url,
          body: bytes,
          target: o.target ?? poolKey.address,
        })
      : {});
  const res = await api.inject({
    method: 'POST',
    url,
    payload: bytes,
    headers: { 'content-type': 'application/json', ...headers },
  });
  return {
    status: res.statusCode,
    headers: res.headers,
    json: res.body ? (JSON.parse(res.body) as Record<string, unknown>) : null,
  };
}

describe('the pool API', () => {
  it('leases only to a signed, registered hotkey addressing this pool, once per signature', async () => {
    addUnit();
    const refused = async (...args: Parameters<typeof post>) => {
      const res = await post(...args);
      return [res.status, res.json?.['error']];
    };
    expect(await refused(null, '/v1/pool/lease', {})).toEqual([400, 'MISSING_HEADER']);
    expect(await refused(mallory, '/v1/pool/lease', {})).toEqual([403, 'NOT_REGISTERED']);
    // Signed for another pool (or validator): not usable here.
    expect(await refused(alice, '/v1/pool/lease', {}, { target: mallory.address })).toEqual([
      401,
      'WRONG_TARGET',
    ]);
    const headers = signRequest(alice, {
      method: 'POST',
      path: '/v1/pool/lease',
      body: Buffer.from('{}'),
      target: poolKey.address,
    });
    const first = await post(alice, '/v1/pool/lease', {}, { headers });
    expect(first.status).toBe(200);
    expect((first.json!['unit'] as { id: string }).id).toBe(UNIT.id);
    // The same signed request again is a replay, refused whatever it asks.
    expect(await refused(alice, '/v1/pool/lease', {}, { headers })).toEqual([409, 'REPLAY']);
    // Nothing left for Alice (she holds the only unit): 204, no body.
    expect((await post(alice, '/v1/pool/lease', {})).status).toBe(204);
  });

  it('refuses a malformed or oversized result and books nothing', async () => {
    addUnit();
    expect((await post(alice, '/v1/pool/lease', {})).status).toBe(200);
    const notJson = await post(alice, '/v1/pool/results', 'not json{');
    expect(notJson.status).toBe(400);
    expect(notJson.json!['error']).toBe('BAD_RESULT');
    const wrongShape = await post(alice, '/v1/pool/results', { kind: 'evaluate', unit: 'x' });
    expect(wrongShape.status).toBe(400);
    // A fitness outside [0, 1] for the right unit: well-formed JSON, refused by the result check.
    const outOfRange = await post(alice, '/v1/pool/results', answer(7));
    expect(outOfRange.status).toBe(400);
    const huge = await post(alice, '/v1/pool/results', {
      ...answer(),
      padding: 'x'.repeat(600 * 1024),
    });
    expect(huge.status).toBe(413);
    expect(ledger.account(alice.address).shares).toBe(0n);
    // The honest answer is still taken afterwards.
    const honest = await post(alice, '/v1/pool/results', answer());
    expect(honest.status).toBe(200);
    expect(honest.json!['status']).toBe('recorded');
  });

  it('limits each hotkey’s rate and says when to retry', async () => {
    let status = 0;
    let sent = 0;
    let retryAfter: unknown;
    while (status !== 429 && sent < 200) {
      const res = await post(alice, '/v1/pool/lease', {});
      status = res.status;
      retryAfter = res.headers['retry-after'];
      sent++;
    }
    expect(status).toBe(429);
    // A burst of about 100 is allowed (refilled at 20 a second while the test sends).
    expect(sent).toBeGreaterThan(100);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  });

  it('answers statements for well-formed addresses only', async () => {
    const bad = await api.inject({ method: 'GET', url: '/v1/pool/miners/not-an-address' });
    expect(bad.statusCode).toBe(400);
    const fresh = await api.inject({ method: 'GET', url: `/v1/pool/miners/${mallory.address}` });
    expect(fresh.statusCode).toBe(200);
    expect(JSON.parse(fresh.body)).toMatchObject({ shares: '0', pendingRao: '0', payouts: [] });
  });
});
