/**
 * A pool node's settings: flags, SOTA_* variables, a JSON file (--config, $SOTA_CONFIG) and
 * defaults, resolved as every headless node's are (config/node-settings.ts), so a pool runs under
 * systemd or in a container the way a validator does.
 */
import path from 'node:path';
import { z } from 'zod';
import { parseSearchConfig, type SearchConfig } from '../../shared/search/config';
import {
  ConfigError,
  NODE_ENV,
  NODE_NUMERIC,
  resolveSettings,
  type Env,
  type SettingsSources,
} from '../config/node-settings';
import { defaultDataDir } from '../dataset/locate';
import { DEFAULT_PLAN } from './pool-node';

const port = z.number().int().min(1).max(65535);

export const PoolConfigSchema = z.strictObject({
  /** With a network and subnet: registered miners only, claims, and payouts (with a coldkey). */
  network: z.string().min(1).optional(),
  netuid: z.number().int().min(1).max(65535).optional(),
  host: z.string().min(1),
  port,
  /** The address announced on chain (default: this machine's first public IPv4). */
  externalIp: z.string().optional(),
  externalPort: port.optional(),
  dataDir: z.string().min(1),
  /** The pool hotkey: a btcli key file ($SOTA_HOTKEY_PASSWORD if encrypted). */
  hotkeyFile: z.string().min(1),
  /** The coldkey owning the pool hotkey, which unstakes and pays ($SOTA_COLDKEY_PASSWORD). */
  coldkeyFile: z.string().min(1).optional(),
  cifarDir: z.string().optional(),
  /** The pool's fee on rewards, in basis points (announced in its terms). */
  feeBps: z.number().int().min(0).max(10_000),
  /** The smallest transfer to a miner, in RAO. */
  minPayoutRao: z
    .union([z.number().int().min(1), z.string().regex(/^[1-9]\d{0,30}$/)])
    .transform((v) => BigInt(v)),
  /** Blocks a reward window lasts at least. */
  windowBlocks: z.number().int().min(1),
  leaseSeconds: z.number().int().min(10).max(86_400),
  /** Individuals per evolve unit. */
  unitIndividuals: z.number().int().min(1).max(100_000),
  /** Unseen tasks the best programs are checked on before a claim; 0 claims by search score. */
  checkTasks: z.number().int().min(0).max(64),
  /**
   * Fraction of accepted units the pool runs again itself (pool-node.ts, SpotChecks): a mismatch
   * costs the agreeing miners their window's shares and their standing. 0: none.
   */
  spotCheckRate: z.number().min(0).max(1),
  /** Program files the search starts from (default: the genesis program). */
  from: z.array(z.string().min(1)).default([]),
  /** Search settings (shared/search/config.ts; default: AutoML-Zero's CIFAR set-up). */
  search: z.unknown().transform((v, ctx): SearchConfig => {
    try {
      return parseSearchConfig(v ?? {});
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
      return z.NEVER;
    }
  }),
});
export type PoolConfig = z.infer<typeof PoolConfigSchema>;

export const POOL_DEFAULTS = {
  host: '0.0.0.0',
  port: 8092,
  feeBps: 500,
  minPayoutRao: 100_000_000,
  windowBlocks: 360,
  leaseSeconds: 300,
  unitIndividuals: DEFAULT_PLAN.individualsPerUnit,
  checkTasks: 10,
  spotCheckRate: 0.05,
} as const;

const SOURCES: SettingsSources<PoolConfig> = {
  what: 'pool',
  schema: PoolConfigSchema,
  defaults: POOL_DEFAULTS,
  env: {
    ...NODE_ENV,
    SOTA_COLDKEY_FILE: 'coldkeyFile',
    SOTA_FEE_BPS: 'feeBps',
    SOTA_MIN_PAYOUT_RAO: 'minPayoutRao',
    SOTA_WINDOW_BLOCKS: 'windowBlocks',
    SOTA_CHECK_TASKS: 'checkTasks',
    SOTA_UNIT_INDIVIDUALS: 'unitIndividuals',
    SOTA_LEASE_SECONDS: 'leaseSeconds',
    SOTA_SPOT_CHECK_RATE: 'spotCheckRate',
  },
  numeric: new Set([
    ...NODE_NUMERIC,
    'feeBps',
    'windowBlocks',
    'checkTasks',
    'unitIndividuals',
    'leaseSeconds',
    'spotCheckRate',
  ]),
};

/** Merges the sources and checks the result; throws a ConfigError naming each bad field. */
export function resolvePoolConfig(
  flags: Record<string, unknown>,
  opts: { env?: Env; configFile?: string } = {},
): PoolConfig {
  const config = resolveSettings(
    { ...SOURCES, defaults: { ...SOURCES.defaults, dataDir: defaultDataDir() } },
    flags,
    opts,
  );
  if ((config.network === undefined) !== (config.netuid === undefined))
    throw new ConfigError(
      'Invalid pool settings: network and netuid go together (both or neither)',
    );
  return { ...config, dataDir: path.resolve(config.dataDir) };
}
