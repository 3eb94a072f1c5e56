/**
 * The validator's HTTP API (announced on chain with serve_axon).
 *
 * Signed (src-main/net/signed-request.ts): POST /v1/submissions from registered miners, POST
 * /v1/receipts from validators. Public, for anyone to check the subnet's verdicts: the state of the
 * art and its history, the tracks it judges with their digests (GET /v1/tracks), a miner's
 * submissions and receipts, receipts by program (paged), holders' programs, the secrets of
 * finished rounds, and the validators with the audits of their rounds.
 * For operators: GET /v1/health (chain connection and lag), GET /v1/status (queue, latest verdicts,
 * weights, peers and their agreement: what its dashboard shows) and GET /metrics (Prometheus).
 *
 * A request body is read as raw bytes (its hash is what the sender signed), capped before it is
 * read, and parsed only after the signature checks out. Nothing a peer sends can crash the node:
 * every failure becomes a 4xx answer with a reason, and a log line.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { z } from 'zod';
import { roundSecret, seedCommitment } from '../../shared/protocol/hidden-tasks';
import type { Receipt } from '../../shared/protocol/receipt';
import { MAX_SUBMISSION_BYTES, SubmissionSchema } from '../../shared/protocol/submission';
import { trackDigest, type Track } from '../../shared/protocol/track';
import type { Logger } from '../log/logger';
import { RateLimiter } from '../net/rate-limit';
import { jsonBody, keepJsonBodiesAsBytes, signedRequestAuthenticator } from '../net/signed-api';
import type { NonceStore } from '../net/signed-request';
import {
  DEFAULT_RECEIPT_PAGE,
  formatCursor,
  parseCursor,
  ReceiptQuerySchema,
} from './receipt-paging';
import { blockAgeSeconds } from './metrics';
import { GENESIS_PLAYER, RatingsBook } from './ratings';
import { MAX_RECEIPT_PAGE, type ValidatorStore } from './store';
import type { ValidatorNode } from './validator';

const MAX_RECEIPTS_BODY = 1024 * 1024;
/**
 * Receipts one POST may carry: a validator posts each verdict as it signs it (one); catching up
 * is a pull (GET /v1/receipts), so a larger batch is only a way to buy work in bulk.
 */
const MAX_POSTED_RECEIPTS = 50;
const HEX64 = /^[0-9a-f]{64}$/;
const SS58 = /^[1-9A-HJ-NP-Za-km-z]{40,60}$/;

const RelaySchema = SubmissionSchema.extend({ miner: z.string().regex(SS58) }).strict();

export interface ApiDeps {
  readonly node: ValidatorNode;
  readonly store: ValidatorStore;
  readonly track: Track;
  readonly masterSecret: Uint8Array;
  readonly limiter: RateLimiter;
  readonly log: Logger;
}

