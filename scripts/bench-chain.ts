/**
 * `npm run bench:chain -- [--json] [--neurons 32] [--runs 5]`: chain client figures on the real
 * Subtensor runtime under chopsticks (127.0.0.1 only).
 *   - start → connected: startLocalnet() until chopsticks serves RPC, and until a client is ready;
 *     plus a second client's connect time against the running node;
 *   - metagraph sync: readMetagraph() of the local subnet with N registered neurons (median).
 */
import os from 'node:os';
import { parseArgs } from 'node:util';

import { Keyring } from '@polkadot/keyring';

import { SubtensorClient } from '../src-main/chain/client';
import { startLocalnet } from '../src-main/chain/localnet';

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    neurons: { type: 'string', default: '32' },
    runs: { type: 'string', default: '5' },
  },
});
const neurons = Number(values.neurons);
const runs = Number(values.runs);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const net = await startLocalnet({});
try {
  const netuid = net.netuid!;
  const t0 = performance.now();
  const client = await SubtensorClient.connect({ network: net.endpoint });
  const connectMs = performance.now() - t0;

  // Register N hotkeys paid by //Bob, all in flight at once (distinct nonces from one tracker).
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const hotkeys = Array.from({ length: neurons }, (_, i) =>
    keyring.addFromUri(`//Bob//bench/${i}`),
  );
  const burn = 1_000_000n * 1_000_000_000n;
  const tReg = performance.now();
  await Promise.all(
    hotkeys.map((h) => client.burnedRegister(netuid, h.address, net.accounts.minerColdkey, burn)),
  );
  const registerMs = performance.now() - tReg;

  const times: number[] = [];
  let count = 0;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const mg = await client.metagraph(netuid);
    times.push(performance.now() - t);
    count = mg.neurons.length;
  }
  await client.close();

  const result = {
    bench: 'chain',
    date: new Date().toISOString().slice(0, 10),
    machine: `${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`,
    runtime: 'node-subtensor 218 (chopsticks 1.5.1)',
    rpcReadyMs: net.timings.rpcReadyMs,
    clientConnectedMs: net.timings.clientConnectedMs,
    secondClientConnectMs: Math.round(connectMs),
    metagraphNeurons: count,
    metagraphSyncMsMedian: Math.round(median(times)),
    metagraphSyncMsAll: times.map(Math.round),
    registerNeuronsMs: Math.round(registerMs),
  };
  if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else
    process.stdout.write(
      [
        `chopsticks start → RPC ready      ${result.rpcReadyMs} ms`,
        `chopsticks start → client ready   ${result.clientConnectedMs} ms`,
        `client connect (node running)     ${result.secondClientConnectMs} ms`,
        `metagraph sync, ${count} neurons      ${result.metagraphSyncMsMedian} ms (median of ${runs})`,
        `register ${neurons} hotkeys             ${result.registerNeuronsMs} ms`,
      ].join('\n') + '\n',
    );
} finally {
  await net.close();
}
