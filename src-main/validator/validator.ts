/**
 * The validator node: takes committed submissions, judges each against the holder on its own
 * hidden tasks, signs a receipt, shares receipts with the other validators, moves the state of the
 * art when validators holding the quorum of stake accept, and sets weights every tempo.
 *
 * Everything it acknowledges is in SQLite before the answer goes out, so a validator killed at any
 * moment restarts where it was: pending submissions are judged (on the same round's tasks, from the
 * same master secret), receipts it missed are pulled from its peers, and the quorum rule, applied
 * again to the same receipts, gives the same state of the art.
 */
import type { KeyringPair } from '@polkadot/keyring/types';
import { decodeAddress } from '@polkadot/util-crypto';
import { programDigest } from '../../shared/algorithm/canonical';
import { parseProgramOrThrow } from '../../shared/algorithm/dsl';
import { commitmentBytes } from '../../shared/protocol/commitment';
import { roundOf, roundSecret, seedCommitment } from '../../shared/protocol/hidden-tasks';
import { quorumClaim, type ValidatorWeight } from '../../shared/protocol/quorum';
import { verdictOnScores, type Receipt, type SignedReceipt } from '../../shared/protocol/receipt';
import { trackDigest, type Track } from '../../shared/protocol/track';
import type { ValidatorStatus } from '../../shared/protocol/validator-status';
import {
  axonUrl,
  hasReachableAxon,
  isValidator,
  type Metagraph,
  type Neuron,
} from '../chain/metagraph';
import type { Logger } from '../log/logger';
import { parseReceipt, receiptSignatureHolds, signReceipt } from './receipts';
import { admissionRefusal } from './receipt-admission';
import { auditRounds } from './round-audit';
import { quotaRefusal, DEFAULT_RECEIPT_QUOTAS, type ReceiptQuotas } from './receipt-quotas';
import { formatCursor, parseCursor, ReceiptPageSchema } from './receipt-paging';
import type { ReceiptCursor, SotaRow, SubmissionRow, ValidatorStore } from './store';
import { VerifyError } from './verifier';
import {
  httpPeers,
  type Peer,
  type ValidatorChain,
  type ValidatorPeers,
  type ValidatorVerifier,
} from './ports';
import { ValidatorMetrics, type ChainView } from './metrics';
import { validatorStatus } from './status';
import { WeightsSetter } from './weights-setter';

export interface ValidatorNodeDeps {
  readonly track: Track;
  readonly netuid: number;
  readonly pair: KeyringPair;
  readonly client: ValidatorChain;
  readonly store: ValidatorStore;
  readonly verifier: ValidatorVerifier;
  /** How it reaches the other validators: over HTTP, signed with `pair`, unless given. */
  readonly peers?: ValidatorPeers;
  readonly masterSecret: Uint8Array;
  readonly log: Logger;
  readonly metagraphEveryBlocks: number;
  readonly weightsEveryBlocks?: number;
  readonly receiptQuotas?: ReceiptQuotas;
  /** Where the node counts what it does (GET /metrics); a registry of its own if none. */
  readonly metrics?: ValidatorMetrics;
}

/** The holder a challenger must beat: the last winner, or the track's genesis program. */
export interface Holder {
  readonly digest: string;
  readonly program: string;
  readonly miner: string | null;
  readonly since: number | null;
  readonly block: number | null;
  readonly score: number | null;
}

export type Accepted =
  | { readonly status: 'queued' | 'judged' | 'refused'; readonly reason?: string }
  | { readonly status: 'rejected'; readonly code: string; readonly reason: string };

/** How many more times a relay is offered to a peer that could not take it yet. */
const RELAY_RETRIES = 3;
/** Pages pulled from one peer per sync (the rest comes at the next sync, from the cursor). */
const MAX_SYNC_PAGES = 20;

