/** Numbers, dates and ids written for people. */

const DASH = '–';

export function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

export function formatCount(value: number | null | undefined): string {
  return isFiniteNumber(value) ? Math.round(value).toLocaleString() : DASH;
}

export function formatSpeed(value: number | null | undefined): string {
  if (!isFiniteNumber(value)) return DASH;
  return `${value < 10 ? value.toFixed(1) : Math.round(value).toLocaleString()} per second`;
}

export function formatPercent(share: number | null | undefined): string {
  return isFiniteNumber(share) ? `${Math.round(share * 100)}%` : DASH;
}

/** Bytes in the unit a person expects for a download: 12.3 MB. */
export function formatBytes(bytes: number): string {
  if (!isFiniteNumber(bytes) || bytes < 0) return DASH;
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(0)} kB`;
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/** RAO (a decimal string) as TAO with four decimals, rounded down: 12.3456 TAO. */
export function formatTao(rao: string): string {
  if (!/^\d+$/.test(rao)) return DASH;
  const units = BigInt(rao) / 100_000n; // 10^9 RAO per TAO, four decimals kept
  const whole = units / 10_000n;
  const fraction = (units % 10_000n).toString().padStart(4, '0');
  return `${whole.toLocaleString()}.${fraction} TAO`;
}

/** α in its smallest unit (10^9 per α, a decimal string), four decimals, rounded down: 1.2345 α. */
export function formatAlpha(rao: string): string {
  const tao = formatTao(rao);
  return tao === DASH ? DASH : tao.replace(/ TAO$/, ' α');
}

/** RAO (a decimal string) as TAO to the last RAO, trailing zeros dropped: 0.000012345 TAO. */
export function formatTaoExact(rao: string): string {
  if (!/^\d+$/.test(rao)) return DASH;
  const value = BigInt(rao);
  const whole = value / 1_000_000_000n;
  const fraction = (value % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '');
  return `${whole.toLocaleString()}${fraction ? `.${fraction}` : ''} TAO`;
}

export function formatScore(value: number | null | undefined): string {
  return isFiniteNumber(value) ? value.toFixed(4) : DASH;
}

export function formatSignedScore(value: number): string {
  return `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(4)}`;
}

/** A digest, cut to something a person can compare at a glance. */
export function shortDigest(digest: string | null | undefined): string {
  if (!digest) return DASH;
  const hex = digest.includes(':') ? digest.slice(digest.indexOf(':') + 1) : digest;
  return hex.length > 12 ? hex.slice(0, 12) : hex;
}

/** An SS58 address as 5Fabc1…Xyz9. */
export function shortAddress(address: string | null | undefined): string {
  if (!address) return DASH;
  return address.length > 14 ? `${address.slice(0, 6)}…${address.slice(-4)}` : address;
}

/** A Unix time that may be in seconds or milliseconds. */
function toDate(value: number | string): Date | null {
  const date =
    typeof value === 'number' ? new Date(value < 1e12 ? value * 1000 : value) : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

export function formatDateTime(value: number | string | null | undefined): string {
  if (value === null || value === undefined) return DASH;
  const date = toDate(value);
  return date
    ? date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })
    : String(value);
}

export function formatClock(value: string): string {
  const date = toDate(value);
  return date ? date.toLocaleTimeString(undefined, { hour12: false }) : value;
}

export function formatDuration(seconds: number): string {
  if (!isFiniteNumber(seconds) || seconds < 0) return DASH;
  const s = Math.floor(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor(s / 60) % 60;
  if (h > 0) return `${h} h ${m} min`;
  if (m > 0) return `${m} min ${s % 60} s`;
  return `${s} s`;
}

/** The message of anything thrown, for a person. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  return 'Something went wrong.';
}

/**
 * A rough strength of a passphrase, for the person choosing one: length counts most, then the
 * kinds of characters. Not a cracking estimate; it steers away from short, plain choices.
 */
export function passphraseStrength(text: string): {
  readonly level: 'too-short' | 'weak' | 'fair' | 'strong';
  readonly label: string;
} {
  if (text.length < 8) return { level: 'too-short', label: 'Too short: at least 8 characters' };
  const kinds = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z\d]/].filter((r) => r.test(text)).length;
  const words = text.trim().split(/\s+/).length;
  if (text.length >= 20 || (words >= 4 && text.length >= 16))
    return { level: 'strong', label: 'Strong' };
  if (text.length >= 12 && kinds >= 2) return { level: 'fair', label: 'Fair: longer is stronger' };
  return { level: 'weak', label: 'Weak: a few unrelated words are stronger' };
}
