/**
 * The pool's HTTP API (issue #7). Miners sign every request with their hotkey, as in direct
 * mode (src-main/net/signed-api.ts); the pool's terms and the share table are public, so every
 * miner can check its share of a split.
 *
 *   GET  /v1/pool                  terms: hotkey, fee, search configuration and tasks, lease time
 *   POST /v1/pool/lease            signed, {}            → 200 { unit, expiresAt } | 204 no work
 *   POST /v1/pool/results          signed, a WorkResult  → 200 { status, verdict? }
 *   GET  /v1/pool/miners/:hotkey   a miner's statement: shares, reputation, pending, payouts
 *   GET  /v1/pool/shares           every miner's shares in the window in progress
 *   GET  /v1/pool/windows          closed reward windows, newest first: shares, split, unstake
 *   GET  /v1/health                200 (503 while its chain does not answer), with unit counts
 *   GET  /metrics                  Prometheus text (pool-metrics.ts)
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { MinerStatement, RewardWindowView } from '../../shared/pool/statement';
import { WorkResultSchema } from '../../shared/pool/units';
import { resultProblem } from '../../shared/pool/result-check';
import type { PoolTerms } from '../../shared/pool/terms';
import type { Logger } from '../log/logger';
import { RateLimiter } from '../net/rate-limit';
import { jsonBody, keepJsonBodiesAsBytes, signedRequestAuthenticator } from '../net/signed-api';
import type { PoolMetrics } from './pool-metrics';
import type { RewardWindow, SubmitOutcome, WorkLedger } from './work-ledger';

/** Largest result body: an evolve result of 16 programs is far below it. */
const MAX_RESULT_BYTES = 512 * 1024;

export interface PoolApiDeps {
  readonly terms: PoolTerms;
  readonly ledger: WorkLedger;
  /**
   * Who controls a hotkey that may work for the pool (its coldkey, read from the chain), or
   * undefined when it may not (not registered on the subnet). Replicas of a unit go to distinct
   * owners, so agreement between them means something.
   */
  readonly ownerOf: (hotkey: string) => string | undefined;
  /** Called before each lease, for the pool to plan work when its units are all taken. */
  readonly beforeLease?: () => void;
  /**
   * Called when a miner finds no unit it may take (it has answered every open one): true when
   * the pool planned one more, to lease again.
   */
  readonly onNoWork?: () => boolean;
  /** Called after each result counted, with its outcome, for the pool to learn and plan. */
  readonly onResult?: (unit: string, outcome: SubmitOutcome) => void;
  /** Counts leases and results, and serves GET /metrics. */
  readonly metrics?: PoolMetrics;
  /** Whether the chain answers; null (or absent) for a pool run without one. */
  readonly chainConnected?: () => boolean | null;
  readonly log: Logger;
}

