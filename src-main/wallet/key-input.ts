/**
 * Understands what a user pasted as a key: a 12/24-word BIP39 mnemonic or a `0x` 32-byte secret
 * seed (the two forms btcli prints and `btcli w regen_*` accepts). Anything else is rejected with
 * the reason, never with the input echoed back.
 */
import { mnemonicToEntropy } from '@polkadot/util-crypto/mnemonic/bip39';
import { english } from '@polkadot/util-crypto/mnemonic/wordlists';

import { WalletError } from './errors';
import { Secret } from './secret';

export type KeyMaterial =
  | { readonly kind: 'mnemonic'; readonly secret: Secret<string> }
  | { readonly kind: 'seed'; readonly secret: Secret<string> };

export const MNEMONIC_WORD_COUNTS = [12, 24] as const;
const BIP39_WORDS = new Set<string>(english);

/** Lower-case, single-spaced, NFKD (as BIP39 normalises) — so stray newlines or caps still work. */
export function normalizeMnemonic(text: string): string {
  return text.normalize('NFKD').trim().toLowerCase().split(/\s+/).join(' ');
}

function looksLikeHex(text: string): boolean {
  return /^0x[0-9a-f]*$/i.test(text);
}

function looksLikeWords(text: string): boolean {
  return /^[a-z]+( [a-z]+)*$/.test(text);
}

/** Validates a mnemonic and says precisely what is wrong (word count, which word, checksum). */
export function checkMnemonic(normalized: string): void {
  const words = normalized.split(' ');
  if (!(MNEMONIC_WORD_COUNTS as readonly number[]).includes(words.length)) {
    throw new WalletError(
      'WORD_COUNT',
      `A mnemonic has 12 or 24 words; this one has ${words.length}.`,
    );
  }
  try {
    mnemonicToEntropy(normalized);
  } catch (err) {
    const reason = err instanceof Error ? err.message : '';
    if (/checksum/i.test(reason)) {
      throw new WalletError(
        'BAD_CHECKSUM',
        'The mnemonic words are valid but the checksum does not match: a word is wrong or out of order.',
      );
    }
    // Name the first unknown word by its position, never by the word itself.
    const unknown = words.findIndex((w) => !BIP39_WORDS.has(w));
    if (unknown >= 0) {
      throw new WalletError(
        'UNKNOWN_WORD',
        `Word ${unknown + 1} of the mnemonic is not in the BIP39 English word list.`,
      );
    }
    throw new WalletError('BAD_CHECKSUM', 'The mnemonic is not valid BIP39.', { cause: err });
  }
}

/** Parses pasted key text into key material, or throws a WalletError saying why it cannot. */
export function parseKeyInput(input: Secret<string> | string): KeyMaterial {
  const raw = typeof input === 'string' ? input : input.reveal();
  const text = raw.trim();
  if (text === '') throw new WalletError('UNKNOWN_FORMAT', 'No key was given.');
  if (looksLikeHex(text)) {
    if (text.length !== 66) {
      throw new WalletError(
        'BAD_SEED',
        `A secret seed is 0x followed by 64 hex digits; this one has ${text.length - 2}.`,
      );
    }
    return { kind: 'seed', secret: new Secret(text.toLowerCase()) };
  }
  const normalized = normalizeMnemonic(text);
  if (looksLikeWords(normalized)) {
    checkMnemonic(normalized);
    return { kind: 'mnemonic', secret: new Secret(normalized) };
  }
  throw new WalletError(
    'UNKNOWN_FORMAT',
    'Unrecognised key: paste a 12- or 24-word mnemonic or a 0x-prefixed 32-byte secret seed.',
  );
}
