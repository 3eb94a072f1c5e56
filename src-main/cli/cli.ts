/**
 * The `sota-miner` command line, the one dispatch of every headless run: plain Node starts it
 * from cli/main.ts, the desktop app from its Electron shell when it is given a command or
 * --validator / --pool (the same build as a server), so both run exactly this.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { BUILT_IN_TRACKS, TrackSchema } from '../../shared/protocol/track';
import { ENGINE_KINDS, type EngineKind } from '../../src-worker/eval/index';
import { createLogger } from '../log/logger';
import { resolveValidatorConfig } from '../validator/config';
import { runValidatorUntilSignal } from './run-validator';
import { formatEvalReport, runEval } from './eval-command';
import { DEFAULT_ROUNDS, formatJudgeReport, parseRounds, runJudge } from './judge-command';
import { runMine } from './mine-command';
import { startServe } from '../app/headless-node';
import { runSubmit } from './submit-command';
import { resolvePoolConfig } from '../pool/config';
import { runPoolUntilSignal } from './run-pool';
import { runPoolMiner } from './run-pool-miner';
import { discoverPools, listingView } from '../pool/discover';
import { SubtensorClient } from '../chain/client';
import { defaultThreads } from '../search/orchestrator';

function wholeNumber(min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < min)
      throw new InvalidArgumentError(`expected a whole number ≥ ${min}`);
    return n;
  };
}

/** A track id as tracks are named (shared/protocol/track.ts): lower case, digits and dashes. */
function trackId(value: string): string {
  if (!TrackSchema.shape.id.safeParse(value).success)
    throw new InvalidArgumentError(
      'a track id is lower-case letters, digits and dashes, e.g. cifar10-binary-v1',
    );
  return value;
}

/** An http(s) address without a trailing slash, e.g. http://127.0.0.1:8091. */
function httpBaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError('expected an address like http://127.0.0.1:8091');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new InvalidArgumentError('expected an http:// or https:// address');
  return url.href.replace(/\/+$/, '');
}

function fraction(value: string): number {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || n > 1)
    throw new InvalidArgumentError('expected a fraction from 0 to 1, like 0.05');
  return n;
}

