/**
 * Turns what a Substrate node reports — dispatch errors inside a block, RPC rejections of a
 * transaction, dropped connections — into a ChainError with a stable code and a message a miner or
 * an operator can act on. Module errors are looked up in the runtime's own metadata (so a new
 * runtime's errors are named correctly); the common Subtensor ones get a plainer explanation.
 */
import type { ApiPromise } from '@polkadot/api';
import type { DispatchError } from '@polkadot/types/interfaces';

export type ChainErrorCode =
  | 'MODULE' // a pallet rejected the call (section/name say which error)
  | 'BAD_ORIGIN'
  | 'TOKEN' // balance rules (funds unavailable, below minimum, …)
  | 'ARITHMETIC'
  | 'DISPATCH' // another DispatchError variant
  | 'INVALID_TX' // refused before inclusion (1010): fees, nonce, signature, rate limits
  | 'POOL' // refused by the pool (1014 priority too low, 1012 banned)
  | 'DROPPED' // dropped, usurped or invalidated after submission
  | 'TIMEOUT'
  | 'DISCONNECTED'
  | 'UNSUPPORTED' // the runtime lacks the call or feature
  | 'REFUSED'; // our own pre-flight check said no (e.g. cost above the user's limit)

export class ChainError extends Error {
  constructor(
    readonly code: ChainErrorCode,
    message: string,
    readonly details: { section?: string; name?: string; docs?: string } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ChainError';
  }

  /** "subtensorModule.HotKeyAlreadyRegisteredInSubNet" for module errors, else the code. */
  get key(): string {
    return this.details.section && this.details.name
      ? `${this.details.section}.${this.details.name}`
      : this.code;
  }
}

/** Plain-language messages for the Subtensor errors users meet most. */
const FRIENDLY: Readonly<Record<string, string>> = {
  'subtensorModule.HotKeyAlreadyRegisteredInSubNet':
    'This hotkey is already registered on the subnet.',
  'subtensorModule.HotKeyNotRegisteredInSubNet': 'This hotkey is not registered on the subnet.',
  'subtensorModule.HotKeyNotRegisteredInNetwork': 'This hotkey is not registered on any subnet.',
  'subtensorModule.NotEnoughBalanceToStake':
    'The coldkey does not have enough free balance for the registration cost.',
  'subtensorModule.TooManyRegistrationsThisBlock':
    'Too many registrations on this subnet in this block; try again in a few blocks.',
  'subtensorModule.TooManyRegistrationsThisInterval':
    'The subnet reached its registration limit for this interval; try again later.',
  'subtensorModule.SubNetworkDoesNotExist': 'There is no subnet with this netuid.',
  'subtensorModule.SubNetRegistrationDisabled': 'Registration is closed on this subnet.',
  'subtensorModule.InvalidIpAddress':
    'The axon IP address is not a public address (loopback, private and unspecified addresses are refused).',
  'subtensorModule.InvalidPort': 'The axon port is invalid.',
  'subtensorModule.ServingRateLimitExceeded':
    'The axon was updated too recently; wait a few blocks.',
  'subtensorModule.SettingWeightsTooFast':
    'Weights were set too recently on this subnet (rate limit).',
  'subtensorModule.CommitRevealEnabled':
    'This subnet requires commit-reveal: commit the weights first and reveal them later.',
  'subtensorModule.CommitRevealDisabled':
    'Commit-reveal is off on this subnet: set weights directly.',
  'subtensorModule.NeuronNoValidatorPermit':
    'This hotkey has no validator permit on the subnet: it may only set a weight on itself.',
  'subtensorModule.NotEnoughStakeToSetWeights':
    'This hotkey has less stake than the minimum needed to set weights.',
  'subtensorModule.WeightVecLengthIsLow': 'Fewer weights than the subnet’s minimum were given.',
  'subtensorModule.UidVecContainInvalidOne':
    'A weight names a uid that does not exist on the subnet.',
  'subtensorModule.IncorrectWeightVersionKey':
    'The weights version key is older than the subnet requires: update sota-miner.',
  'subtensorModule.RevealTooEarly':
    'It is too early to reveal these weights; wait for the reveal epoch.',
  'subtensorModule.ExpiredWeightCommit': 'The weight commit expired before it was revealed.',
  'subtensorModule.InvalidRevealCommitHashNotMatch':
    'The revealed weights do not match the commit (different weights, salt or version).',
  'subtensorModule.NoWeightsCommitFound': 'There is no weight commit to reveal.',
  'commitments.CommitmentSetRateLimitExceeded':
    'A commitment was published too recently on this subnet; wait for the rate limit to pass.',
  'commitments.AccountNotAllowedCommit':
    'Only hotkeys registered on the subnet may publish commitments.',
  'commitments.TooManyFieldsInCommitmentInfo': 'The commitment has too many fields.',
  'balances.InsufficientBalance': 'The account’s balance is too low.',
};