export function buildApi(deps: ApiDeps): FastifyInstance {
  const { node, store, track, log } = deps;
  const ownDigest = trackDigest(track);
  /** Why a submission for `body`'s track is not judged here, or null when it is this track. */
  const wrongTrack = (body: { track: string; trackDigest?: string }): string | null =>
    body.track !== track.id
      ? `this validator judges ${track.id}, not ${body.track}`
      : body.trackDigest !== undefined && body.trackDigest !== ownDigest
        ? `this validator runs ${track.id} with digest ${ownDigest}; your track's digest is ${body.trackDigest} (read the track from GET /v1/tracks)`
        : null;
  const app = Fastify({ logger: false, bodyLimit: MAX_RECEIPTS_BODY });
  keepJsonBodiesAsBytes(app);
  const nonces: NonceStore = { remember: (h, n, exp) => store.rememberNonce(h, n, exp) };
  const authenticate = signedRequestAuthenticator({ self: node.hotkey, nonces, log });
  // Honest validators post one receipt per verdict; a burst of 60, then one a second.
  const receiptPosts = new RateLimiter({ capacity: 60, refillPerSecond: 1, maxKeys: 1024 });
  // Relays follow miners' submissions, which their commitments on chain already rate-limit.
  const relayPosts = new RateLimiter({ capacity: 60, refillPerSecond: 1, maxKeys: 1024 });

  app.post('/v1/submissions', { bodyLimit: MAX_SUBMISSION_BYTES }, async (req, reply) => {
    const miner = authenticate(req, reply, (h) => node.isRegistered(h));
    if (!miner) return reply;
    if (!deps.limiter.take(miner, Date.now())) {
      const retry = Math.ceil(deps.limiter.retryAfterMs(miner, Date.now()) / 1000);
      log.warn('submission rate-limited', { miner });
      return reply
        .code(429)
        .header('retry-after', String(retry))
        .send({ error: 'RATE_LIMITED', message: `too many submissions; retry in ${retry} s` });
    }
    const parsed = SubmissionSchema.safeParse(jsonBody(req));
    if (!parsed.success) {
      const message = parsed.error.issues
        .map((i) => `${i.path.join('.') || 'body'}: ${i.message}`)
        .join('; ');
      log.warn('submission rejected', { miner, code: 'BAD_BODY', reason: message });
      return reply.code(400).send({ error: 'BAD_BODY', message });
    }
    const { program, digest } = parsed.data;
    const otherTrack = wrongTrack(parsed.data);
    if (otherTrack) {
      log.warn('submission rejected', { miner, code: 'WRONG_TRACK', reason: otherTrack });
      return reply.code(400).send({ error: 'WRONG_TRACK', message: otherTrack });
    }
    const result = await node.submit(miner, program, digest);
    if (result.status === 'rejected') {
      const status = result.code === 'NO_COMMITMENT' ? 403 : 400;
      return reply.code(status).send({ error: result.code, message: result.reason });
    }
    if (result.status === 'refused')
      return reply.code(409).send({ error: 'PRIORITY', message: result.reason });
    return reply.code(202).send({ status: result.status, digest, round: node.currentRound });
  });

  // A submission another validator took from its miner (validator.ts relay): judged as if the
  // miner had sent it here, its commitment checked on chain the same way.
  app.post('/v1/relay', { bodyLimit: MAX_SUBMISSION_BYTES }, async (req, reply) => {
    const sender = authenticate(req, reply, (h) => node.isValidator(h));
    if (!sender) return reply;
    if (!relayPosts.take(sender, Date.now())) {
      log.warn('relay rate-limited', { sender });
      return reply.code(429).send({ error: 'RATE_LIMITED', message: 'too many relays' });
    }
    const parsed = RelaySchema.safeParse(jsonBody(req));
    if (!parsed.success)
      return reply
        .code(400)
        .send({ error: 'BAD_BODY', message: parsed.error.issues[0]?.message ?? 'bad body' });
    const { miner, program, digest } = parsed.data;
    const otherTrack = wrongTrack(parsed.data);
    if (otherTrack) {
      log.warn('relay rejected', { sender, code: 'WRONG_TRACK', reason: otherTrack });
      return reply.code(400).send({ error: 'WRONG_TRACK', message: otherTrack });
    }
    if (!node.isRegistered(miner))
      return reply.code(403).send({ error: 'NOT_REGISTERED', message: 'miner not registered' });
    // A new submission costs the same here however it arrives: the miner's own limit (one this
    // validator holds already, sent by its miner or another relay, costs nothing).
    if (!node.hasSubmission(digest, miner) && !deps.limiter.take(miner, Date.now())) {
      log.warn('relayed submission rate-limited', { sender, miner });
      return reply.code(429).send({ error: 'RATE_LIMITED', message: 'too many for this miner' });
    }
    const result = await node.submit(miner, program, digest, sender);
    if (result.status === 'rejected')
      return reply.code(400).send({ error: result.code, message: result.reason });
    return reply.code(202).send({ status: result.status });
  });

  app.post('/v1/receipts', async (req, reply) => {
    const sender = authenticate(req, reply, (h) => node.isValidator(h));
    if (!sender) return reply;
    if (!receiptPosts.take(sender, Date.now())) {
      const retry = Math.ceil(receiptPosts.retryAfterMs(sender, Date.now()) / 1000);
      log.warn('receipts rate-limited', { sender });
      return reply
        .code(429)
        .header('retry-after', String(retry))
        .send({ error: 'RATE_LIMITED', message: `too many receipt posts; retry in ${retry} s` });
    }
    const body = jsonBody(req) as { receipts?: unknown } | undefined;
    if (!body || !Array.isArray(body.receipts) || body.receipts.length > MAX_POSTED_RECEIPTS)
      return reply.code(400).send({
        error: 'BAD_BODY',
        message: `expected { receipts: [...] } (at most ${MAX_POSTED_RECEIPTS})`,
      });
    const result = node.receiveReceipts(body.receipts);
    if (result.overQuota > 0) {
      log.warn('receipts over quota', { sender, refused: result.overQuota, stored: result.stored });
      return reply.code(429).send({ ...result, rejected: result.rejected.slice(0, 20) });
    }
    return reply.send({ ...result, rejected: result.rejected.slice(0, 20) });
  });

  // For monitors and load balancers: 200 while the chain node answers, 503 while it does not
  // (this node then cannot check commitments or set weights). `blockAgeSeconds` is how long ago
  // the newest block came: more than a minute or so (blocks come every 12 s) means a stalled chain.
  app.get('/v1/health', async (_req, reply) => {
    const chain = node.chainView();
    return reply.code(chain.connected ? 200 : 503).send({
      ok: chain.connected,
      hotkey: node.hotkey,
      track: track.id,
      block: node.currentBlock,
      round: node.currentRound,
      chain: {
        connected: chain.connected,
        block: chain.block,
        blockAgeSeconds: blockAgeSeconds(chain, Date.now()),
      },
    });
  });

  // What this validator shows of itself: its queue, verdicts, weights and peers (status.ts).
  app.get('/v1/status', async () => node.status());

  // Prometheus text (metrics.ts). Public like the receipts: counts of what the node did, nothing
  // secret; scraping it costs a few kilobytes of text.
  app.get('/metrics', async (_req, reply) =>
    reply.header('content-type', node.metrics.contentType).send(await node.metrics.text()),
  );

  // The tracks this validator judges, each with the digest submissions must name.
  app.get('/v1/tracks', async () => ({ tracks: [{ digest: ownDigest, track }] }));

  app.get('/v1/sota', async () => ({
    track: track.id,
    margin: track.margin,
    holder: node.holder(),
  }));

  app.get('/v1/leaderboard', async () => ({
    track: track.id,
    holder: node.holder(),
    history: node.history().map((s) => ({
      ...s,
      receipts: store.receiptsFor(s.digest).filter((r) => r.receipt.verdict === 'accept'),
    })),
  }));

  // The validators as this one sees them: stake, and what the audits of their rounds found.
  // Every miner's and validator's rating, recomputed from the receipts held (ratings.ts).
  const ratings = new RatingsBook(() => {
    const holders = new Map(store.sotaHistory(track.id).map((s) => [s.digest, s.miner]));
    return {
      receipts: allReceipts(store, ownDigest),
      holderMiner: (digest) => holders.get(digest) ?? null,
      validators: node.validators().map((v) => ({ hotkey: v.hotkey, stake: v.stake })),
      quorum: track.quorum,
    };
  });
  app.get<{ Querystring: { player?: string } }>('/v1/ratings', async (req, reply) => {
    const { computedAt, ratings: r } = ratings.current();
    const player = req.query.player;
    if (player === undefined) return { track: track.id, computedAt, ...r };
    if (player !== GENESIS_PLAYER && !SS58.test(player))
      return reply.code(400).send({ error: 'BAD_QUERY', message: 'player: not an SS58 address' });
    const miner = r.miners.find((m) => m.player === player) ?? null;
    const validator = r.validators.find((v) => v.player === player) ?? null;
    if (!miner && !validator)
      return reply.code(404).send({
        error: 'NOT_RATED',
        message: `${player} has no rating: no receipt names it as a miner or a validator`,
      });
    return { track: track.id, computedAt, player, miner, validator };
  });

  app.get('/v1/validators', async () => {
    const standing = new Map(store.standings().map((s) => [s.validator, s]));
    return {
      validators: node.validators().map((v) => ({
        hotkey: v.hotkey,
        uid: v.uid,
        stake: v.stake.toString(),
        rounds: {
          ok: standing.get(v.hotkey)?.ok ?? 0,
          mismatch: standing.get(v.hotkey)?.mismatch ?? 0,
          unrevealed: standing.get(v.hotkey)?.unrevealed ?? 0,
        },
      })),
    };
  });

  app.get<{ Params: { hotkey: string } }>('/v1/miners/:hotkey', async (req, reply) => {
    if (!SS58.test(req.params.hotkey))
      return reply.code(400).send({ error: 'BAD_HOTKEY', message: 'expected an SS58 address' });
    return {
      submissions: store.submissionsByMiner(req.params.hotkey).map((s) => ({
        digest: s.digest,
        commitmentBlock: s.commitmentBlock,
        receivedAt: s.receivedAt,
        status: s.status,
        reason: s.reason,
      })),
      receipts: store.receiptsByMiner(req.params.hotkey),
    };
  });

  app.get('/v1/receipts', async (req, reply) => {
    const query = ReceiptQuerySchema.safeParse(req.query);
    if (!query.success) {
      const message = query.error.issues
        .map((i) => `${i.path.join('.') || 'query'}: ${i.message}`)
        .join('; ');
      return reply.code(400).send({ error: 'BAD_QUERY', message });
    }
    const { after, limit = DEFAULT_RECEIPT_PAGE } = query.data;
    const page = store.receiptsPage(after ? parseCursor(after) : null, limit);
    return { receipts: page.receipts, next: page.next && formatCursor(page.next) };
  });

  app.get<{ Params: { digest: string } }>('/v1/receipts/:digest', async (req, reply) => {
    if (!HEX64.test(req.params.digest))
      return reply.code(400).send({ error: 'BAD_DIGEST', message: 'expected 64 hex digits' });
    return { receipts: store.receiptsFor(req.params.digest) };
  });

  app.get<{ Params: { digest: string } }>('/v1/programs/:digest', async (req, reply) => {
    const program = HEX64.test(req.params.digest) ? node.holderProgram(req.params.digest) : null;
    if (!program)
      return reply
        .code(404)
        .send({ error: 'NOT_FOUND', message: 'not a state-of-the-art program here' });
    return { digest: req.params.digest, program };
  });

  app.get<{ Params: { round: string } }>('/v1/rounds/:round', async (req, reply) => {
    const round = Number(req.params.round);
    if (!Number.isSafeInteger(round) || round < 0)
      return reply.code(400).send({ error: 'BAD_ROUND', message: 'expected a round number' });
    const secret = roundSecret(deps.masterSecret, round);
    const over = round < node.currentRound;
    // A round's secret is revealed only once the round is over, never before.
    return {
      round,
      taskSeedCommitment: seedCommitment(secret),
      secret: over ? secret : null,
      hiddenTasks: track.hiddenTasks,
    };
  });

  app.setErrorHandler((err: Error & { statusCode?: number }, req, reply) => {
    const status = err.statusCode && err.statusCode < 500 ? err.statusCode : 500;
    // The route, not the raw URL: a peer chooses the URL, and must not choose what is logged.
    const route = req.routeOptions.url ?? req.url.slice(0, 100);
    if (status >= 500) log.error('request failed', { route, error: String(err).slice(0, 300) });
    else log.warn('request refused', { route, status, reason: err.message.slice(0, 200) });
    void reply.code(status).send({
      error: status === 413 ? 'TOO_LARGE' : status >= 500 ? 'INTERNAL' : 'BAD_REQUEST',
      message: status >= 500 ? 'internal error' : err.message,
    });
  });

  return app;
}

/** Every receipt the store holds, page by page (oldest first). */
/** Every stored receipt judged under this version of the track (its digest), page by page. */
function* allReceipts(store: ValidatorStore, trackDigestHere: string): Generator<Receipt> {
  let page = store.receiptsPage(null, MAX_RECEIPT_PAGE);
  for (;;) {
    for (const signed of page.receipts)
      if (signed.receipt.trackDigest === trackDigestHere) yield signed.receipt;
    if (!page.next) return;
    page = store.receiptsPage(page.next, MAX_RECEIPT_PAGE);
  }
}
