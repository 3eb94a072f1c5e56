/**
 * The Wallet screen's questions to the chain: what each of the node's keys holds and earns on the
 * subnet and what registering one costs (the registration itself is
 * `SubtensorClient.burnedRegister`, signed by the paying key). Amounts leave here as decimal
 * strings of the smallest unit: the UI formats them, and a bigint does not cross the bridge.
 */
import type { KeyEarnings, RegistrationQuoteView, WalletOnChain } from '../../shared/ipc/contract';
import type { SubtensorClient } from '../chain/client';
import { alphaToRao, epochsPerDay, type NeuronEarnings } from '../chain/earnings';

function earningsView(
  e: NeuronEarnings,
  tempo: number,
  price: (alpha: bigint) => bigint | null,
): KeyEarnings {
  // Emission is paid once an epoch; a day holds epochsPerDay of them at 12-second blocks.
  const perDay = (e.emissionAlphaRao * BigInt(Math.round(epochsPerDay(tempo) * 1000))) / 1000n;
  const taoPerDay = price(perDay);
  return {
    coldkey: e.coldkey,
    stakeAlphaRao: e.stakeAlphaRao.toString(),
    stakeTaoRao: e.stakeTaoRao?.toString() ?? null,
    incentive: e.incentive,
    emissionAlphaRaoPerTempo: e.emissionAlphaRao.toString(),
    emissionAlphaRaoPerDay: perDay.toString(),
    emissionTaoRaoPerDay: taoPerDay?.toString() ?? null,
  };
}

/** Balance, registration and earnings of each address on `netuid`. */
export async function readWalletOnChain(
  client: SubtensorClient,
  network: string,
  netuid: number,
  addresses: readonly string[],
  winnerShare: number,
): Promise<WalletOnChain> {
  const [subnet, pool] = await Promise.all([client.subnet(netuid), client.alphaPool(netuid)]);
  const price = (alpha: bigint) => alphaToRao(alpha, pool);
  const keys = await Promise.all(
    addresses.map(async (address) => {
      const [balance, earnings] = await Promise.all([
        client.balance(address),
        client.earnings(netuid, address, pool),
      ]);
      return {
        address,
        balanceRao: balance.toString(),
        uid: earnings?.uid ?? null,
        earnings: earnings ? earningsView(earnings, subnet.tempo, price) : null,
      };
    }),
  );
  return {
    network,
    netuid,
    keys,
    tempo: subnet.tempo,
    burnRao: subnet.burnRao.toString(),
    registrationAllowed: subnet.registrationAllowed,
    winnerShare,
  };
}

/** What registering `hotkey` costs now when `payer` pays; nothing is sent. */
export async function quoteRegistration(
  client: SubtensorClient,
  netuid: number,
  hotkey: string,
  payer: { name: string; address: string },
): Promise<RegistrationQuoteView> {
  const q = await client.quoteRegistration(netuid, hotkey, payer.address);
  return {
    netuid,
    hotkey,
    payer: payer.name,
    payerAddress: payer.address,
    burnRao: q.burnRao.toString(),
    feeRao: q.feeRao.toString(),
    totalRao: q.totalRao.toString(),
    balanceRao: q.balanceRao.toString(),
    affordable: q.affordable,
  };
}