/** A ChainError for a DispatchError from a block's ExtrinsicFailed event or a tx result. */
export function fromDispatchError(api: ApiPromise, err: DispatchError): ChainError {
  if (err.isModule) {
    try {
      const meta = api.registry.findMetaError(err.asModule);
      const docs = meta.docs.join(' ').trim();
      const key = `${meta.section}.${meta.name}`;
      return new ChainError('MODULE', `${FRIENDLY[key] ?? (docs || meta.name)} (${key})`, {
        section: meta.section,
        name: meta.name,
        docs,
      });
    } catch {
      return new ChainError('MODULE', `Unknown module error ${err.asModule.toString()}`);
    }
  }
  if (err.isBadOrigin)
    return new ChainError('BAD_ORIGIN', 'The signer is not allowed to make this call.');
  if (err.isToken)
    return new ChainError('TOKEN', `Balance rule violated: ${err.asToken.type}.`, {
      name: err.asToken.type,
    });
  if (err.isArithmetic)
    return new ChainError('ARITHMETIC', `Arithmetic error: ${err.asArithmetic.type}.`, {
      name: err.asArithmetic.type,
    });
  return new ChainError('DISPATCH', `Dispatch failed: ${err.type}.`, { name: err.type });
}

const INVALID_TX_HINTS: ReadonlyArray<[RegExp, string]> = [
  [/payment|inability to pay/i, 'the signing account cannot pay the transaction fee'],
  [
    /outdated|stale/i,
    'the nonce was already used (another transaction from this key got in first)',
  ],
  [/future/i, 'the nonce is ahead of the account’s next nonce'],
  [/bad ?proof|badproof/i, 'the signature does not verify (wrong chain or era)'],
  [/ancient/i, 'the transaction’s birth block is too old'],
  [/exhausts ?resources/i, 'the block is full; try again'],
  [/custom error/i, 'the runtime refused it before inclusion (rate limit or a Subtensor rule)'],
];

/** A ChainError for an error thrown by submission (RPC error objects or plain Errors). */
export function fromSubmitError(err: unknown): ChainError {
  if (err instanceof ChainError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (/^1010\b|invalid transaction/i.test(message)) {
    const hint = INVALID_TX_HINTS.find(([re]) => re.test(message))?.[1];
    return new ChainError(
      'INVALID_TX',
      `Transaction refused: ${hint ?? message}.`,
      { docs: message },
      { cause: err },
    );
  }
  if (/^101[24]\b|priority is too low|temporarily banned/i.test(message))
    return new ChainError(
      'POOL',
      'Transaction refused by the pool: one with the same nonce is already pending.',
      { docs: message },
      { cause: err },
    );
  if (/disconnected|not connected|websocket is not connected|abnormal closure/i.test(message))
    return new ChainError(
      'DISCONNECTED',
      `Lost the chain connection: ${message}`,
      {},
      { cause: err },
    );
  return new ChainError('DISPATCH', message, {}, { cause: err });
}