export class ValidatorNode {
  private metagraph: Metagraph | null = null;
  private head = 0;
  private lastMetagraphBlock = -Infinity;
  private queue: Promise<void> = Promise.resolve();
  private stopped = false;
  /** The block handler under way, if any. */
  private blockWork: Promise<void> | null = null;
  /** The audit of peers' rounds under way, if any (one at a time). */
  private audit: Promise<void> | null = null;
  private unsubscribe: (() => void) | null = null;
  private readonly genesisDigest: string;
  /** Named in relays: the peer refuses one for another version of the track. */
  private readonly trackDigest: string;
  private readonly log: Logger;
  private readonly quotas: ReceiptQuotas;
  private readonly net: ValidatorPeers;
  private readonly weights: WeightsSetter;
  /** When the newest block was seen (Date.now()), for health and metrics. */
  private headSeenAt: number | null = null;
  readonly metrics: ValidatorMetrics;

  constructor(private readonly deps: ValidatorNodeDeps) {
    this.log = deps.log;
    this.quotas = deps.receiptQuotas ?? DEFAULT_RECEIPT_QUOTAS;
    this.net = deps.peers ?? httpPeers(deps.pair);
    this.metrics = deps.metrics ?? new ValidatorMetrics();
    this.metrics.watch({ chain: () => this.chainView(), queueDepth: () => this.waiting });
    this.genesisDigest = programDigest(parseProgramOrThrow(deps.track.genesis));
    this.trackDigest = trackDigest(deps.track);
    this.weights = new WeightsSetter({
      chain: deps.client,
      netuid: deps.netuid,
      pair: deps.pair,
      track: deps.track,
      store: deps.store,
      log: deps.log,
      metrics: this.metrics,
      everyBlocks: deps.weightsEveryBlocks,
    });
  }

  get hotkey(): string {
    return this.deps.pair.address;
  }

  get currentBlock(): number {
    return this.head;
  }

  get currentRound(): number {
    return roundOf(this.head, this.deps.track.roundBlocks);
  }

  /** Whether the chain node answers, and the newest block seen and when (GET /v1/health). */
  chainView(): ChainView {
    return {
      // A node built without a chain client (API tests) has none to be connected to.
      connected: this.deps.client?.state.status === 'connected',
      block: this.head,
      blockSeenAt: this.headSeenAt,
    };
  }

  /** Reads the chain, resumes unfinished work and follows new blocks. */
  async start(): Promise<void> {
    this.head = await this.deps.client.bestBlock();
    this.headSeenAt = Date.now();
    await this.refreshMetagraph();
    // First finish what this validator acknowledged before it stopped, against the holder it knew
    // then; then learn what its peers decided meanwhile.
    for (const s of this.deps.store.pendingSubmissions()) this.enqueue(s);
    await this.queue;
    await this.syncFromPeers();
    this.recheckQuorums();
    this.unsubscribe = await this.deps.client.subscribeBlocks((head) => {
      this.head = Math.max(this.head, head.number);
      this.headSeenAt = Date.now();
      // One block at a time: a slow peer or chain must not pile up overlapping handlers.
      if (this.stopped || this.blockWork) return;
      this.blockWork = this.onBlock()
        .catch((err: unknown) => this.log.warn('block handling failed', { error: String(err) }))
        .finally(() => (this.blockWork = null));
    });
  }

  /** Stops taking blocks; resolves once the block handler and the judging under way are done. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    await this.blockWork;
    await this.audit;
    await this.queue;
  }

  /**
   * What this validator shows of itself (GET /v1/status, its dashboard): the chain, its queue,
   * its latest verdicts, the weights it set, and its peers with how their verdicts compare.
   */
  status(): ValidatorStatus {
    return validatorStatus({
      hotkey: this.hotkey,
      track: this.deps.track.id,
      round: this.currentRound,
      chain: this.chainView(),
      waiting: this.waiting,
      peers: this.validators().filter((n) => n.hotkey !== this.hotkey),
      store: this.deps.store,
      now: Date.now(),
    });
  }

