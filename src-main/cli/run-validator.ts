/**
 * `sota-miner --validator`: starts a headless validator and keeps it running until SIGTERM or
 * SIGINT, then stops taking requests, finishes the submission being judged, and closes the
 * database (nothing acknowledged is lost even when it is killed instead: see validator.ts).
 */
import path from 'node:path';
import type { KeyringPair } from '@polkadot/keyring/types';
import { announceEndpoint } from '../chain/announce';
import { SubtensorClient } from '../chain/client';
import { createLogger, type Logger } from '../log/logger';
import { RateLimiter } from '../net/rate-limit';
import { hotkeyFromFile } from '../wallet/headless';
import { cryptoReady } from '../wallet/keypair';
import { startServe } from '../app/headless-node';
import { lockDataFolder } from '../storage/folder-lock';
import { buildApi } from '../validator/api';
import { trackOf, type ValidatorConfig } from '../validator/config';
import { loadMasterSecret } from '../validator/master-secret';
import { ValidatorStore } from '../validator/store';
import { ValidatorNode } from '../validator/validator';
import { Verifier } from '../validator/verifier';

export interface RunningValidator {
  readonly node: ValidatorNode;
  /** The address the API listens on, e.g. http://0.0.0.0:8091. */
  readonly url: string;
  stop(): Promise<void>;
}

/** The hotkey file's password, for an encrypted ($NACL) file: never a flag, never logged. */
export async function startValidator(
  config: ValidatorConfig,
  log: Logger = createLogger(
    { level: config.logLevel, write: (l) => void process.stdout.write(`${l}\n`) },
    'validator',
  ),
): Promise<RunningValidator> {
  const track = trackOf(config);
  await cryptoReady();
  const pair: KeyringPair = await hotkeyFromFile(config.hotkeyFile);
  log.info('starting', {
    hotkey: pair.address,
    network: config.network,
    netuid: config.netuid,
    track: track.id,
    dataDir: config.dataDir,
  });
  // One validator per data folder: a second one would write the same store (folder-lock.ts).
  const folder = lockDataFolder(path.join(config.dataDir, 'validator'), 'validator');
  const store = ValidatorStore.open(path.join(config.dataDir, 'validator', 'validator.db'), log);
  const masterSecret = loadMasterSecret(config.dataDir);
  const client = await SubtensorClient.connect({
    network: config.network,
    log: log.child('chain'),
  });
  const verifier = await Verifier.create({
    track,
    threads: config.threads,
    cifarDir: config.cifarDir,
    // A new server without CIFAR-10 downloads it here (170 MB, checksummed) before it starts.
    dataDir: config.dataDir,
    log: log.child('verify'),
  });
  const node = new ValidatorNode({
    track,
    netuid: config.netuid,
    pair,
    client,
    store,
    verifier,
    masterSecret,
    log,
    metagraphEveryBlocks: config.metagraphEveryBlocks,
    weightsEveryBlocks: config.weightsEveryBlocks,
  });
  const limiter = new RateLimiter({
    capacity: Math.min(config.submissionsPerHour, 5),
    refillPerSecond: config.submissionsPerHour / 3600,
  });
  const app = buildApi({ node, store, track, masterSecret, limiter, log: log.child('api') });
  // The dashboard: the same UI as the desktop app, in a browser, on loopback behind a token.
  const dashboard =
    config.uiPort > 0
      ? await startServe(
          {
            port: config.uiPort,
            dataDir: path.join(config.dataDir, 'dashboard'),
            cifarDir: config.cifarDir,
            network: config.network,
            netuid: config.netuid,
            // Its Validator screen shows this validator (GET /v1/status on loopback).
            validatorUrl: `http://127.0.0.1:${config.port}`,
            // stdout is the validator's log stream: the address with its token is printed only
            // to a person at a terminal, otherwise only the file it is in (dashboard-url.ts).
            interactive: process.stdout.isTTY === true,
          },
          (line) => {
            // The dashboard's own log lines stay out of the validator's; its address notice in.
            if (line.startsWith('dashboard: ')) process.stdout.write(`${line}\n`);
          },
        ).catch((err: unknown) => {
          log.warn('dashboard not started', { error: String(err) });
          return null;
        })
      : null;
  const shutdown = async () => {
    // In order: no new requests, finish the judging under way, then the workers, chain, store.
    const steps: Array<[string, () => Promise<void> | void]> = [
      ['dashboard', () => dashboard?.stop()],
      ['api', () => app.close()],
      ['judging', () => node.stop()],
      ['verifier', () => verifier.close()],
      ['chain', () => client.close()],
      ['store', () => store.close()],
      ['data folder lock', () => folder.release()],
    ];
    for (const [what, step] of steps) {
      await step();
      log.info('stopped', { what });
    }
  };
  try {
    await node.start();
    const url = await app.listen({ host: config.host, port: config.port });
    await announceEndpoint(
      client,
      config.netuid,
      pair,
      { ip: config.externalIp, port: config.externalPort ?? config.port },
      log,
    );
    log.info('validator ready', { url, hotkey: pair.address, round: node.currentRound });
    return { node, url, stop: shutdown };
  } catch (err) {
    await shutdown().catch(() => {});
    throw err;
  }
}

/** Runs until SIGTERM/SIGINT; a second signal exits at once. */
export async function runValidatorUntilSignal(config: ValidatorConfig): Promise<void> {
  const running = await startValidator(config);
  await new Promise<void>((resolve) => {
    let signals = 0;
    const onSignal = (signal: string) => {
      if (++signals > 1) process.exit(130);
      process.stdout.write(`received ${signal}: stopping\n`);
      void running.stop().then(resolve, resolve);
    };
    process.on('SIGTERM', () => onSignal('SIGTERM'));
    process.on('SIGINT', () => onSignal('SIGINT'));
  });
}
