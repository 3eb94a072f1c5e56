/**
 * Wallet errors with a stable code for the UI and a message a user can act on. Messages never
 * contain secret material: at most a word position or a file path.
 */
export type WalletErrorCode =
  | 'WRONG_PASSWORD'
  | 'BAD_CHECKSUM'
  | 'UNKNOWN_WORD'
  | 'WORD_COUNT'
  | 'BAD_SEED'
  | 'UNKNOWN_FORMAT'
  | 'UNSUPPORTED_ENCRYPTION'
  | 'NOT_FOUND'
  | 'KEY_MISMATCH'
  | 'NO_PASSPHRASE'
  | 'INSECURE_BACKEND'
  | 'CORRUPT'
  | 'IO';

export class WalletError extends Error {
  constructor(
    readonly code: WalletErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'WalletError';
  }
}