  /** Resolves when every queued submission has been judged (tests and shutdown). */
  idle(): Promise<void> {
    return this.queue;
  }

  // --- the metagraph -------------------------------------------------------------------------

  isRegistered(hotkey: string): boolean {
    return this.metagraph?.neurons.some((n) => n.hotkey === hotkey) ?? false;
  }

  /** Validators: neurons with a validator permit (pools aside), weighted by stake. */
  validators(): Neuron[] {
    return this.metagraph?.neurons.filter(isValidator) ?? [];
  }

  isValidator(hotkey: string): boolean {
    return this.validators().some((n) => n.hotkey === hotkey);
  }

  private async refreshMetagraph(): Promise<void> {
    this.metagraph = await this.deps.client.metagraph(this.deps.netuid);
    this.lastMetagraphBlock = this.head;
    if (!this.isRegistered(this.hotkey))
      this.log.warn('this validator hotkey is not registered on the subnet', {
        hotkey: this.hotkey,
        netuid: this.deps.netuid,
      });
  }

  private peers(): Peer[] {
    return this.validators()
      .filter((n) => n.hotkey !== this.hotkey)
      .filter(hasReachableAxon)
      .map((n) => ({ hotkey: n.hotkey, url: axonUrl(n.axon) }));
  }

  private async onBlock(): Promise<void> {
    if (this.head - this.lastMetagraphBlock >= this.deps.metagraphEveryBlocks) {
      await this.refreshMetagraph();
      await this.syncFromPeers();
      this.recheckQuorums();
      // Beside the block work, not in it: slow peers must not hold up setting weights.
      this.audit ??= this.auditPeers()
        .catch((err: unknown) => this.log.warn('round audits failed', { error: String(err) }))
        .finally(() => (this.audit = null));
      this.deps.store.pruneNonces(Date.now());
    }
    await this.weights.onBlock(this.head, this.metagraph, this.isValidator(this.hotkey));
  }

  // --- the state of the art ------------------------------------------------------------------

  holder(): Holder {
    const sota = this.deps.store.currentSota(this.deps.track.id);
    if (!sota)
      return {
        digest: this.genesisDigest,
        program: this.deps.track.genesis,
        miner: null,
        since: null,
        block: null,
        score: null,
      };
    return {
      digest: sota.digest,
      program: sota.program,
      miner: sota.miner,
      since: sota.becameAt,
      block: sota.block,
      score: sota.challengerScore,
    };
  }

  history(): SotaRow[] {
    return this.deps.store.sotaHistory(this.deps.track.id);
  }

  // --- submissions ---------------------------------------------------------------------------