export function buildCli(): Command {
  const program = new Command('sota-miner')
    .description('AutoML-Zero miner, validator and pool node for the sota subnet')
    .showHelpAfterError()
    // Parse errors and --help end runCli with their exit code instead of process.exit(), so the
    // desktop app that dispatched the command ends as it should (and tests can call it).
    .exitOverride()
    // Root options only before a command, so `mine --threads` stays the search's own option.
    .enablePositionalOptions()
    // Node flags also come from SOTA_* variables and a JSON file (see src-main/validator/config.ts).
    .option('--validator', 'run a headless validator (no window): judge submissions, set weights')
    .option('--pool', 'run a headless pool node (no window): lease work units, book shares')
    .option(
      '--fee-bps <n>',
      'pool: fee on rewards in basis points (default 500 = 5%)',
      wholeNumber(0),
    )
    .option(
      '--unit-individuals <n>',
      'pool: individuals per work unit (default 2000)',
      wholeNumber(1),
    )
    .option(
      '--coldkey-file <file>',
      'pool: the coldkey owning the pool hotkey; it unstakes rewards and pays miners ($SOTA_COLDKEY_PASSWORD if encrypted)',
    )
    .option(
      '--window-blocks <n>',
      'pool: blocks a reward window lasts at least (default 360)',
      wholeNumber(1),
    )
    .option(
      '--min-payout-rao <n>',
      'pool: smallest transfer to a miner, in RAO (default 100000000 = 0.1 TAO)',
      wholeNumber(1),
    )
    .option('--from <files...>', 'pool: program files the search starts from')
    .option(
      '--lease-seconds <n>',
      'pool: how long a miner has to answer a unit (default 300)',
      wholeNumber(10),
    )
    .option(
      '--check-tasks <n>',
      'pool: unseen tasks the best programs are checked on before a claim (default 10; 0: none)',
      wholeNumber(0),
    )
    .option(
      '--spot-check-rate <fraction>',
      'pool: share of accepted units the pool runs again itself to catch agreeing liars (default 0.05)',
      fraction,
    )
    .option('--network <name|url>', 'finney, test, local, or a ws:// endpoint')
    .option('--netuid <n>', 'subnet id', wholeNumber(1))
    .option('--host <address>', 'where the API listens (default 0.0.0.0)')
    .option('--port <n>', 'API port (default 8091; a pool 8092)', wholeNumber(1))
    .option('--external-ip <ip>', 'address announced on chain (default: first public IPv4)')
    .option('--external-port <n>', 'port announced on chain (default: --port)', wholeNumber(1))
    .option('--data-dir <dir>', 'where the node keeps its database and secrets')
    .option('--threads <n>', 'verification worker threads', wholeNumber(1))
    .option(
      '--hotkey-file <file>',
      'the node hotkey (btcli key file; $SOTA_HOTKEY_PASSWORD if encrypted)',
    )
    .option('--cifar-dir <dir>', 'cifar-10-batches-bin folder (default: found or downloaded)')
    .option(
      '--config <file>',
      'node settings as JSON (also $SOTA_CONFIG); a pool\'s search settings go under "search"',
    )
    .action(async (o: Record<string, unknown> & { validator?: boolean; config?: string }) => {
      if (o['pool']) {
        const { pool: _p, validator: _v, config, threads: _t, ...flags } = o;
        await runPoolUntilSignal(resolvePoolConfig(flags, { configFile: config }));
        return;
      }
      if (!o.validator) {
        program.help();
        return;
      }
      const { validator: _v, config, ...flags } = o;
      await runValidatorUntilSignal(resolveValidatorConfig(flags, { configFile: config }));
    });

  program
    .command('eval')
    .description(
      "score a program (DSL file) on projected binary CIFAR-10 tasks, or on a teacher track's held-out tasks",
    )
    .requiredOption('--program <file>', 'program in the AutoML-Zero text format')
    .option(
      '--track <id>',
      `a built-in track (${BUILT_IN_TRACKS.map((t) => t.id).join(', ')}); a teacher track scores on 9 × --seeds of its held-out tasks, and --pairs does not apply`,
      trackId,
    )
    .option('--pairs <which>', 'heldout, search, all, or a list like 0-5,1-8', 'heldout')
    .option('--seeds <n>', 'projection seeds per pair', wholeNumber(1), 10)
    .option('--first-seed <n>', 'first projection seed', wholeNumber(0), 0)
    .option('--epochs <n>', 'training epochs', wholeNumber(1), 1)
    .option('--seed <n>', "seed of the program's random ops", wholeNumber(0), 0)
    .addOption(
      new Option('--engine <kind>', 'evaluation engine').choices(ENGINE_KINDS).default('wasm'),
    )
    .option('--cifar-dir <dir>', 'cifar-10-batches-bin folder (default: found or downloaded)')
    .option('--json', 'print one JSON line')
    .action(
      async (o: {
        program: string;
        pairs: string;
        seeds: number;
        firstSeed: number;
        epochs: number;
        seed: number;
        engine: EngineKind;
        cifarDir?: string;
        json?: boolean;
        track?: string;
      }) => {
        const log = (line: string) => process.stderr.write(`${line}\n`);
        const report = await runEval({ ...o, json: Boolean(o.json) }, log);
        process.stdout.write(
          o.json ? `${JSON.stringify(report)}\n` : `${formatEvalReport(report)}\n`,
        );
      },
    );

  program
    .command('judge')
    .description(
      "a validator's head-to-head, locally: does a program beat the holder on hidden tasks?",
    )
    .requiredOption('--program <file>', 'the challenger, in the AutoML-Zero text format')
    .requiredOption('--holder <file>', 'the program to beat (e.g. the current record)')
    .option(
      '--rounds <n>',
      `rounds, each on fresh hidden tasks (default ${DEFAULT_ROUNDS})`,
      parseRounds,
    )
    .option('--secret <hex...>', 'round secrets to re-run (as printed), one round each')
    .option(
      '--track <id>',
      `a built-in track (${BUILT_IN_TRACKS.map((t) => t.id).join(', ')}; default cifar10-binary-v1)`,
      trackId,
    )
    .option(
      '--threads <n>',
      'worker threads (default 2: both programs side by side)',
      wholeNumber(1),
    )
    .option('--cifar-dir <dir>', 'cifar-10-batches-bin folder (default: found or downloaded)')
    .option('--json', 'print one JSON line')
    .action(
      async (o: {
        program: string;
        holder: string;
        rounds?: number;
        secret?: string[];
        threads?: number;
        cifarDir?: string;
        track?: string;
        json?: boolean;
      }) => {
        const log = (line: string) => process.stderr.write(`${line}\n`);
        const { secret, json, ...rest } = o;
        const report = await runJudge({ ...rest, secrets: secret, json: Boolean(json) }, log);
        process.stdout.write(
          json ? `${JSON.stringify(report)}\n` : `${formatJudgeReport(report)}\n`,
        );
      },
    );

  program
    .command('mine')
    .description('run the AutoML-Zero search; --solo needs no wallet and no chain')
    .option('--solo', 'search locally, save the best programs, submit nothing')
    .option(
      '--pool <url>',
      'work for a pool (with --hotkey-file): its units, its shares; "chain" picks one on the subnet',
    )
    .option(
      '--direct',
      'claim improvements on the network (with --network, --netuid, --hotkey-file)',
    )
    .option(
      '--network <name|url>',
      'direct mode, --from-network: finney, test, local, or a ws:// endpoint',
    )
    .option('--netuid <n>', 'direct mode, --from-network: subnet id', wholeNumber(1))
    .option('--hotkey-file <file>', 'direct mode: the miner hotkey (btcli key file)')
    .option('--cooldown <seconds>', 'direct mode: least time between two claims', wholeNumber(0))
    .option(
      '--track <id>',
      `the track to search for: direct mode claims on it as the validators run it; solo takes a built-in one (${BUILT_IN_TRACKS.map((t) => t.id).join(', ')}; default cifar10-binary-v1)`,
      trackId,
    )
    .option('--from <files...>', 'seed a fresh search with these programs')
    .option(
      '--from-network',
      "solo: seed the search with the current record, read from --network/--netuid's validators (no key needed)",
    )
    .option('--threads <n>', 'worker threads (default: cores − 1)', wholeNumber(1))
    .option('--islands <n>', 'populations evolving apart (default: one per thread)', wholeNumber(1))
    .option('--data-dir <dir>', 'where the search state and best programs are kept')
    .option('--config <file>', 'search settings as JSON (defaults: AutoML-Zero CIFAR setup)')
    .option('--seed <n>', 'search seed', wholeNumber(0))
    .option('--seconds <n>', 'stop after this many seconds', wholeNumber(1))
    .option('--fresh', 'start a new search (a saved one is kept, not loaded)')
    .option('--cifar-dir <dir>', 'cifar-10-batches-bin folder (default: found or downloaded)')
    .action(
      async (o: {
        solo?: boolean;
        pool?: string;
        direct?: boolean;
        network?: string;
        netuid?: number;
        hotkeyFile?: string;
        cooldown?: number;
        track?: string;
        from?: string[];
        fromNetwork?: boolean;
        threads?: number;
        islands?: number;
        dataDir?: string;
        config?: string;
        seed?: number;
        seconds?: number;
        fresh?: boolean;
        cifarDir?: string;
      }) => {
        const log = (line: string) => process.stderr.write(`${line}\n`);
        const { direct, network, netuid, hotkeyFile, cooldown, pool, fromNetwork, track, ...rest } =
          o;
        if (pool) {
          if (!hotkeyFile) throw new InvalidArgumentError('--pool needs --hotkey-file');
          await runPoolMiner({
            url: pool,
            hotkeyFile,
            network,
            netuid,
            threads: o.threads ?? defaultThreads(),
            cifarDir: o.cifarDir,
            dataDir: o.dataDir,
          });
          return;
        }
        if (direct && (!network || netuid === undefined || !hotkeyFile))
          throw new InvalidArgumentError('--direct needs --network, --netuid and --hotkey-file');
        if (fromNetwork && (!network || netuid === undefined))
          throw new InvalidArgumentError('--from-network needs --network and --netuid');
        await runMine(
          {
            ...rest,
            solo: Boolean(o.solo),
            track: direct ? undefined : track,
            fromNetwork: fromNetwork ? { network: network!, netuid: netuid! } : undefined,
            direct: direct
              ? {
                  network: network!,
                  netuid: netuid!,
                  hotkeyFile: hotkeyFile!,
                  cooldownSeconds: cooldown,
                  track,
                }
              : undefined,
          },
          {
            out: process.stdout,
            log,
            onInterrupt: (handler) => {
              let interrupts = 0;
              const onSignal = () => {
                if (++interrupts > 1) {
                  log('second interrupt: exiting without waiting');
                  process.exit(130);
                }
                handler();
              };
              process.on('SIGINT', onSignal);
              process.on('SIGTERM', onSignal);
              return () => {
                process.off('SIGINT', onSignal);
                process.off('SIGTERM', onSignal);
              };
            },
          },
        );
      },
    );

  program
    .command('serve')
    .description('a headless node for the browser: the UI and its WebSocket bridge on loopback')
    .option('--host <address>', 'where to listen (default 127.0.0.1)')
    .option('--port <n>', 'port (default 7878; 0 picks a free one)', wholeNumber(0), 7878)
    .option('--data-dir <dir>', 'where the node keeps its state and keys')
    .option('--cifar-dir <dir>', 'cifar-10-batches-bin folder (default: found or downloaded)')
    .option('--network <name|url>', 'for direct mining and the leaderboard')
    .option('--netuid <n>', 'subnet id', wholeNumber(1))
    .option(
      '--wallet-path <dir>',
      'btcli wallets to offer in the UI (default ~/.bittensor/wallets)',
    )
    .option(
      '--passphrase-file <file>',
      "a file holding your keys' passphrase (else $SOTA_KEYSTORE_PASSPHRASE, else the app asks)",
    )
    .option(
      '--validator-url <url>',
      "a validator's API to show on the Validator screen, e.g. http://127.0.0.1:8091",
      httpBaseUrl,
    )
    .action(
      async (o: {
        host?: string;
        passphraseFile?: string;
        validatorUrl?: string;
        port: number;
        dataDir?: string;
        cifarDir?: string;
        network?: string;
        netuid?: number;
        walletPath?: string;
      }) => {
        const print = (line: string) => void process.stdout.write(`${line}\n`);
        // stdout is the node's log stream unless a person is watching it: only then the token.
        const node = await startServe({ ...o, interactive: process.stdout.isTTY === true }, print);
        await new Promise<void>((resolve) => {
          const onSignal = () => {
            // Stopping saves the search; if something hangs (a chain that does not answer),
            // leave anyway rather than ignore the request to stop.
            setTimeout(() => {
              process.stderr.write('sota-miner: did not stop within 15 s; exiting\n');
              process.exit(1);
            }, 15_000).unref();
            void node.stop().then(resolve, resolve);
          };
          process.once('SIGTERM', onSignal);
          process.once('SIGINT', onSignal);
        });
      },
    );

  program
    .command('submit')
    .description('direct mode by hand: commit a program on chain, submit it to the validators')
    .requiredOption('--program <file>', 'program in the AutoML-Zero text format')
    .requiredOption('--network <name|url>', 'finney, test, local, or a ws:// endpoint')
    .requiredOption('--netuid <n>', 'subnet id', wholeNumber(1))
    .requiredOption('--hotkey-file <file>', 'the miner hotkey (btcli key file)')
    .option('--wait <seconds>', 'how long to follow the verdicts', wholeNumber(0), 120)
    .option('--track <id>', 'the track to claim on (default cifar10-binary-v1)', trackId)
    .action(
      async (o: {
        program: string;
        network: string;
        netuid: number;
        hotkeyFile: string;
        wait: number;
        track?: string;
      }) => {
        const report = await runSubmit(o, createLogger({}, 'submit'));
        process.stdout.write(`${JSON.stringify(report)}\n`);
        if (!report.quorum) process.exitCode = 2;
      },
    );

  program
    .command('pools')
    .description(
      'list the pools announced on a subnet that answer: paying ones first, by fee (JSON)',
    )
    .requiredOption('--network <name|url>', 'finney, test, local, or a ws:// endpoint')
    .requiredOption('--netuid <n>', 'subnet id', wholeNumber(1))
    .action(async (o: { network: string; netuid: number }) => {
      const log = createLogger({ write: (l) => void process.stderr.write(`${l}\n`) }, 'pools');
      const chain = await SubtensorClient.connect({ network: o.network, log });
      try {
        const pools = await discoverPools(chain, o.netuid, log);
        process.stdout.write(`${JSON.stringify(pools.map(listingView))}\n`);
      } finally {
        await chain.close();
      }
    });

  return program;
}

