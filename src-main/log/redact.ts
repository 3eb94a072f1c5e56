/**
 * Scrubs secrets out of anything about to be logged.
 *
 * Three nets, because one is never enough for keys that control real money:
 *  1. by field name — any property whose name says "secret" (mnemonic, seed, password, …) is
 *     replaced whatever its value, at any depth;
 *  2. by shape — a run of 12 or more BIP39 words (a mnemonic pasted where it should not be), a
 *     `0x`-prefixed 32/64-byte hex string following a secret-sounding word, and the value of a
 *     URL query parameter with a secret-sounding name (`?token=…`, `&access_token=…`: the
 *     dashboard's address carries its access token so) are replaced inside free text, including
 *     error messages and stacks;
 *  3. by type — values of the wallet's Secret class print as "[redacted]" on their own.
 * Public data (addresses, block hashes, public keys under neutral names) passes untouched.
 */

import { english } from '@polkadot/util-crypto/mnemonic/wordlists';

export const REDACTED = '[redacted]';

/** Field names whose values are never logged. Matched case-insensitively, anywhere in the name. */
const SECRET_KEY_RE =
  /(mnemonic|phrase|seed|secret|password|passphrase|passwd|private|privkey|suri|token|credential|keyfile_?data|authorization|cookie)/i;

/** A mnemonic is 12+ consecutive words of the BIP39 list (which ordinary prose rarely is). */
const BIP39_WORDS = new Set<string>(english);
const MIN_MNEMONIC_WORDS = 12;

/** A hex secret right after a secret-sounding word, e.g. "seed 0xabc…" or "privateKey=0x…". */
const LABELLED_HEX_RE =
  /((?:mnemonic|seed|secret|private|password|passphrase|key)[A-Za-z_]*["']?\s*[:=]?\s*["']?)0x[0-9a-fA-F]{64,128}/gi;

/**
 * A query parameter in a URL: `?` or `&` (also `;`), its name, `=`, its value up to the next
 * parameter, fragment, whitespace or quote.
 */
const QUERY_PARAM_RE = /([?&;])([^=&;#?\s"'<>]{1,100})=([^&;#\s"'<>]*)/g;

export function isSecretKeyName(name: string): boolean {
  return SECRET_KEY_RE.test(name);
}

/** Replaces each run of MIN_MNEMONIC_WORDS or more BIP39 words (any case) with REDACTED. */
function redactMnemonics(text: string): string {
  const words = [...text.matchAll(/[A-Za-z]+/g)];
  let out = '';
  let copied = 0;
  let i = 0;
  while (i < words.length) {
    let j = i;
    // Extend the run while words are BIP39 words separated only by whitespace.
    while (
      j < words.length &&
      BIP39_WORDS.has(words[j]![0].toLowerCase()) &&
      (j === i ||
        /^\s+$/.test(text.slice(words[j - 1]!.index + words[j - 1]![0].length, words[j]!.index)))
    )
      j++;
    if (j - i >= MIN_MNEMONIC_WORDS) {
      const start = words[i]!.index;
      const last = words[j - 1]!;
      out += text.slice(copied, start) + REDACTED;
      copied = last.index + last[0].length;
    }
    i = j > i ? j : i + 1;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** Replaces the value of each secret-named query parameter (e.g. `?token=abc`) with REDACTED. */
function redactQuerySecrets(text: string): string {
  if (!/[?&;]/.test(text)) return text;
  return text.replace(QUERY_PARAM_RE, (whole, sep: string, name: string, value: string) => {
    let decoded = name;
    try {
      decoded = decodeURIComponent(name);
    } catch {
      // A malformed escape: judge the name as written.
    }
    return value !== '' && isSecretKeyName(decoded) ? `${sep}${name}=${REDACTED}` : whole;
  });
}

/** Redacts secret-shaped substrings of free text. */
export function redactText(text: string): string {
  return redactQuerySecrets(redactMnemonics(text)).replace(LABELLED_HEX_RE, `$1${REDACTED}`);
}

/**
 * A JSON-safe copy of `value` with secrets replaced. Handles Errors (message and stack scrubbed),
 * bigint, Uint8Array (printed as its length only: raw bytes in logs are usually key material),
 * cycles and very deep objects.
 */
export function redact(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (value === null || value === undefined) return value;
  if (typeof value === 'string') return redactText(value);
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'function' || typeof value === 'symbol') return undefined;
  if (typeof value !== 'object') return String(value);
  if (value instanceof Uint8Array) return `[${value.length} bytes]`;
  if (seen.has(value)) return '[circular]';
  if (depth > 6) return '[deep]';
  seen.add(value);
  // A class that knows it holds a secret (wallet/secret.ts) says so through toJSON.
  const asJson = (value as { toJSON?: unknown }).toJSON;
  if (typeof asJson === 'function' && !(value instanceof Date)) {
    return redact((asJson as () => unknown).call(value), depth + 1, seen);
  }
  if (value instanceof Error) {
    const out: Record<string, unknown> = { name: value.name, message: redactText(value.message) };
    const code = (value as { code?: unknown }).code;
    if (code !== undefined) out['code'] = redact(code, depth + 1, seen);
    if (value.stack) out['stack'] = redactText(value.stack);
    if (value.cause !== undefined) out['cause'] = redact(value.cause, depth + 1, seen);
    return out;
  }
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1, seen));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] =
      isSecretKeyName(k) && v !== undefined && v !== null ? REDACTED : redact(v, depth + 1, seen);
  }
  return out;
}
