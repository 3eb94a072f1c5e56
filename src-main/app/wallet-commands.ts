/**
 * The Wallet screen's commands (`wallet.*`): keys added (a secret, a btcli wallet, an address to
 * watch), listed and unlocked, and what the chain holds for them (balances, registration and its
 * price).
 */
import {
  NodeCommandError,
  type BtcliWalletView,
  type CommandName,
  type KeystoreState,
  type WalletOnChain,
  type WalletView,
} from '../../shared/ipc/contract';
import { makeTrack } from '../../shared/protocol/track';
import { defaultBtcliWalletRoot, listBtcliWallets, readBtcliHotkey } from '../wallet/btcli';
import { WalletError } from '../wallet/errors';
import { parseKeyInput } from '../wallet/key-input';
import { cryptoReady, pairFromMaterial } from '../wallet/keypair';
import { Secret } from '../wallet/secret';
import type { Handlers, NodeContext } from './node-context';
import { quoteRegistration, readWalletOnChain } from './wallet-chain';

export type WalletCommand = Extract<CommandName, `wallet.${string}`>;

export function walletCommands(ctx: NodeContext): Handlers<WalletCommand> {
  const log = ctx.log;
  const btcliRoot = () => ctx.o.btcliRoot ?? defaultBtcliWalletRoot();
  const view = (k: WalletView): WalletView => ({
    name: k.name,
    address: k.address,
    source: k.source,
  });
  return {
    'wallet.preview': async ({ secret }) => {
      await cryptoReady();
      const pair = await pairFromMaterial(parseKeyInput(new Secret(secret)));
      return { address: pair.address };
    },
    'wallet.import': async ({ name, secret }) => {
      const keystore = await ctx.openKeystore();
      const info = await keystore.importKey(name, new Secret(secret));
      log.info('key imported', { name: info.name, address: info.address });
      return view(info);
    },
    'wallet.list': async () => {
      const keystore = await ctx.openKeystore().catch(() => null);
      return (keystore?.list() ?? []).map(view);
    },
    'wallet.keystore': async () => keystoreState(ctx),
    'wallet.unlock': async ({ passphrase }) => unlockKeystore(ctx, passphrase),
    'wallet.chain': async () => walletOnChain(ctx),
    'wallet.registerQuote': async ({ hotkey, payer }) => {
      const { netuid } = ctx.requireNetwork();
      const key = await payingKey(ctx, payer);
      return ctx.withChain((client) => quoteRegistration(client, netuid, hotkey, key));
    },
    'wallet.register': async ({ hotkey, payer, maxBurnRao }) => {
      const { netuid } = ctx.requireNetwork();
      const max = BigInt(maxBurnRao); // digits only: checked by its schema
      const key = await payingKey(ctx, payer);
      const pair = await (await ctx.openKeystore()).unlock(key.name);
      log.info('registration sent', { hotkey, payer: key.address, netuid });
      const result = await ctx.withChain((client) =>
        client.burnedRegister(netuid, hotkey, pair, max),
      );
      log.info('registered', { hotkey, netuid, uid: result.uid });
      return result;
    },
    'wallet.watch': async ({ name, address }) => {
      await cryptoReady();
      const keystore = await ctx.openKeystore();
      const info = await keystore.addWatchAddress(name, address);
      log.info('address added to view', { name: info.name, address: info.address });
      return view(info);
    },
    'wallet.btcli.list': async () => btcliWallets(btcliRoot()),
    'wallet.btcli.import': async ({ wallet, hotkey, name }) => {
      const keystore = await ctx.openKeystore();
      const info = await keystore.importBtcliHotkey(name, { root: btcliRoot(), wallet, hotkey });
      log.info('btcli hotkey imported', { name: info.name, address: info.address });
      return view(info);
    },
    'wallet.btcli.importColdkey': async ({ wallet, name, password }) => {
      const keystore = await ctx.openKeystore();
      const info = await keystore.importBtcliColdkey(
        name,
        { root: btcliRoot(), wallet },
        new Secret(password),
      );
      log.info('btcli coldkey imported', { name: info.name, address: info.address });
      return view(info);
    },
  };
}