  /**
   * A signed, registered, well-formed submission from `miner`: checks its commitment and its
   * priority, stores it and queues it for judging.
   */
  async submit(
    miner: string,
    program: string,
    digest: string,
    /** The validator that relayed it (relays are not relayed again); absent: from the miner. */
    relayedBy?: string,
  ): Promise<Accepted> {
    const reject = (code: string, reason: string): Accepted => {
      this.log.warn('submission rejected', { miner, digest, code, reason });
      this.metrics.submission('rejected', code);
      return { status: 'rejected', code, reason };
    };
    let parsedDigest: string;
    try {
      parsedDigest = programDigest(parseProgramOrThrow(program));
    } catch (err) {
      return reject('BAD_PROGRAM', (err as Error).message);
    }
    if (parsedDigest !== digest)
      return reject('DIGEST_MISMATCH', `the program's digest is ${parsedDigest}`);
    const known = this.deps.store.submission(digest, miner);
    if (known) {
      this.metrics.submission('known');
      return {
        status: known.status === 'pending' ? 'queued' : known.status,
        reason: known.reason ?? undefined,
      };
    }

    const commitment = await this.deps.client.readCommitment(this.deps.netuid, miner);
    const expected = commitmentBytes(digest, decodeAddress(miner));
    if (!commitment || !equalBytes(commitment.data, expected))
      return reject(
        'NO_COMMITMENT',
        'no matching commitment on chain: publish commitmentHex(digest, hotkey) first',
      );

    let fingerprint: string;
    try {
      fingerprint = await this.deps.verifier.fingerprint(program);
    } catch (err) {
      return reject(err instanceof VerifyError ? err.code : 'BAD_PROGRAM', (err as Error).message);
    }
    const row = {
      digest,
      miner,
      track: this.deps.track.id,
      program,
      commitmentBlock: commitment.block,
      fingerprint,
      receivedAt: Date.now(),
      round: this.currentRound,
    };
    // The same submission may arrive from its miner and relayed by a peer at once: whichever is
    // stored second was already fingerprinted, queued and relayed by the first.
    if (this.deps.store.addSubmission(row) === 'duplicate') {
      this.metrics.submission('known');
      const stored = this.deps.store.submission(digest, miner)!;
      return {
        status: stored.status === 'pending' ? 'queued' : stored.status,
        reason: stored.reason ?? undefined,
      };
    }
    const first = this.deps.store.earliestClaim(fingerprint);
    if (first && first.miner !== miner && first.commitmentBlock <= commitment.block) {
      const reason =
        `functionally equivalent to ${first.digest.slice(0, 12)}… committed by ${first.miner} ` +
        `at block ${first.commitmentBlock}; the earliest commitment has priority`;
      this.deps.store.setSubmissionStatus(digest, miner, 'refused', reason);
      this.log.warn('submission refused priority', { miner, digest, reason });
      this.metrics.submission('refused', 'PRIORITY');
      return { status: 'refused', reason };
    }
    this.metrics.submission('queued');
    this.log.info('submission queued', {
      miner,
      digest,
      commitmentBlock: commitment.block,
      ...(relayedBy ? { relayedBy } : {}),
    });
    this.enqueue(this.deps.store.submission(digest, miner)!);
    // Every validator hears of it, so its priority holds where the miner was not heard.
    if (!relayedBy) void this.relay({ miner, program, digest });
    return { status: 'queued' };
  }

  /** Whether `miner`'s submission of `digest` is stored here (from the miner or a relay). */
  hasSubmission(digest: string, miner: string): boolean {
    return this.deps.store.submission(digest, miner) !== undefined;
  }

  /** Submissions queued for judging and not yet judged. */
  private waiting = 0;

  private enqueue(s: SubmissionRow): void {
    this.waiting++;
    this.queue = this.queue
      .then(() => (this.stopped ? undefined : this.judge(s)))
      .catch((err: unknown) =>
        this.log.error('judging failed', { digest: s.digest, error: String(err) }),
      )
      .finally(() => this.waiting--);
  }

