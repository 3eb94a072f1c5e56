/**
 * The arguments of every command, as schemas the node checks a call against before any handler
 * runs: a malformed call (a page's bug, or anyone holding the access token) gets a BAD_ARGUMENT
 * error naming the field, never a crash or a handler working on `undefined`. Each schema is typed
 * against `Commands`, so the two cannot drift apart, and the table is a Record over CommandName,
 * so a command without a schema does not compile; the list of commands derives from it.
 *
 * Kept out of contract.ts so that the UI's bundle does not carry zod: only the node checks.
 * Bounds are generous outer limits; the handlers still say what is wrong in a person's words
 * (an empty key name, an address that is not SS58, ...).
 */
import { z } from 'zod';
import type { CommandName, Commands } from './contract';
import { TrackSchema } from '../protocol/track';

const none = z.void();
/** A key's, a wallet's or a hotkey's name. */
const name = z.string().max(200);
/** A mnemonic, a seed, a passphrase or a password: long enough for any of them, not unbounded. */
const secret = z.string().max(4096);
const address = z.string().max(128);

type ArgsSchemas = { readonly [K in CommandName]: z.ZodType<Commands[K]['args']> };

export const COMMAND_ARGS: ArgsSchemas = {
  'node.info': none,
  'wallet.preview': z.strictObject({ secret }),
  'wallet.import': z.strictObject({ name, secret }),
  'wallet.list': none,
  'wallet.keystore': none,
  'wallet.unlock': z.strictObject({ passphrase: secret }),
  'wallet.chain': none,
  'wallet.registerQuote': z.strictObject({ hotkey: address, payer: name }),
  'wallet.register': z.strictObject({
    hotkey: address,
    payer: name,
    maxBurnRao: z.string().regex(/^\d{1,20}$/, 'an amount of RAO in digits'),
  }),
  'wallet.watch': z.strictObject({ name, address }),
  'wallet.btcli.list': none,
  'wallet.btcli.importColdkey': z.strictObject({ wallet: name, name, password: secret }),
  'wallet.btcli.import': z.strictObject({ wallet: name, hotkey: name, name }),
  'mining.start': z.strictObject({
    mode: z.enum(['solo', 'direct', 'pool']),
    // The node checks the range against its cores and says so; this only keeps it a number.
    threads: z.number().int().min(1).max(4096),
    poolUrl: z.string().max(2048).optional(),
    fresh: z.boolean().optional(),
    track: TrackSchema.shape.id.optional(),
  }),
  'mining.threads': z.strictObject({ threads: z.number().int().min(1).max(4096) }),
  'mining.pause': none,
  'mining.resume': none,
  'mining.stop': none,
  'mining.status': none,
  'chain.status': none,
  'mining.submissions': none,
  'pool.discover': none,
  'sota.leaderboard': none,
  'validator.status': none,
  'logs.recent': z.strictObject({ limit: z.number().int().min(1).max(100_000) }),
  'dataset.status': none,
  'dataset.download': none,
  'settings.get': none,
  'settings.set': z.strictObject({
    startAtLogin: z.boolean().optional(),
    network: z.string().max(1000).nullable().optional(),
    // The node's own check says "a whole number from 1 to 65535"; this keeps out non-numbers.
    netuid: z.number().nullable().optional(),
    pauseOnBattery: z.boolean().optional(),
    pauseWhenActive: z.boolean().optional(),
  }),
  'update.status': none,
  'update.install': none,
  'diagnostics.report': none,
};

/** Every command the node answers, from the table above (a missing one does not compile). */
export const COMMAND_NAMES = Object.keys(COMMAND_ARGS) as CommandName[];

/** The first problem of a failed check, for a person: "threads: Too small: expected …". */
export function describeArgsError(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'The arguments are not valid.';
  const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  return `${where}${issue.message}`;
}
