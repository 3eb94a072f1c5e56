/**
 * A headless node's settings, from (highest first) command-line flags, SOTA_* environment
 * variables, a JSON config file, and defaults. Every value passes one zod schema, so a bad value
 * from any source gets the same message naming the field.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { TrackSchema, makeTrack, type Track } from '../../shared/protocol/track';

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

/** Environment variable → field, e.g. SOTA_NETUID=12. */
const ENV: Record<string, keyof ValidatorConfig> = {
  SOTA_NETWORK: 'network',
  SOTA_NETUID: 'netuid',
  SOTA_HOST: 'host',
  SOTA_PORT: 'port',
  SOTA_EXTERNAL_IP: 'externalIp',
  SOTA_EXTERNAL_PORT: 'externalPort',
  SOTA_DATA_DIR: 'dataDir',
  SOTA_THREADS: 'threads',
  SOTA_HOTKEY_FILE: 'hotkeyFile',
  SOTA_CIFAR10_DIR: 'cifarDir',
  SOTA_LOG_LEVEL: 'logLevel',
  SOTA_UI_PORT: 'uiPort',
};
const NUMERIC = new Set<string>(['netuid', 'port', 'externalPort', 'threads', 'uiPort']);

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function fromEnv(env: Readonly<Record<string, string | undefined>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(ENV)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    // Whole numbers only: Number() would also take "0x1F", "1e3" or " 12 ".
    out[field] = NUMERIC.has(field) ? (/^\d+$/.test(value) ? Number(value) : value) : value;
  }
  return out;
}

function fromFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`Cannot read the config file ${file}: ${(err as Error).message}`);
  }
  try {
    const value: unknown = JSON.parse(text);
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      throw new Error('expected a JSON object');
    return value as Record<string, unknown>;
  } catch (err) {
    throw new ConfigError(`The config file ${file} is not valid JSON: ${(err as Error).message}`);
  }
}

/** Merges the sources and checks the result; throws a ConfigError naming each bad field. */
export function resolveValidatorConfig(
  flags: Record<string, unknown>,
  opts: { env?: Readonly<Record<string, string | undefined>>; configFile?: string } = {},
): ValidatorConfig {
  const env = opts.env ?? process.env;
  const file = opts.configFile ?? env['SOTA_CONFIG'];
  const defined = Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined));
  const merged = {
    ...VALIDATOR_DEFAULTS,
    ...(file ? fromFile(file) : {}),
    ...fromEnv(env),
    ...defined,
  };
  const parsed = ValidatorConfigSchema.safeParse(merged);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (i) => `${i.path.join('.') || '(config)'}: ${i.message}`,
    );
    throw new ConfigError(`Invalid validator settings: ${problems.join('; ')}`);
  }
  return { ...parsed.data, dataDir: path.resolve(parsed.data.dataDir) };
}

export function trackOf(config: ValidatorConfig): Track {
  return makeTrack(config.track);
}
