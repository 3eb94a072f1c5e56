/**
 * A box for secret material (mnemonic, seed, password) that refuses to print itself.
 *
 * Passing a Secret instead of a string means an accidental `log.info('…', { input })`,
 * `JSON.stringify`, template literal or `console.log` shows "[redacted]" — the only way to the
 * value is an explicit reveal(), which is easy to grep for in review.
 */
import { inspect } from 'node:util';

const HIDDEN = '[redacted]';

export class Secret<T extends string | Uint8Array = string> {
  readonly #value: T;

  constructor(value: T) {
    this.#value = value;
  }

  /** The secret itself. Call only where it is consumed (key derivation, encryption). */
  reveal(): T {
    return this.#value;
  }

  /** Overwrites byte secrets in place (strings are immutable in JS and cannot be wiped). */
  wipe(): void {
    if (this.#value instanceof Uint8Array) this.#value.fill(0);
  }

  toString(): string {
    return HIDDEN;
  }

  toJSON(): string {
    return HIDDEN;
  }

  [inspect.custom](): string {
    return HIDDEN;
  }
}

export function secret<T extends string | Uint8Array>(value: T): Secret<T> {
  return new Secret(value);
}

/** A secret from an environment variable (a key file's password), or undefined when unset. */
export function secretFromEnv(
  name: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Secret<string> | undefined {
  const value = env[name];
  return value ? new Secret(value) : undefined;
}
