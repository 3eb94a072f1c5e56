/**
 * The validator's public routes against bad input: a real Fastify server on loopback over a real
 * SQLite store. The node behind it is not started (no chain): these routes read only the store.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTrack, trackDigest, type Track } from '../../shared/protocol/track';
import type { Receipt } from '../../shared/protocol/receipt';
import { ValidatorStatusSchema } from '../../shared/protocol/validator-status';
import { createLogger } from '../log/logger';
import { RateLimiter } from '../net/rate-limit';
import { buildApi } from './api';
import { signReceipt } from './receipts';
import { ValidatorStore } from './store';
import { ValidatorNode } from './validator';

describe('validator API input checks', () => {
  const lines: string[] = [];
  const log = createLogger({ level: 'debug', format: 'json', write: (l) => lines.push(l) });
  let dir: string;
  let store: ValidatorStore;
  let app: FastifyInstance;
  let base: string;
  let track: Track;
  let validatorNode: ValidatorNode;
  const nodeOf = () => validatorNode;

  beforeAll(async () => {
    await cryptoWaitReady();
    dir = mkdtempSync(path.join(tmpdir(), 'sota-api-'));
    store = ValidatorStore.open(path.join(dir, 'v.sqlite'));
    track = makeTrack();
    const pair = new Keyring({ type: 'sr25519' }).addFromUri('//Alice');
    const node = (validatorNode = new ValidatorNode({
      track,
      netuid: 1,
      pair,
      // Not started: the routes under test never reach the chain or the verifier.
      client: undefined as never,
      verifier: undefined as never,
      store,
      masterSecret: new Uint8Array(32),
      log,
      metagraphEveryBlocks: 10,
    }));
    // Five receipts signed in one millisecond: the case that once made a page grow without bound.
    for (let i = 0; i < 5; i++) {
      const r: Receipt = {
        v: 1,
        track: track.id,
        trackDigest: trackDigest(track),
        validator: pair.address,
        round: 0,
        taskSeedCommitment: 'c'.repeat(64),
        digest: i.toString(16).padStart(64, '0'),
        miner: pair.address,
        commitmentBlock: 1,
        holderDigest: 'f'.repeat(64),
        challengerScore: 0.7,
        holderScore: 0.69,
        margin: 0.01,
        verdict: 'reject',
        reason: 'below the margin',
        issuedAt: 1_000,
      };
      store.addReceipt(signReceipt(pair, r));
    }
    app = buildApi({
      node,
      store,
      track,
      masterSecret: new Uint8Array(32),
      limiter: new RateLimiter({ capacity: 5, refillPerSecond: 1 }),
      log,
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await app?.close();
    store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = async (p: string) => {
    const res = await fetch(base + p);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('pages receipts by cursor, never past the limit asked for', async () => {
    const seen: unknown[] = [];
    let next: string | null = null;
    for (let i = 0; i < 10; i++) {
      const page = await get(`/v1/receipts?limit=2${next ? `&after=${next}` : ''}`);
      expect(page.status).toBe(200);
      const receipts = page.body['receipts'] as unknown[];
      expect(receipts.length).toBeLessThanOrEqual(2);
      seen.push(...receipts);
      next = page.body['next'] as string | null;
      if (!next) break;
    }
    expect(seen).toHaveLength(5);
    expect((await get('/v1/receipts')).body['receipts']).toHaveLength(5);
  });

  it('answers bad query values with 400 and a reason, and logs a bounded line', async () => {
    const huge = '9'.repeat(12_000);
    for (const q of [
      'after=-1',
      'after=1.5',
      'after=1e20',
      `after=${huge}`,
      'limit=0',
      'limit=5000',
      'since=0',
    ]) {
      const res = await get(`/v1/receipts?${q}`);
      // 12,000 digits are refused even before the route (414: URI too long).
      expect(res.status === 400 || res.status === 414, `${q.slice(0, 20)}: ${res.status}`).toBe(
        true,
      );
      if (res.status === 400) expect(res.body['error']).toBe('BAD_QUERY');
    }
    expect((await get('/v1/miners/not-an-address')).status).toBe(400);
    expect((await get(`/v1/miners/${huge}`)).status).toBe(414);
    expect((await get('/v1/rounds/-3')).status).toBe(400);
    expect(lines.some((l) => l.includes('"level":"error"'))).toBe(false);
    expect(lines.every((l) => l.length < 2_000)).toBe(true);
    expect((await get('/v1/health')).status).toBe(503); // still answering; no chain here
  });

  it('tells monitors the chain is missing, shows its status, and counts what it refused', async () => {
    const health = await get('/v1/health');
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({
      ok: false,
      chain: { connected: false, block: 0, blockAgeSeconds: null },
    });
    const node = nodeOf();
    // Refused before any chain lookup: a program that does not parse, receipts that are not.
    await node.submit(node.hotkey, 'not a program', 'a'.repeat(64));
    node.receiveReceipts([{ v: 1 }, 'junk']);
    const status = await get('/v1/status');
    expect(status.status).toBe(200);
    expect(ValidatorStatusSchema.parse(status.body).verdicts).toHaveLength(5);
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toContain(
      'sota_validator_submissions_total{outcome="rejected",code="BAD_PROGRAM"} 1',
    );
    expect(text).toContain('sota_validator_receipts_received_total{result="rejected"} 2');
    expect(text).toContain('sota_validator_chain_connected 0');
    expect(text).toContain('sota_validator_judge_queue_depth 0');
    expect(text).toContain('sota_validator_process_resident_memory_bytes');
  });

  it('answers a declared oversized body with 413 before reading it', async () => {
    const url = new URL(`${base}/v1/receipts`);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': 100 * 1024 * 1024 },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
          req.destroy();
        },
      );
      req.on('error', reject);
      // Only the first bytes of the 100 MB announced: the answer must not wait for the rest.
      req.write('{"receipts":[');
    });
    expect(status).toBe(413);
    expect((await get('/v1/health')).status).toBe(503); // still answering; no chain here
  });
});