export function buildPoolApi(deps: PoolApiDeps): FastifyInstance {
  const { terms, ledger, log } = deps;
  const app = Fastify({ logger: false, bodyLimit: MAX_RESULT_BYTES });
  keepJsonBodiesAsBytes(app);
  // Per hotkey: a many-threaded miner sends a few requests a second; bursts beyond are refused.
  const limiter = new RateLimiter({ capacity: 100, refillPerSecond: 20 });
  const authenticate = signedRequestAuthenticator({
    self: terms.hotkey,
    nonces: { remember: (h, n, exp) => ledger.rememberNonce(h, n, exp) },
    log,
  });

  app.get('/v1/pool', async () => terms);

  // For monitors: 503 while the chain a pool needs (owners, claims, payouts) does not answer.
  app.get('/v1/health', async (_req, reply) => {
    const chain = deps.chainConnected?.() ?? null;
    const ok = chain !== false;
    return reply
      .code(ok ? 200 : 503)
      .send({ ok, hotkey: terms.hotkey, chainConnected: chain, units: ledger.unitCounts() });
  });

  /** The signed sender, or null when the reply (401/403/429) is already sent. */
  const sender = (req: FastifyRequest, reply: FastifyReply): string | null => {
    const miner = authenticate(req, reply, (h) => deps.ownerOf(h) !== undefined);
    if (!miner) return null;
    if (limiter.take(miner, Date.now())) return miner;
    const retry = Math.ceil(limiter.retryAfterMs(miner, Date.now()) / 1000);
    log.warn('pool request rate-limited', { miner });
    void reply
      .code(429)
      .header('retry-after', String(retry))
      .send({ error: 'RATE_LIMITED', message: `too many requests; retry in ${retry} s` });
    return null;
  };

  app.post('/v1/pool/lease', async (req, reply) => {
    const miner = sender(req, reply);
    if (!miner) return reply;
    deps.beforeLease?.();
    const leaseMs = terms.leaseSeconds * 1000;
    const owner = deps.ownerOf(miner) ?? miner;
    let lease = ledger.lease(miner, Date.now(), leaseMs, owner);
    if (!lease && deps.onNoWork?.()) lease = ledger.lease(miner, Date.now(), leaseMs, owner);
    deps.metrics?.lease(lease !== null);
    if (!lease) return reply.code(204).send();
    log.debug('unit leased', { unit: lease.unit.id, miner });
    return lease;
  });

  app.post('/v1/pool/results', async (req, reply) => {
    const miner = sender(req, reply);
    if (!miner) return reply;
    const parsed = WorkResultSchema.safeParse(jsonBody(req));
    if (!parsed.success) {
      log.warn('result refused', { miner, reason: parsed.error.issues[0]?.message });
      return reply
        .code(400)
        .send({ error: 'BAD_RESULT', message: parsed.error.issues[0]?.message ?? 'bad result' });
    }
    // Programs that would not parse, are not canonical or are over budget never reach the book.
    const outcome = ledger.submit(miner, parsed.data, Date.now(), (unit, result) =>
      resultProblem(unit, result, terms.config),
    );
    deps.metrics?.result(outcome);
    if (outcome.status === 'refused')
      return reply.code(400).send({ error: 'BAD_RESULT', message: outcome.reason });
    if (outcome.status !== 'recorded')
      log.info('result not counted', { miner, unit: parsed.data.unit, status: outcome.status });
    deps.onResult?.(parsed.data.unit, outcome);
    return outcome;
  });

  app.get<{ Params: { hotkey: string } }>('/v1/pool/miners/:hotkey', async (req, reply) => {
    const miner = req.params.hotkey;
    if (!/^[1-9A-HJ-NP-Za-km-z]{40,60}$/.test(miner))
      return reply.code(400).send({ error: 'BAD_ADDRESS', message: 'not an SS58 address' });
    const a = ledger.account(miner);
    const { pending, paid } = ledger.balances(miner);
    const statement: MinerStatement = {
      ...a,
      shares: a.shares.toString(),
      pendingRao: pending.toString(),
      paidRao: paid.toString(),
      payouts: ledger.payouts(miner, 50).map((p) => ({
        window: p.window,
        amountRao: p.amount.toString(),
        payee: p.payee,
        txHash: p.txHash,
        paidAt: p.paidAt,
      })),
    };
    return statement;
  });

  app.get('/v1/pool/shares', async () => decimalRecord(ledger.shares()));

  app.get('/v1/pool/windows', async () => ({ windows: ledger.windows(20).map(windowView) }));

  // Prometheus text (pool-metrics.ts): counts and totals the share table already makes public.
  const metrics = deps.metrics;
  if (metrics)
    app.get('/metrics', async (_req, reply) =>
      reply.header('content-type', metrics.contentType).send(await metrics.text()),
    );

  return app;
}

function decimalRecord(m: ReadonlyMap<string, bigint>): Record<string, string> {
  return Object.fromEntries([...m].map(([k, v]) => [k, v.toString()]));
}

function windowView(w: RewardWindow): RewardWindowView {
  return {
    id: w.id,
    closedAt: w.closedAt,
    block: w.block,
    totalRao: w.total.toString(),
    feeRao: w.fee.toString(),
    feeBps: w.feeBps,
    earnedAlpha: w.earnedAlpha?.toString() ?? null,
    unstakeTx: w.unstakeTx,
    shares: decimalRecord(w.shares),
    amounts: decimalRecord(w.amounts),
  };
}
