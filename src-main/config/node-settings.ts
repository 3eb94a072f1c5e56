/**
 * A headless node's settings (a validator's, a pool's), from (highest first) command-line flags,
 * SOTA_* environment variables, a JSON config file, and defaults. Every value passes one zod
 * schema, so a bad value from any source gets the same message naming the field.
 */
import { readFileSync } from 'node:fs';
import type { z } from 'zod';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export type Env = Readonly<Record<string, string | undefined>>;

/** Where one kind of node reads its settings from. */
export interface SettingsSources<T> {
  /** "validator", "pool": names the node in error messages. */
  readonly what: string;
  readonly schema: z.ZodType<T>;
  readonly defaults: Readonly<Record<string, unknown>>;
  /** Environment variable → field, e.g. SOTA_NETUID → netuid. */
  readonly env: Readonly<Record<string, string>>;
  /** Fields read from the environment as whole numbers. */
  readonly numeric: ReadonlySet<string>;
}

/** The variables every headless node reads the same way (a node adds its own). */
export const NODE_ENV: Readonly<Record<string, string>> = {
  SOTA_NETWORK: 'network',
  SOTA_NETUID: 'netuid',
  SOTA_HOST: 'host',
  SOTA_PORT: 'port',
  SOTA_EXTERNAL_IP: 'externalIp',
  SOTA_EXTERNAL_PORT: 'externalPort',
  SOTA_DATA_DIR: 'dataDir',
  SOTA_HOTKEY_FILE: 'hotkeyFile',
  SOTA_CIFAR10_DIR: 'cifarDir',
};
export const NODE_NUMERIC: readonly string[] = ['netuid', 'port', 'externalPort'];

function fromEnv<T>(src: SettingsSources<T>, env: Env): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(src.env)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    // Plain decimals only: Number() would also take "0x1F", "1e3" or " 12 ".
    out[field] = src.numeric.has(field)
      ? /^\d+(\.\d+)?$/.test(value)
        ? Number(value)
        : value
      : value;
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
export function resolveSettings<T>(
  src: SettingsSources<T>,
  flags: Record<string, unknown>,
  opts: { env?: Env; configFile?: string } = {},
): T {
  const env = opts.env ?? process.env;
  const file = opts.configFile ?? env['SOTA_CONFIG'];
  const defined = Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined));
  const merged = {
    ...src.defaults,
    ...(file ? fromFile(file) : {}),
    ...fromEnv(src, env),
    ...defined,
  };
  const parsed = src.schema.safeParse(merged);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (i) => `${i.path.join('.') || '(config)'}: ${i.message}`,
    );
    throw new ConfigError(`Invalid ${src.what} settings: ${problems.join('; ')}`);
  }
  return parsed.data;
}