  private async judge(s: SubmissionRow): Promise<void> {
    const holder = this.holder();
    if (s.digest === holder.digest) {
      // Still the miner's claim (its priority stands); there is just nothing left to judge.
      this.deps.store.setSubmissionStatus(s.digest, s.miner, 'judged', 'already the holder');
      return;
    }
    const round = this.currentRound;
    const secret = roundSecret(this.deps.masterSecret, round);
    const { margin } = this.deps.track;
    let challengerScore = 0;
    let holderScore = 0;
    let reason: string;
    let verdict: 'accept' | 'reject';
    const started = Date.now();
    try {
      const r = await this.deps.verifier.judge(s.program, holder.program, secret);
      challengerScore = r.challengerScore;
      holderScore = r.holderScore;
      ({ verdict, reason } = verdictOnScores(challengerScore, holderScore, margin));
    } catch (err) {
      if (!(err instanceof VerifyError)) throw err;
      if (err.code === 'FAILED') {
        // This validator's fault (a worker crash, tasks that would not load), not the miner's:
        // no verdict; the submission stays pending and is judged again after a restart.
        this.log.error('could not judge', { digest: s.digest, error: err.message });
        return;
      }
      verdict = 'reject';
      reason = `not verifiable: ${err.code}`;
    }
    const receipt: Receipt = {
      v: 1,
      track: this.deps.track.id,
      trackDigest: this.trackDigest,
      validator: this.hotkey,
      round,
      taskSeedCommitment: seedCommitment(secret),
      digest: s.digest,
      miner: s.miner,
      commitmentBlock: s.commitmentBlock,
      holderDigest: holder.digest,
      challengerScore,
      holderScore,
      margin,
      verdict,
      reason,
      issuedAt: Date.now(),
    };
    const signed = signReceipt(this.deps.pair, receipt);
    this.deps.store.addReceipt(signed);
    this.deps.store.setSubmissionStatus(s.digest, s.miner, 'judged', reason);
    this.metrics.verdict(verdict, (Date.now() - started) / 1000);
    this.log.info('verdict', {
      digest: s.digest,
      miner: s.miner,
      verdict,
      challengerScore,
      holderScore,
      ms: Date.now() - started,
    });
    this.checkQuorum(s.digest, holder.digest);
    // Not awaited: an unreachable peer must not hold up the next verdict.
    void this.gossip([signed]);
  }

  // --- receipts and quorum -------------------------------------------------------------------

  /**
   * Receipts from a peer (or relayed): each must be signed by a validator of this subnet and fit
   * its signer's quotas (receipt-quotas.ts). `overQuota` counts those refused for room alone.
   */
  receiveReceipts(values: readonly unknown[]): {
    stored: number;
    rejected: string[];
    overQuota: number;
  } {
    let stored = 0;
    let known = 0;
    let overQuota = 0;
    const rejected: string[] = [];
    const touched = new Set<string>();
    const admission = {
      track: this.deps.track.id,
      trackDigest: this.trackDigest,
      currentRound: this.currentRound,
      now: Date.now(),
      isValidator: (hotkey: string) => this.isValidator(hotkey),
      store: this.deps.store,
    };
    for (const value of values) {
      const check = parseReceipt(value);
      if (!check.ok) {
        rejected.push(check.reason);
        continue;
      }
      const r = check.signed.receipt;
      // The cheap checks and the quotas first (receipt-admission.ts), the signature last.
      const refusal = admissionRefusal(r, admission);
      const quota = refusal ? null : quotaRefusal(this.deps.store, r, this.quotas);
      if (refusal || quota) {
        rejected.push((refusal ?? quota)!);
        if (quota) overQuota++;
        continue;
      }
      if (!receiptSignatureHolds(check.signed)) {
        rejected.push('bad receipt signature');
        continue;
      }
      if (this.deps.store.addReceipt(check.signed)) {
        stored++;
        touched.add(`${r.digest}:${r.holderDigest}`);
      } else known++;
    }
    this.metrics.receiptsReceived({ stored, known, rejected: rejected.length, overQuota });
    if (rejected.length > 0) this.log.warn('receipts rejected', summarize(rejected));
    for (const key of touched) {
      const [digest, holder] = key.split(':') as [string, string];
      this.checkQuorum(digest, holder);
    }
    return { stored, rejected, overQuota };
  }

  /**
   * Sends a submission this validator took to its peers (POST /v1/relay): each checks the miner's
   * commitment on chain itself, so a relay cannot invent one, and judges it as if the miner had
   * sent it. Without this a copier who reaches validators the honest miner did not could form a
   * quorum there on a later commitment.
   */
  private relay(submission: { miner: string; program: string; digest: string }): Promise<void> {
    return this.postToPeers(
      '/v1/relay',
      { track: this.deps.track.id, trackDigest: this.trackDigest, ...submission },
      RELAY_RETRIES,
    );
  }

  private gossip(receipts: SignedReceipt[]): Promise<void> {
    return this.postToPeers('/v1/receipts', { receipts });
  }

