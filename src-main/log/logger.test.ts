import { inspect } from 'node:util';

import { describe, expect, it } from 'vitest';

import { Secret } from '../wallet/secret';
import { createLogger } from './logger';
import { REDACTED, redact, redactText } from './redact';

const MNEMONIC = 'bottom drive obey lake curtain smoke basket hold race lonely fit walk';
const SEED = '0xe5be9a5092b81bca64be81d212e7f2f9eba183bb7a90954f7b76361f6edb5c0a';

function capture(format: 'json' | 'text' = 'json') {
  const lines: string[] = [];
  const log = createLogger({ level: 'debug', format, write: (l) => lines.push(l) });
  return { log, lines, text: () => lines.join('\n') };
}

describe('logger redaction', () => {
  it('replaces secret-named fields at any depth, whatever their value', () => {
    const { log, text } = capture();
    log.info('import', {
      mnemonic: MNEMONIC,
      nested: { keystorePassphrase: 'hunter22-hunter22', list: [{ secretSeed: SEED }] },
      address: '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY',
    });
    const out = text();
    expect(out).not.toContain('bottom drive');
    expect(out).not.toContain('hunter22');
    expect(out).not.toContain(SEED.slice(2));
    // Public data passes.
    expect(out).toContain('5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY');
    expect(JSON.parse(out)).toMatchObject({ mnemonic: REDACTED, msg: 'import' });
  });

  it('scrubs mnemonic-shaped text and labelled hex from messages and errors', () => {
    const { log, text } = capture('text');
    log.warn(`user pasted ${MNEMONIC} by mistake`);
    log.error('failed', { err: new Error(`bad seed ${SEED}`) });
    const out = text();
    expect(out).not.toContain('obey lake');
    expect(out).not.toContain(SEED.slice(2));
    expect(out).toContain('user pasted [redacted] by mistake');
  });

  it('keeps block hashes and public keys under neutral names', () => {
    const hash = '0x' + 'ab'.repeat(32);
    expect(redact({ blockHash: hash, publicKey: hash })).toEqual({
      blockHash: hash,
      publicKey: hash,
    });
    expect(redactText(`block ${hash}`)).toBe(`block ${hash}`);
  });

  it('never prints a Secret, however it is formatted', () => {
    const s = new Secret(MNEMONIC);
    expect(String(s)).toBe(REDACTED);
    expect(`${s}`).toBe(REDACTED);
    expect(JSON.stringify({ s })).toBe(`{"s":"${REDACTED}"}`);
    expect(inspect({ s })).not.toContain('bottom');
    const { log, text } = capture();
    log.info('x', { input: s });
    expect(text()).not.toContain('bottom');
  });

  it('drops lines below the level and survives a throwing sink', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'warn', write: (l) => lines.push(l) });
    log.info('quiet');
    log.warn('loud');
    expect(lines).toHaveLength(1);
    const broken = createLogger({
      write: () => {
        throw new Error('EPIPE');
      },
    });
    expect(() => broken.error('still fine')).not.toThrow();
  });

  it('handles cycles, bigint and bytes', () => {
    const a: Record<string, unknown> = { n: 10n, bytes: new Uint8Array(32) };
    a['self'] = a;
    expect(redact(a)).toEqual({ n: '10', bytes: '[32 bytes]', self: '[circular]' });
  });
});

describe('secrets in URLs', () => {
  const TOKEN = 'Zm9vYmFyLXRoZS1hY2Nlc3MtdG9rZW4tb2YtdGhlLW5vZGU';

  it('redacts the token query parameter of any URL, in messages, fields and errors', () => {
    const { log, text } = capture('text');
    const url = `http://127.0.0.1:7878/?token=${TOKEN}`;
    log.info(`dashboard at ${url}`);
    log.info('dashboard', { url, nested: { to: `ws://[::1]:9/bridge?x=1&token=${TOKEN}#top` } });
    log.error('failed', { err: new Error(`could not open "${url}"`) });
    log.info(`other names: ?access_token=${TOKEN}&apiSecret=${TOKEN};password=${TOKEN}`);
    const out = text();
    expect(out).not.toContain(TOKEN);
    expect(out).toContain(`dashboard at http://127.0.0.1:7878/?token=${REDACTED}`);
    expect(out).toContain(`ws://[::1]:9/bridge?x=1&token=${REDACTED}#top`);
  });

  it('keeps other query parameters and text with question marks', () => {
    expect(redactText('GET /v1/receipts?since=10&limit=5')).toBe(
      'GET /v1/receipts?since=10&limit=5',
    );
    expect(redactText('what? a=b & c=d')).toBe('what? a=b & c=d');
    expect(redactText('/x?token=')).toBe('/x?token=');
    expect(redactText(`/x?%74oken=${TOKEN}`)).toBe(`/x?%74oken=${REDACTED}`);
  });
});