/**
 * Runs one command line to its end and returns the exit code: 0, 2 for a bad flag or value, 1 for
 * a failure of the command itself (a bad program file, a missing dataset), each with one clear
 * line. `from`: how argv is laid out, as
 * commander reads it ('node': [node, script, ...args]; 'electron': the app's own argv, packaged
 * or not).
 */
export async function runCli(
  argv: readonly string[],
  opts: { from?: 'node' | 'electron' } = {},
): Promise<number> {
  try {
    await buildCli().parseAsync([...argv], { from: opts.from ?? 'node' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    // Commander has printed its message already: the help or version (0), or a usage error, an
    // unknown flag or a bad value (2, as POSIX utilities report misuse).
    // An InvalidArgumentError thrown by an action (an option that needs another) is not printed
    // by commander: print it here.
    if (err instanceof InvalidArgumentError) process.stderr.write(`sota-miner: ${err.message}\n`);
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    process.stderr.write(`sota-miner: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

/**
 * Whether the user's arguments (after the executable, and the app path when not packaged) ask for
 * a headless run rather than the desktop window: --validator, --pool, or a command.
 */
export function isCliInvocation(args: readonly string[]): boolean {
  if (args.includes('--validator') || args.includes('--pool')) return true;
  const commands = new Set(buildCli().commands.flatMap((c) => [c.name(), ...c.aliases()]));
  const first = args.find((a) => !a.startsWith('-'));
  return first !== undefined && commands.has(first);
}
