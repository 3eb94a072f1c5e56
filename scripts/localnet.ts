/**
 * `npm run localnet`: a local Subtensor network for development — the real runtime under
 * chopsticks on 127.0.0.1, funded dev accounts, a development subnet with relaxed limits and a
 * block ticker. Prints the endpoint and the accounts, runs until Ctrl-C, then stops cleanly.
 *
 *   npm run localnet -- [--port 9944] [--block-time-ms 12000] [--chain-spec <file>] [--manual]
 */
import { parseArgs } from 'node:util';

import { startLocalnet } from '../src-main/chain/localnet';
import { DEV_ACCOUNT_URIS } from '../src-main/chain/dev-accounts';
import { createLogger } from '../src-main/log/logger';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '9944' },
    'block-time-ms': { type: 'string', default: '12000' },
    'chain-spec': { type: 'string' },
    manual: { type: 'boolean', default: false },
  },
});

const log = createLogger({ level: 'info' });
const started = Date.now();
const net = await startLocalnet({
  port: Number(values.port),
  blockTimeMs: Number(values['block-time-ms']) || null,
  chainSpec: values['chain-spec'],
  instant: !values.manual,
  log,
});

const lines = [
  `Subtensor localnet ready in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  `  endpoint   ${net.endpoint}`,
  `  subnet     netuid ${net.netuid}`,
  `  blocks     ${values.manual ? 'on the ticker only' : 'one per transaction'}, ticker every ${values['block-time-ms']} ms`,
  '  accounts   (public development keys, 1,000,000 TAO each; //Alice is sudo)',
  ...Object.entries(DEV_ACCOUNT_URIS).map(
    ([name, uri]) =>
      `    ${name.padEnd(17)} ${uri.padEnd(18)} ${net.accounts[name as keyof typeof DEV_ACCOUNT_URIS].address}`,
  ),
  'Ctrl-C stops it.',
];
process.stdout.write(`${lines.join('\n')}\n`);

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  log.info('stopping', { signal });
  net
    .close()
    .then(() => process.exit(0))
    .catch((err: unknown) => {
      log.error('stop failed', { err });
      process.exit(1);
    });
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
