/**
 * A validator's settings: flags, SOTA_* variables, a JSON file and defaults, resolved the way
 * every headless node's are (config/node-settings.ts).
 */
import path from 'node:path';
import { z } from 'zod';
import { TrackSchema, makeTrack, type Track } from '../../shared/protocol/track';
import {
  NODE_ENV,
  NODE_NUMERIC,
  resolveSettings,
  type Env,
  type SettingsSources,
} from '../config/node-settings';

export { ConfigError } from '../config/node-settings';

export const ValidatorConfigSchema = z.strictObject({
  /** A network name (finney, test, local) or a ws:// / wss:// endpoint. */
  network: z.string().min(1),
  netuid: z.number().int().min(1).max(65535),
  /** Where the submission API listens. */
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  /** The address announced on chain with serve_axon (default: this machine's first public IPv4). */
  externalIp: z.string().optional(),
  externalPort: z.number().int().min(1).max(65535).optional(),
  dataDir: z.string().min(1),
  /** Verification worker threads. */
  threads: z.number().int().min(1).max(64),
  /** The validator hotkey: a btcli-style key file (plain JSON, or $NACL with its password). */
  hotkeyFile: z.string().min(1),
  cifarDir: z.string().optional(),
  /** Fields of the track to override (every validator of a subnet must use the same track). */
  track: TrackSchema.partial().strict().default({}),
  /** How often the metagraph (validators, stakes, endpoints) is re-read. */
  metagraphEveryBlocks: z.number().int().min(1),
  /** Weights are set once per this many blocks (default: the subnet's tempo). */
  weightsEveryBlocks: z.number().int().min(1).optional(),
  /** Loopback port of the browser dashboard (the UI and its WebSocket bridge); 0 turns it off. */
  uiPort: z.number().int().min(0).max(65535),
  /** Submissions a miner may make per hour. */
  submissionsPerHour: z.number().int().min(1),
  logLevel: z.enum(['debug', 'info', 'warn', 'error']),
});
export type ValidatorConfig = z.infer<typeof ValidatorConfigSchema>;

export const VALIDATOR_DEFAULTS = {
  network: 'finney',
  host: '0.0.0.0',
  port: 8091,
  threads: 1,
  metagraphEveryBlocks: 10,
  submissionsPerHour: 12,
  uiPort: 7879,
  logLevel: 'info',
} as const;

const SOURCES: SettingsSources<ValidatorConfig> = {
  what: 'validator',
  schema: ValidatorConfigSchema,
  defaults: VALIDATOR_DEFAULTS,
  // Environment variable → field, e.g. SOTA_NETUID=12.
  env: {
    ...NODE_ENV,
    SOTA_THREADS: 'threads',
    SOTA_LOG_LEVEL: 'logLevel',
    SOTA_UI_PORT: 'uiPort',
  },
  numeric: new Set([...NODE_NUMERIC, 'threads', 'uiPort']),
};

/** Merges the sources and checks the result; throws a ConfigError naming each bad field. */
export function resolveValidatorConfig(
  flags: Record<string, unknown>,
  opts: { env?: Env; configFile?: string } = {},
): ValidatorConfig {
  const config = resolveSettings(SOURCES, flags, opts);
  return { ...config, dataDir: path.resolve(config.dataDir) };
}

export function trackOf(config: ValidatorConfig): Track {
  return makeTrack(config.track);
}