  /**
   * A signed POST to every peer at once; a refusal or an unreachable peer is logged, not thrown.
   * With `retries`, a peer that could not take it now (unreachable, busy, or its chain node not yet
   * at the miner's commitment) is asked again after 5, 15, 45 s…; a 4xx that says no is final.
   */
  private async postToPeers(path: string, body: unknown, retries = 0): Promise<void> {
    const again = (status: number | null) =>
      status === null || status === 403 || status === 429 || status >= 500;
    const kind = path === '/v1/relay' ? 'relay' : 'receipts';
    await Promise.all(
      this.peers().map(async (peer) => {
        for (let attempt = 0; ; attempt++) {
          let status: number | null = null;
          try {
            status = await this.net.post(peer, path, body);
            if (status < 300) {
              this.metrics.peerPost(kind, 'delivered');
              return;
            }
            this.metrics.peerPost(kind, 'refused');
            this.log.warn('peer refused', { peer: peer.hotkey, path, status, attempt });
          } catch (err) {
            this.metrics.peerPost(kind, 'unreachable');
            this.log.warn('peer unreachable', { peer: peer.hotkey, path, error: String(err) });
          }
          if (attempt >= retries || !again(status) || this.stopped) return;
          await new Promise((r) => setTimeout(r, 5000 * 3 ** attempt).unref());
        }
      }),
    );
  }

  /**
   * Pulls the receipts peers hold (what this validator missed while it was down), page by page
   * from where the last pull from that peer ended.
   */
  private async syncFromPeers(): Promise<void> {
    for (const peer of this.peers()) {
      let cursor = this.syncCursor(peer.hotkey);
      try {
        for (let page = 0; page < MAX_SYNC_PAGES; page++) {
          const query = cursor ? `?after=${formatCursor(cursor)}` : '';
          const body = ReceiptPageSchema.parse(
            await this.net.getJson(`${peer.url}/v1/receipts${query}`),
          );
          this.receiveReceipts(body.receipts);
          if (!body.next) break;
          cursor = parseCursor(body.next);
          this.deps.store.setMeta(`syncCursor:${peer.hotkey}`, body.next);
        }
      } catch (err) {
        this.log.warn('peer sync failed', { peer: peer.hotkey, error: String(err).slice(0, 300) });
      }
    }
  }

  /** Checks peers' revealed secrets of finished rounds against their receipts (round-audit.ts). */
  private async auditPeers(): Promise<void> {
    await auditRounds({
      store: this.deps.store,
      currentRound: this.currentRound,
      peers: new Map(this.peers().map((p) => [p.hotkey, p.url])),
      getJson: (url) => this.net.getJson(url),
      log: this.log,
    });
  }

  /** Where the last pull of a peer's receipts ended (kept in the store across restarts). */
  private syncCursor(peer: string): ReceiptCursor | null {
    const saved = this.deps.store.getMeta(`syncCursor:${peer}`);
    try {
      return saved ? parseCursor(saved) : null;
    } catch {
      return null; // unreadable: pull from the first again
    }
  }

  private recheckQuorums(): void {
    const holder = this.holder().digest;
    for (const digest of this.deps.store.acceptedAgainst(holder)) this.checkQuorum(digest, holder);
  }

