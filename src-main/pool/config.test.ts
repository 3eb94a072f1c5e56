import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config/node-settings';
import { POOL_DEFAULTS, resolvePoolConfig } from './config';

const REQUIRED = { hotkeyFile: '/keys/pool.json', dataDir: '/var/pool' };

function file(content: unknown): string {
  const f = path.join(mkdtempSync(path.join(tmpdir(), 'pool-config-')), 'pool.json');
  writeFileSync(f, JSON.stringify(content));
  return f;
}

describe('resolvePoolConfig', () => {
  it('takes flags over SOTA_* variables over the file over defaults', () => {
    const configFile = file({ feeBps: 100, windowBlocks: 50, search: { populationSize: 20 } });
    const c = resolvePoolConfig(
      { ...REQUIRED, feeBps: 300 },
      {
        env: { SOTA_FEE_BPS: '200', SOTA_WINDOW_BLOCKS: '70', SOTA_MIN_PAYOUT_RAO: '5' },
        configFile,
      },
    );
    expect(c).toMatchObject({ feeBps: 300, windowBlocks: 70, minPayoutRao: 5n });
    expect(c.search.populationSize).toBe(20);
    expect(c.port).toBe(POOL_DEFAULTS.port);
    expect(c.checkTasks).toBe(POOL_DEFAULTS.checkTasks);
    expect(c.from).toEqual([]);
    expect(c.network).toBeUndefined();
  });

  it('names each bad field, whatever its source', () => {
    const bad = (flags: Record<string, unknown>, env: Record<string, string> = {}) => {
      try {
        resolvePoolConfig({ ...REQUIRED, ...flags }, { env });
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        return (err as Error).message;
      }
      throw new Error('expected a ConfigError');
    };
    expect(bad({ feeBps: 10_001 })).toMatch(/feeBps/);
    expect(bad({}, { SOTA_MIN_PAYOUT_RAO: '0' })).toMatch(/minPayoutRao/);
    expect(bad({}, { SOTA_PORT: '0x1F' })).toMatch(/port/);
    expect(bad({ network: 'local' })).toMatch(/network and netuid go together/);
    expect(bad({ search: { populationSize: 1 } })).toMatch(/search/);
    expect(bad({ surprise: 1 })).toMatch(/surprise/);
  });
});
