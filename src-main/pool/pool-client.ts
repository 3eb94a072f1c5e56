/**
 * Pool mining (issue #7), the miner's side: reads a pool's terms, builds the pool's tasks from
 * CIFAR-10, then on every worker thread leases a unit, runs it and sends the result, signed with
 * the miner's hotkey. A unit for another configuration, or one that cannot run, is not answered
 * (its lease runs out and the pool gives it to someone else).
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { KeyringPair } from '@polkadot/keyring/types';
import {
  MinerStatementSchema,
  RewardWindowSchema,
  splitHolds,
  type MinerStatement,
} from '../../shared/pool/statement';
import { PoolTermsSchema, type PoolTerms } from '../../shared/pool/terms';
import { WorkUnitSchema, type WorkResult, type WorkUnit } from '../../shared/pool/units';
import { parseSearchConfig, searchScope, type SearchConfig } from '../../shared/search/config';
import { loadSearchTasks } from '../dataset/tasks';
import type { Logger } from '../log/logger';
import { getOkJson, signedRequest } from '../net/http-client';
import { unitWorkers, type UnitWorkers } from './unit-workers';

const IDLE_WAIT_MS = 2000;

export interface PoolClientOptions {
  readonly url: string;
  readonly pair: KeyringPair;
  readonly threads: number;
  readonly log: Logger;
  readonly cifarDir?: string;
  readonly dataDir?: string;
  /**
   * What a dishonest miner does to its results before sending them (tests of the pool's
   * defences use it; an honest miner leaves it out).
   */
  readonly tamper?: (result: WorkResult) => WorkResult;
}

export interface PoolClientStats {
  units: number;
  accepted: number;
  rejected: number;
  pending: number;
  refused: number;
}

export interface PoolAccount {
  readonly statement: MinerStatement;
  /** Windows this miner was credited in that were checked, and how many of them did not add up. */
  readonly splitsChecked: number;
  readonly splitsFailed: number;
}

export class PoolClient {
  readonly stats: PoolClientStats = { units: 0, accepted: 0, rejected: 0, pending: 0, refused: 0 };
  private terms: PoolTerms | null = null;
  private config: SearchConfig | null = null;
  private workers: UnitWorkers | null = null;

  constructor(private readonly o: PoolClientOptions) {}

  /** Reads the pool's terms and prepares its tasks on the worker threads. */
  async connect(): Promise<PoolTerms> {
    const terms = await readPoolTerms(this.o.url);
    const config = terms.config;
    if (searchScope(config) !== terms.scope)
      throw new Error(`the pool's configuration does not match its scope ${terms.scope}`);
    const tasks = await loadSearchTasks(
      config,
      { dir: this.o.cifarDir, dataDir: this.o.dataDir },
      terms.tasks,
    );
    this.workers = unitWorkers(config, tasks, this.o.threads);
    this.terms = terms;
    this.config = config;
    this.o.log.info('pool joined', {
      pool: this.o.url,
      hotkey: terms.hotkey,
      feeBps: terms.feeBps,
      tasks: tasks.length,
    });
    return terms;
  }

  /** Works until `signal` aborts: one lease-run-send loop per thread. */
  async work(signal: AbortSignal): Promise<void> {
    if (!this.workers) throw new Error('connect() first');
    await Promise.all(Array.from({ length: this.o.threads }, () => this.loop(signal)));
  }

  async close(): Promise<void> {
    await this.workers?.close();
    this.workers = null;
  }

  /**
   * This miner's statement from the pool, and the windows it was credited in checked against the
   * pool's published share tables (splitHolds): `splitsFailed` above 0 means the pool paid
   * someone other than its own rules say.
   */
  async account(): Promise<PoolAccount> {
    const address = this.o.pair.address;
    const [statement, windows] = await Promise.all([
      getOkJson(`${this.o.url}/v1/pool/miners/${address}`, { timeoutMs: 5000 }).then((j) =>
        MinerStatementSchema.parse(j),
      ),
      getOkJson(`${this.o.url}/v1/pool/windows`, { timeoutMs: 5000 }).then((j) =>
        RewardWindowSchema.array().parse((j as { windows?: unknown }).windows),
      ),
    ]);
    const mine = windows.filter((w) => w.amounts[address] !== undefined);
    const failed = mine.filter((w) => !splitHolds(w)).map((w) => w.id);
    if (failed.length > 0)
      this.o.log.warn('the pool’s split of a window does not follow its share table', {
        windows: failed,
      });
    return { statement, splitsChecked: mine.length, splitsFailed: failed.length };
  }

  private async loop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        const unit = await this.lease();
        if (!unit) {
          await sleep(IDLE_WAIT_MS, signal);
          continue;
        }
        const outcome = await this.workers!.run(unit);
        if (!outcome.ok) {
          this.stats.refused++;
          this.o.log.warn('unit not run', { unit: unit.id, reason: outcome.reason });
          continue;
        }
        await this.send(this.o.tamper ? this.o.tamper(outcome.result) : outcome.result);
      } catch (err) {
        if (signal.aborted) return;
        this.o.log.warn('pool request failed', { error: String(err) });
        await sleep(IDLE_WAIT_MS, signal);
      }
    }
  }

  private async lease(): Promise<WorkUnit | null> {
    const res = await signedRequest({
      url: this.o.url,
      path: '/v1/pool/lease',
      method: 'POST',
      body: {},
      pair: this.o.pair,
      target: this.terms!.hotkey,
    });
    if (res.status === 204) return null;
    if (res.status !== 200)
      throw new Error(`lease refused: HTTP ${res.status} ${JSON.stringify(res.json)}`);
    const unit = WorkUnitSchema.parse((res.json as { unit: unknown }).unit);
    if (unit.scope !== searchScope(this.config!))
      throw new Error(`unit ${unit.id} is for another configuration`);
    return unit;
  }

  private async send(result: WorkResult): Promise<void> {
    const res = await signedRequest({
      url: this.o.url,
      path: '/v1/pool/results',
      method: 'POST',
      body: result,
      pair: this.o.pair,
      target: this.terms!.hotkey,
    });
    this.stats.units++;
    const verdict = (res.json as { verdict?: string } | null)?.verdict;
    if (verdict === 'accepted') this.stats.accepted++;
    else if (verdict === 'rejected') this.stats.rejected++;
    else this.stats.pending++;
    this.o.log.debug('result sent', { unit: result.unit, status: res.status, verdict });
  }
}

/** A pool's terms, checked: a malformed answer is an error naming what is wrong. */
export async function readPoolTerms(url: string, timeoutMs?: number): Promise<PoolTerms> {
  const parsed = PoolTermsSchema.safeParse(await getOkJson(`${url}/v1/pool`, { timeoutMs }));
  if (!parsed.success)
    throw new Error(
      `${url} does not answer as a pool: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`,
    );
  return { ...parsed.data, config: parseSearchConfig(parsed.data.config) };
}

/** Waits, or less when the signal aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return delay(ms, undefined, { signal }).catch(() => {});
}
