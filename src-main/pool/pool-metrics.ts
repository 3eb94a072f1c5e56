/**
 * What a pool operator watches (Prometheus text at GET /metrics): leases, results by outcome,
 * units by state, the shares of the window in progress, payouts, and spot checks. A registry of
 * its own per pool (see validator/metrics.ts for why); label values come from fixed sets only.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { SubmitOutcome, WorkLedger } from './work-ledger';

/** What the gauges read at each scrape. */
export interface PoolView {
  readonly ledger: Pick<WorkLedger, 'unitCounts' | 'shares' | 'payoutTotals'>;
  readonly spotChecks: () => { readonly run: number; readonly failed: number };
}

export class PoolMetrics {
  readonly registry = new Registry();
  private readonly leases: Counter<'result'>;
  private readonly results: Counter<'status' | 'verdict'>;

  constructor(view: PoolView) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'sota_pool_' });
    this.leases = new Counter({
      name: 'sota_pool_leases_total',
      help: 'Lease requests, by result (leased, or no_work when no unit was open to the miner)',
      labelNames: ['result'],
      registers,
    });
    this.results = new Counter({
      name: 'sota_pool_results_total',
      help:
        'Results received, by status (recorded, refused, late, duplicate, ...) and, once ' +
        'recorded, verdict (pending, accepted, rejected, failed: replicas never agreed)',
      labelNames: ['status', 'verdict'],
      registers,
    });
    const { ledger, spotChecks } = view;
    new Gauge({
      name: 'sota_pool_units',
      help: 'Work units by state (open, accepted, failed)',
      labelNames: ['state'],
      registers,
      collect() {
        for (const [state, n] of Object.entries(ledger.unitCounts())) this.set({ state }, n);
      },
    });
    new Gauge({
      name: 'sota_pool_window_shares',
      help: 'Shares earned by all miners in the reward window in progress',
      registers,
      collect() {
        let total = 0n;
        for (const s of ledger.shares().values()) total += s;
        this.set(Number(total));
      },
    });
    new Gauge({
      name: 'sota_pool_window_miners',
      help: 'Miners with shares in the reward window in progress',
      registers,
      collect() {
        this.set(ledger.shares().size);
      },
    });
    new Gauge({
      name: 'sota_pool_payouts_rao',
      help: 'RAO credited to miners over the pool life, by state (paid, pending)',
      labelNames: ['state'],
      registers,
      collect() {
        const { paid, pending } = ledger.payoutTotals();
        this.set({ state: 'paid' }, Number(paid));
        this.set({ state: 'pending' }, Number(pending));
      },
    });
    new Gauge({
      name: 'sota_pool_spot_checks',
      help: 'Accepted units the pool ran again itself, and those whose result did not match',
      labelNames: ['result'],
      registers,
      collect() {
        const s = spotChecks();
        this.set({ result: 'run' }, s.run);
        this.set({ result: 'mismatch' }, s.failed);
      },
    });
  }

  lease(leased: boolean): void {
    this.leases.inc({ result: leased ? 'leased' : 'no_work' });
  }

  result(outcome: SubmitOutcome): void {
    this.results.inc({
      status: outcome.status,
      verdict: outcome.status === 'recorded' ? outcome.verdict : 'none',
    });
  }

  /** The Prometheus text exposition of every metric. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