  private checkQuorum(digest: string, holderDigest: string): void {
    const holder = this.holder();
    if (holderDigest !== holder.digest) return;
    // Only verdicts reached under this version of the track count (a receipt stored before a
    // change of the track's fields, or by an earlier release, names another digest or none).
    const receipts = this.deps.store
      .receiptsFor(digest, holderDigest)
      .map((s) => s.receipt)
      .filter((r) => r.trackDigest === this.trackDigest);
    const weights: ValidatorWeight[] = this.validators().map((n) => ({
      hotkey: n.hotkey,
      stake: n.stake,
    }));
    const claim = quorumClaim(receipts, weights, digest, holderDigest, this.deps.track.quorum);
    if (!claim) return;
    const { miner, tally: t } = claim;
    const accepted = receipts.filter(
      (r) => r.miner === miner && r.verdict === 'accept' && t.accepting.includes(r.validator),
    );
    // Network-wide priority: whatever order this validator heard of them in, an equivalent
    // program committed earlier (told by its miner or relayed by a peer) goes first.
    // It holds while that earlier claim is still to be judged here or was accepted here against
    // the same holder; one judged and rejected (its round's tasks) stands in nobody's way.
    const own = this.deps.store.submission(digest, miner);
    const first = own?.fingerprint ? this.deps.store.earliestClaim(own.fingerprint) : undefined;
    const firstStands =
      first !== undefined &&
      (this.deps.store.submission(first.digest, first.miner)?.status === 'pending' ||
        this.deps.store.receipt(this.hotkey, first.digest)?.receipt.verdict === 'accept');
    if (
      first &&
      firstStands &&
      first.miner !== miner &&
      first.commitmentBlock < own!.commitmentBlock
    ) {
      this.log.warn('quorum for a later equivalent claim: priority kept for the earliest', {
        digest,
        miner,
        earliest: first.digest,
        earliestMiner: first.miner,
      });
      return;
    }
    const program = this.programOf(digest, miner);
    if (!program) {
      // Judged elsewhere only: fetch the program from a validator that holds it.
      void this.fetchProgram(digest, t.accepting)
        .then((p) => {
          if (p) this.checkQuorum(digest, holderDigest);
        })
        .catch((err: unknown) =>
          this.log.warn('could not fetch the new holder', { digest, error: String(err) }),
        );
      return;
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    this.deps.store.recordSota({
      track: this.deps.track.id,
      digest,
      miner,
      program,
      commitmentBlock: Math.min(...accepted.map((r) => r.commitmentBlock)),
      becameAt: Date.now(),
      block: this.head,
      share: t.share,
      challengerScore: mean(accepted.map((r) => r.challengerScore)),
      holderScore: mean(accepted.map((r) => r.holderScore)),
    });
    this.fetched.clear();
    this.metrics.quorum();
    this.log.info('new state of the art', {
      digest,
      miner,
      share: +t.share.toFixed(4),
      validators: t.accepting.length,
    });
  }

  private programOf(digest: string, miner: string): string | null {
    return this.deps.store.submission(digest, miner)?.program ?? this.fetched.get(digest) ?? null;
  }

  private readonly fetched = new Map<string, string>();

  private async fetchProgram(digest: string, from: readonly string[]): Promise<string | null> {
    for (const peer of this.peers().filter((p) => from.includes(p.hotkey))) {
      try {
        const body = (await this.net.getJson(`${peer.url}/v1/programs/${digest}`)) as {
          program?: unknown;
        };
        if (typeof body.program !== 'string') continue;
        if (programDigest(parseProgramOrThrow(body.program)) !== digest) continue;
        this.fetched.set(digest, body.program);
        return body.program;
      } catch (err) {
        this.log.debug('program fetch failed', { peer: peer.hotkey, error: String(err) });
      }
    }
    return null;
  }

  /**
   * The text of a program that became the state of the art. Programs still being judged are not
   * served: a copier who read one here could take it to validators the miner has not reached yet.
   */
  holderProgram(digest: string): string | null {
    return this.history().find((s) => s.digest === digest)?.program ?? null;
  }
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** A log line's worth of refusal reasons: how many of each, never the whole list. */
function summarize(reasons: readonly string[]): { count: number; reasons: Record<string, number> } {
  const byReason: Record<string, number> = {};
  for (const r of reasons.slice(0, 10_000)) {
    const key = r.slice(0, 160);
    if (key in byReason || Object.keys(byReason).length < 5)
      byReason[key] = (byReason[key] ?? 0) + 1;
  }
  return { count: reasons.length, reasons: byReason };
}
