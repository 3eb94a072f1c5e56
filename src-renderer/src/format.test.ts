import { describe, expect, it } from 'vitest';
import { formatAlpha, formatBytes, formatTao, formatTaoExact, passphraseStrength } from './format';

describe('format', () => {
  it('writes RAO as TAO with four decimals, rounded down, beyond 2^53', () => {
    expect(formatTao('0')).toBe('0.0000 TAO');
    expect(formatTao('1234567890')).toBe('1.2345 TAO');
    expect(formatTao('99999')).toBe('0.0000 TAO');
    expect(formatTao('21000000000000000000')).toBe(`${(21_000_000_000).toLocaleString()}.0000 TAO`);
    expect(formatTao('-5')).toBe('–');
  });

  it("writes a subnet's alpha like TAO, with its own sign", () => {
    expect(formatAlpha('1234567890')).toBe('1.2345 α');
    expect(formatAlpha('bad')).toBe('–');
  });

  it('writes RAO as TAO to the last RAO for payouts', () => {
    expect(formatTaoExact('0')).toBe('0 TAO');
    expect(formatTaoExact('12345')).toBe('0.000012345 TAO');
    expect(formatTaoExact('1500000000')).toBe('1.5 TAO');
    expect(formatTaoExact('x')).toBe('–');
  });

  it('writes download sizes', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(12_345)).toBe('12 kB');
    expect(formatBytes(170_498_071)).toBe('170.5 MB');
  });
});

describe('passphraseStrength', () => {
  it('asks for 8 characters, and calls long or many-word passphrases strong', () => {
    expect(passphraseStrength('short').level).toBe('too-short');
    expect(passphraseStrength('password').level).toBe('weak');
    expect(passphraseStrength('Password1234').level).toBe('fair');
    expect(passphraseStrength('correct horse battery staple').level).toBe('strong');
    expect(passphraseStrength('a'.repeat(20)).level).toBe('strong');
  });
});
