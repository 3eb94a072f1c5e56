/**
 * What a validator operator watches (Prometheus text at GET /metrics): submissions by outcome,
 * verification time, the judging queue, receipts in and out, quorum decisions, weights, and the
 * chain connection. Each node has a registry of its own (not prom-client's global one), so
 * several nodes in one process (tests, a local network) never mix their counts.
 *
 * Every label value comes from a fixed set (outcomes, reason codes, verdicts): nothing a peer
 * sends becomes a label, so no peer can grow the metrics without bound.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** What the chain looks like from here, read at each scrape. */
export interface ChainView {
  readonly connected: boolean;
  /** The newest block seen (0 before the first). */
  readonly block: number;
  /** When it was seen (Date.now() milliseconds; null before the first). */
  readonly blockSeenAt: number | null;
}

/** Whole seconds since the newest block was seen, or null before the first. */
export function blockAgeSeconds(chain: ChainView, now: number): number | null {
  return chain.blockSeenAt === null
    ? null
    : Math.max(0, Math.round((now - chain.blockSeenAt) / 1000));
}

/** What the gauges read at each scrape: the node's own state, kept in one place. */
export interface NodeView {
  chain(): ChainView;
  /** Submissions queued for judging, the one being judged included. */
  queueDepth(): number;
}

export type SubmissionOutcome = 'queued' | 'known' | 'rejected' | 'refused';
export type PeerPost = 'receipts' | 'relay';
export type PeerPostResult = 'delivered' | 'refused' | 'unreachable';

export class ValidatorMetrics {
  readonly registry = new Registry();
  private readonly submissions: Counter<'outcome' | 'code'>;
  private readonly verdicts: Counter<'verdict'>;
  private readonly verification: Histogram;
  private readonly receiptsIn: Counter<'result'>;
  private readonly posts: Counter<'kind' | 'result'>;
  private readonly quorums: Counter;
  private readonly weights: Counter<'mode'>;
  private readonly weightsBlock: Gauge;
  private view: NodeView = {
    chain: () => ({ connected: false, block: 0, blockSeenAt: null }),
    queueDepth: () => 0,
  };

  constructor() {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'sota_validator_' });
    this.submissions = new Counter({
      name: 'sota_validator_submissions_total',
      help: 'Submissions received, by outcome (queued, known already, rejected, refused for priority) and reason code',
      labelNames: ['outcome', 'code'],
      registers,
    });
    this.verdicts = new Counter({
      name: 'sota_validator_verdicts_total',
      help: 'Verdicts this validator signed, by verdict',
      labelNames: ['verdict'],
      registers,
    });
    this.verification = new Histogram({
      name: 'sota_validator_verification_seconds',
      help: 'Time to judge one submission against the holder on the round hidden tasks',
      buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1200],
      registers,
    });
    const view = () => this.view;
    new Gauge({
      name: 'sota_validator_judge_queue_depth',
      help: 'Submissions waiting to be judged, the one being judged included',
      registers,
      collect() {
        this.set(view().queueDepth());
      },
    });
    this.receiptsIn = new Counter({
      name: 'sota_validator_receipts_received_total',
      help: 'Receipts received from peers, by result (stored, known, rejected, over_quota)',
      labelNames: ['result'],
      registers,
    });
    this.posts = new Counter({
      name: 'sota_validator_peer_posts_total',
      help: 'Receipts and relays sent to peers, one per peer and attempt, by result',
      labelNames: ['kind', 'result'],
      registers,
    });
    this.quorums = new Counter({
      name: 'sota_validator_quorum_decisions_total',
      help: 'Claims this validator saw reach quorum (each a new state of the art)',
      registers,
    });
    this.weights = new Counter({
      name: 'sota_validator_weights_set_total',
      help: 'Weight extrinsics sent, by mode (direct, committed, revealed)',
      labelNames: ['mode'],
      registers,
    });
    this.weightsBlock = new Gauge({
      name: 'sota_validator_weights_block',
      help: 'Block at which this validator last set (or committed) weights',
      registers,
    });
    new Gauge({
      name: 'sota_validator_chain_connected',
      help: '1 while the chain node answers, 0 while connecting or reconnecting',
      registers,
      collect() {
        this.set(view().chain().connected ? 1 : 0);
      },
    });
    new Gauge({
      name: 'sota_validator_chain_block',
      help: 'The newest block this validator has seen',
      registers,
      collect() {
        this.set(view().chain().block);
      },
    });
    new Gauge({
      name: 'sota_validator_chain_block_age_seconds',
      help: 'Seconds since the newest block was seen (blocks come every 12 s on Bittensor)',
      registers,
      collect() {
        this.set(blockAgeSeconds(view().chain(), Date.now()) ?? -1);
      },
    });
  }

  /** Where the gauges read the node's state from (the node, once it exists). */
  watch(view: NodeView): void {
    this.view = view;
  }

  submission(outcome: SubmissionOutcome, code = 'none'): void {
    this.submissions.inc({ outcome, code });
  }

  verdict(verdict: 'accept' | 'reject', seconds: number): void {
    this.verdicts.inc({ verdict });
    this.verification.observe(seconds);
  }

  receiptsReceived(counts: {
    stored: number;
    known: number;
    rejected: number;
    overQuota: number;
  }): void {
    this.receiptsIn.inc({ result: 'stored' }, counts.stored);
    this.receiptsIn.inc({ result: 'known' }, counts.known);
    this.receiptsIn.inc({ result: 'rejected' }, counts.rejected - counts.overQuota);
    this.receiptsIn.inc({ result: 'over_quota' }, counts.overQuota);
  }

  peerPost(kind: PeerPost, result: PeerPostResult): void {
    this.posts.inc({ kind, result });
  }

  quorum(): void {
    this.quorums.inc();
  }

  weightsSent(mode: 'direct' | 'committed' | 'revealed', block: number): void {
    this.weights.inc({ mode });
    if (mode !== 'revealed') this.weightsBlock.set(block);
  }

  /** The Prometheus text exposition of every metric. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