async function btcliWallets(root: string): Promise<BtcliWalletView[]> {
  const wallets = await listBtcliWallets(root);
  return Promise.all(
    wallets.map(async (w) => ({
      wallet: w.wallet,
      coldkeyAddress: w.coldkeyAddress,
      hotkeys: await Promise.all(
        w.hotkeys.map(async (hotkey) => {
          try {
            // Reading the file is the only way to show (and check) its address; the secret is
            // dropped here and read again at import.
            const { address } = await readBtcliHotkey({ root, wallet: w.wallet, hotkey });
            return { name: hotkey, address, problem: null };
          } catch (err) {
            return {
              name: hotkey,
              address: null,
              problem: err instanceof Error ? err.message : String(err),
            };
          }
        }),
      ),
    })),
  );
}

async function keystoreState(ctx: NodeContext): Promise<KeystoreState> {
  const p = ctx.o.passphrase;
  if (!p) return { protection: 'os-keychain', state: 'ready' };
  if (p.configured || p.session.value) return { protection: 'passphrase', state: 'ready' };
  return {
    protection: 'passphrase',
    state: (await p.secretsStored()) ? 'enter-passphrase' : 'choose-passphrase',
  };
}

/** wallet.unlock: the passphrase for this run; the stored keys must open with it. */
async function unlockKeystore(ctx: NodeContext, text: string): Promise<KeystoreState> {
  const p = ctx.o.passphrase;
  if (!p || p.configured)
    throw new NodeCommandError(
      'NOT_NEEDED',
      p
        ? "This node's passphrase is set where it was started."
        : 'The OS keychain holds your keys.',
    );
  const previous = p.session.value;
  // Once given, the passphrase of this run cannot be swapped for another (a second page still
  // showing "choose" would otherwise encrypt later keys with a different one).
  if (previous) {
    if (previous.reveal() === text) return keystoreState(ctx);
    throw new NodeCommandError(
      'WRONG_PASSPHRASE',
      'A passphrase is already set for this run; that one is different.',
    );
  }
  p.session.value = new Secret(text);
  ctx.forgetKeystore();
  try {
    const keystore = await ctx.openKeystore();
    await keystore.checkProtector();
  } catch (err) {
    p.session.value = previous;
    ctx.forgetKeystore();
    if (err instanceof WalletError && err.code === 'WRONG_PASSWORD')
      throw new NodeCommandError(
        'WRONG_PASSPHRASE',
        'That passphrase does not open the keys stored on this computer. Try again.',
      );
    if (err instanceof WalletError && err.code === 'NO_PASSPHRASE')
      throw new NodeCommandError('WEAK_PASSPHRASE', err.message);
    throw err;
  }
  ctx.log.info('keystore unlocked for this run');
  return keystoreState(ctx);
}

/** A key of the node's that can sign (pay for) a transaction, by name. */
async function payingKey(
  ctx: NodeContext,
  name: string,
): Promise<{ name: string; address: string }> {
  const keystore = await ctx.openKeystore();
  const key = keystore.list().find((k) => k.name === name);
  if (!key) throw new NodeCommandError('NO_KEY', `There is no key called "${name}" on this node.`);
  if (key.kind === 'public')
    throw new NodeCommandError(
      'WATCH_ONLY',
      `"${name}" is an address to watch: this node holds no secret for it and cannot pay with it.`,
    );
  return { name: key.name, address: key.address };
}

async function walletOnChain(ctx: NodeContext): Promise<WalletOnChain> {
  const { network, netuid } = ctx.requireNetwork();
  const keystore = await ctx.openKeystore().catch(() => null);
  const addresses = (keystore?.list() ?? []).map((k) => k.address);
  return ctx.withChain((client) =>
    readWalletOnChain(client, network, netuid, addresses, makeTrack().winnerShare),
  );
}
