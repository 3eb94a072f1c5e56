import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CIFAR10_BINARY } from '../../shared/protocol/track';
import { ConfigError, VALIDATOR_DEFAULTS, resolveValidatorConfig, trackOf } from './config';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sota-validator-config-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Writes `text` (or JSON of a value) to a file in the temp folder and returns its path. */
function configFile(content: unknown, name = 'config.json'): string {
  const file = path.join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

/** The fields without defaults, so a resolve can succeed. */
const REQUIRED = { netuid: 7, dataDir: '/var/sota', hotkeyFile: '/keys/hot.json' };

/** Resolves with the given flags and an explicit (by default empty) environment. */
function resolve(
  flags: Record<string, unknown>,
  env: Record<string, string | undefined> = {},
  file?: string,
) {
  return resolveValidatorConfig(flags, file === undefined ? { env } : { env, configFile: file });
}

/** The ConfigError a resolve throws (fails the test if it does not throw one). */
function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('resolveValidatorConfig: sources', () => {
  it('fills everything not given from the defaults', () => {
    const c = resolve(REQUIRED);
    expect(c).toEqual({
      ...VALIDATOR_DEFAULTS,
      ...REQUIRED,
      dataDir: path.resolve('/var/sota'),
      track: {},
    });
    expect(c.externalIp).toBeUndefined();
    expect(c.externalPort).toBeUndefined();
    expect(c.weightsEveryBlocks).toBeUndefined();
    expect(c.cifarDir).toBeUndefined();
  });

  it('ranks flags over SOTA_* variables over the config file over the defaults', () => {
    const file = configFile({
      ...REQUIRED,
      network: 'file-net',
      host: '10.0.0.1',
      port: 1001,
      threads: 3,
      logLevel: 'warn',
    });
    const env = { SOTA_HOST: '10.0.0.2', SOTA_PORT: '2002', SOTA_THREADS: '5' };
    const c = resolve({ port: 3003 }, env, file);
    expect(c.port).toBe(3003); // flag beats env and file
    expect(c.host).toBe('10.0.0.2'); // env beats file
    expect(c.threads).toBe(5); // env beats file
    expect(c.network).toBe('file-net'); // file beats default
    expect(c.logLevel).toBe('warn'); // file beats default
    expect(c.submissionsPerHour).toBe(VALIDATOR_DEFAULTS.submissionsPerHour); // default
    expect(c.netuid).toBe(7); // file
  });

  it('lets a flag of undefined fall through to the lower sources', () => {
    const c = resolve({ ...REQUIRED, port: undefined, host: undefined }, { SOTA_PORT: '4444' });
    expect(c.port).toBe(4444);
    expect(c.host).toBe(VALIDATOR_DEFAULTS.host);
  });

  it('ignores empty SOTA_* variables', () => {
    const c = resolve(REQUIRED, { SOTA_PORT: '', SOTA_NETWORK: '' });
    expect(c.port).toBe(VALIDATOR_DEFAULTS.port);
    expect(c.network).toBe(VALIDATOR_DEFAULTS.network);
  });

  it('reads every SOTA_* variable, numeric ones as numbers', () => {
    const c = resolve(
      {},
      {
        SOTA_NETWORK: 'ws://127.0.0.1:9944',
        SOTA_NETUID: '12',
        SOTA_HOST: '127.0.0.1',
        SOTA_PORT: '9000',
        SOTA_EXTERNAL_IP: '203.0.113.5',
        SOTA_EXTERNAL_PORT: '9001',
        SOTA_DATA_DIR: '/srv/sota',
        SOTA_THREADS: '4',
        SOTA_HOTKEY_FILE: '/keys/h.json',
        SOTA_CIFAR10_DIR: '/data/cifar',
        SOTA_LOG_LEVEL: 'debug',
        UNRELATED: 'x',
      },
    );
    expect(c).toMatchObject({
      network: 'ws://127.0.0.1:9944',
      netuid: 12,
      host: '127.0.0.1',
      port: 9000,
      externalIp: '203.0.113.5',
      externalPort: 9001,
      dataDir: path.resolve('/srv/sota'),
      threads: 4,
      hotkeyFile: '/keys/h.json',
      cifarDir: '/data/cifar',
      logLevel: 'debug',
    });
    expect(typeof c.netuid).toBe('number');
    expect(typeof c.port).toBe('number');
  });

  it('reads the file named by SOTA_CONFIG when no config file is passed', () => {
    const file = configFile({ ...REQUIRED, port: 5151 });
    expect(resolve({}, { SOTA_CONFIG: file }).port).toBe(5151);
    // An explicit config file wins over SOTA_CONFIG.
    const other = configFile({ ...REQUIRED, port: 6161 }, 'other.json');
    expect(resolve({}, { SOTA_CONFIG: file }, other).port).toBe(6161);
  });

  it('uses process.env when no env is passed', () => {
    const saved = process.env['SOTA_PORT'];
    process.env['SOTA_PORT'] = '7171';
    try {
      expect(resolveValidatorConfig(REQUIRED, { configFile: configFile({}) }).port).toBe(7171);
    } finally {
      if (saved === undefined) delete process.env['SOTA_PORT'];
      else process.env['SOTA_PORT'] = saved;
    }
  });

  it('makes dataDir absolute', () => {
    const c = resolve({ ...REQUIRED, dataDir: 'relative/data' });
    expect(path.isAbsolute(c.dataDir)).toBe(true);
    expect(c.dataDir).toBe(path.resolve(process.cwd(), 'relative/data'));
    const fromEnv = resolve({ netuid: 1, hotkeyFile: 'h' }, { SOTA_DATA_DIR: './d' });
    expect(fromEnv.dataDir).toBe(path.resolve('d'));
  });
});

describe('resolveValidatorConfig: bad values', () => {
  it('names the field for a bad flag', () => {
    const err = errorOf(() => resolve({ ...REQUIRED, port: 70000 }));
    expect(err.name).toBe('ConfigError');
    expect(err.message).toMatch(/^Invalid validator settings: /);
    expect(err.message).toMatch(/\bport: /);
    expect(err.message).not.toMatch(/netuid/);
  });

  it('names the field for a bad SOTA_* variable', () => {
    expect(errorOf(() => resolve(REQUIRED, { SOTA_PORT: 'eighty' })).message).toMatch(/\bport: /);
    expect(errorOf(() => resolve(REQUIRED, { SOTA_PORT: '0' })).message).toMatch(/\bport: /);
    expect(errorOf(() => resolve(REQUIRED, { SOTA_THREADS: '1.5' })).message).toMatch(
      /\bthreads: /,
    );
    expect(errorOf(() => resolve(REQUIRED, { SOTA_LOG_LEVEL: 'loud' })).message).toMatch(
      /\blogLevel: /,
    );
  });

  it('names the field for a bad value in the config file', () => {
    const file = configFile({ ...REQUIRED, port: '8091' });
    expect(errorOf(() => resolve({}, {}, file)).message).toMatch(/\bport: /);
    const neg = configFile({ ...REQUIRED, netuid: -1 }, 'neg.json');
    expect(errorOf(() => resolve({}, {}, neg)).message).toMatch(/\bnetuid: /);
  });

  it('names an unknown key in the config file', () => {
    const file = configFile({ ...REQUIRED, prot: 8091 });
    expect(errorOf(() => resolve({}, {}, file)).message).toMatch(/prot/);
  });

  it('names every missing required field', () => {
    const noNetuid = errorOf(() => resolve({ dataDir: '/d', hotkeyFile: '/h' }));
    expect(noNetuid.message).toMatch(/\bnetuid: /);
    expect(noNetuid.message).not.toMatch(/hotkeyFile/);
    const noHotkey = errorOf(() => resolve({ netuid: 1, dataDir: '/d' }));
    expect(noHotkey.message).toMatch(/\bhotkeyFile: /);
    const none = errorOf(() => resolve({}));
    for (const field of ['netuid', 'dataDir', 'hotkeyFile']) expect(none.message).toContain(field);
  });

  it('lets a good higher source override a bad lower one', () => {
    const file = configFile({ ...REQUIRED, port: -5 });
    expect(resolve({}, { SOTA_PORT: '8123' }, file).port).toBe(8123);
  });
});

describe('resolveValidatorConfig: the config file', () => {
  it('names a file that cannot be read', () => {
    const missing = path.join(dir, 'missing.json');
    const err = errorOf(() => resolve(REQUIRED, {}, missing));
    expect(err.message).toContain('Cannot read the config file');
    expect(err.message).toContain(missing);
    // A folder is not readable as a file either.
    expect(errorOf(() => resolve(REQUIRED, {}, dir)).message).toContain(dir);
  });

  it('names a file that is not JSON', () => {
    const file = configFile('{ port: 8091 ');
    const err = errorOf(() => resolve(REQUIRED, {}, file));
    expect(err.message).toContain(`The config file ${file} is not valid JSON`);
  });

  it('rejects a JSON array, null or scalar, naming the file', () => {
    for (const [name, text] of [
      ['array.json', '[1, 2]'],
      ['null.json', 'null'],
      ['number.json', '42'],
      ['string.json', '"port"'],
    ] as const) {
      const file = configFile(text, name);
      const err = errorOf(() => resolve(REQUIRED, {}, file));
      expect(err.message).toContain(file);
      expect(err.message).toContain('expected a JSON object');
    }
  });

  it('is not read at all when neither configFile nor SOTA_CONFIG is given', () => {
    expect(() => resolve(REQUIRED, {})).not.toThrow();
  });
});

describe('track overrides', () => {
  it('are validated and name the track field', () => {
    const err = errorOf(() => resolve({ ...REQUIRED, track: { quorum: 0.3 } }));
    expect(err.message).toMatch(/\btrack\.quorum: /);
    const fromFile = configFile({ ...REQUIRED, track: { hiddenValid: 3 } });
    expect(errorOf(() => resolve({}, {}, fromFile)).message).toMatch(/\btrack\.hiddenValid: /);
    expect(errorOf(() => resolve({ ...REQUIRED, track: 'fast' })).message).toMatch(/\btrack: /);
  });

  it('are kept as given and applied by trackOf', () => {
    const file = configFile({ ...REQUIRED, track: { roundBlocks: 20, margin: 0.05 } });
    const c = resolve({}, {}, file);
    expect(c.track).toEqual({ roundBlocks: 20, margin: 0.05 });
    const t = trackOf(c);
    expect(t).toEqual({ ...CIFAR10_BINARY, roundBlocks: 20, margin: 0.05 });
  });

  it('default to the standard track', () => {
    expect(trackOf(resolve(REQUIRED))).toEqual(CIFAR10_BINARY);
  });

  it('are replaced whole by a higher source, not merged', () => {
    const file = configFile({ ...REQUIRED, track: { roundBlocks: 20 } });
    const c = resolve({ track: { margin: 0.02 } }, {}, file);
    expect(c.track).toEqual({ margin: 0.02 });
    expect(trackOf(c).roundBlocks).toBe(CIFAR10_BINARY.roundBlocks);
  });
});
