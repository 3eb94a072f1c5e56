import { describe, expect, it } from 'vitest';

import { WalletError } from './errors';
import { parseKeyInput } from './key-input';
import { pairFromMaterial, toSs58 } from './keypair';
import { Secret } from './secret';

// Substrate's public development phrase and //Alice's seed: well-known test vectors, no value.
const DEV_PHRASE = 'bottom drive obey lake curtain smoke basket hold race lonely fit walk';
const ALICE_SEED = '0xe5be9a5092b81bca64be81d212e7f2f9eba183bb7a90954f7b76361f6edb5c0a';
const ALICE = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY';
const DEV_ROOT = '5DfhGyQdFobKM8NsWvEeAKk5EQQgYe9AydgJ7rMB6E1EqRzV';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(WalletError);
    return (err as WalletError).code;
  }
  throw new Error('did not throw');
}

describe('parseKeyInput', () => {
  it('derives the sr25519 address btcli shows from a mnemonic (SS58 42)', async () => {
    const m = parseKeyInput(new Secret(`  ${DEV_PHRASE.toUpperCase().replace(/ /g, '\n ')} `));
    expect(m.kind).toBe('mnemonic');
    expect((await pairFromMaterial(m)).address).toBe(DEV_ROOT);
  });

  it('derives from a 0x secret seed', async () => {
    const m = parseKeyInput(new Secret(ALICE_SEED));
    expect(m.kind).toBe('seed');
    expect((await pairFromMaterial(m)).address).toBe(ALICE);
  });

  it('says what is wrong without echoing the input', () => {
    const words = DEV_PHRASE.split(' ');
    expect(codeOf(() => parseKeyInput(words.slice(0, 11).join(' ')))).toBe('WORD_COUNT');
    expect(codeOf(() => parseKeyInput([...words, 'walk'].join(' ')))).toBe('WORD_COUNT');
    const swapped = [...words];
    [swapped[0], swapped[1]] = [swapped[1]!, swapped[0]!];
    expect(codeOf(() => parseKeyInput(swapped.join(' ')))).toBe('BAD_CHECKSUM');
    const typo = [...words];
    typo[6] = 'basketz';
    try {
      parseKeyInput(typo.join(' '));
    } catch (err) {
      expect((err as WalletError).code).toBe('UNKNOWN_WORD');
      expect((err as Error).message).toContain('Word 7');
      expect((err as Error).message).not.toContain('basket');
    }
    expect(codeOf(() => parseKeyInput('0x1234'))).toBe('BAD_SEED');
    expect(codeOf(() => parseKeyInput('not a key!'))).toBe('UNKNOWN_FORMAT');
    expect(codeOf(() => parseKeyInput(''))).toBe('UNKNOWN_FORMAT');
  });

  it('keeps the secret out of the material when printed', () => {
    const m = parseKeyInput(DEV_PHRASE);
    expect(JSON.stringify(m)).not.toContain('bottom');
  });

  it('normalises addresses and public keys to SS58 42', () => {
    expect(toSs58('0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d')).toBe(
      ALICE,
    );
    expect(codeOf(() => toSs58('5Grw-not-an-address'))).toBe('UNKNOWN_FORMAT');
  });
});
