import { useEffect, useState } from 'react';
import type { KeyOnChain, WalletOnChain, WalletView } from '../../../shared/ipc/contract';
import { CopyButton } from '../components/CopyButton';
import { KeyName } from '../components/Names';
import { RegisterPanel } from '../components/RegisterPanel';
import { ScreenHeader } from '../components/ScreenHeader';
import { EmptyNote, ErrorNote, Loading } from '../components/StatusNotes';
import { errorMessage, formatAlpha, formatPercent, formatTao } from '../format';
import { navigate } from '../router';
import { useBridge, useStore } from '../store';

type ChainView =
  | { readonly kind: 'loading' }
  | { readonly kind: 'ok'; readonly data: WalletOnChain }
  | { readonly kind: 'error'; readonly message: string };

/** Balances, registrations and earnings, asked of the chain when keys change or on demand. */
function useChainView(keyCount: number): [ChainView, () => void] {
  const bridge = useBridge();
  const [view, setView] = useState<ChainView>({ kind: 'loading' });
  const [round, setRound] = useState(0);
  useEffect(() => {
    let current = true;
    setView({ kind: 'loading' });
    bridge.call('wallet.chain').then(
      (data) => current && setView({ kind: 'ok', data }),
      (e: unknown) => current && setView({ kind: 'error', message: errorMessage(e) }),
    );
    return () => {
      current = false;
    };
  }, [bridge, keyCount, round]);
  return [view, () => setRound((r) => r + 1)];
}

/** The record holder's address from the store's leaderboard (loaded here if not yet). */
function useHolder(): string | null {
  const holder = useStore((s) => s.leaderboard.data?.holder?.miner ?? null);
  const loaded = useStore((s) => s.leaderboard.data !== null);
  const load = useStore((s) => s.loadLeaderboard);
  useEffect(() => {
    if (!loaded) void load();
  }, [loaded, load]);
  return holder;
}

function KeyOnChainFacts({
  wallet,
  data,
  holder,
  registering,
  onRegister,
}: {
  wallet: WalletView;
  data: WalletOnChain;
  holder: string | null;
  /** Whether the register panel is open for this key (then its button is not shown). */
  registering: boolean;
  onRegister: () => void;
}) {
  const key: KeyOnChain | undefined = data.keys.find((k) => k.address === wallet.address);
  if (!key) return null;
  const e = key.earnings;
  return (
    <div className="key-chain" data-testid="wallet-chain">
      <dl className="facts">
        <div>
          <dt>Balance (free to spend)</dt>
          <dd data-testid="wallet-balance">{formatTao(key.balanceRao)}</dd>
        </div>
        <div>
          <dt>On subnet {data.netuid}</dt>
          <dd data-testid="wallet-registration">
            {key.uid === null ? (
              <>
                Not registered: validators refuse claims from this key.{' '}
                {data.registrationAllowed ? (
                  <>Registering costs {formatTao(data.burnRao)} (burned).</>
                ) : (
                  <>The subnet takes no registrations right now.</>
                )}
              </>
            ) : (
              <>Registered as uid {key.uid}</>
            )}
          </dd>
        </div>
        {e && (
          <>
            <div>
              <dt>Owner (coldkey)</dt>
              <dd>{e.coldkey ? <KeyName address={e.coldkey} /> : 'unknown'}</dd>
            </div>
            <div>
              <dt>Stake</dt>
              <dd data-testid="wallet-stake">
                {formatAlpha(e.stakeAlphaRao)}
                {e.stakeTaoRao !== null && (
                  <span className="muted"> (worth {formatTao(e.stakeTaoRao)} now)</span>
                )}
              </dd>
            </div>
            <div>
              <dt>Incentive</dt>
              <dd data-testid="wallet-incentive">
                {formatPercent(e.incentive)}{' '}
                <span className="muted">of the miners&apos; pay at the last payout</span>
              </dd>
            </div>
            <div>
              <dt>Earned</dt>
              <dd data-testid="wallet-emission">
                {formatAlpha(e.emissionAlphaRaoPerTempo)} per payout (every {data.tempo + 1}{' '}
                blocks);{' '}
                <span className="muted">
                  about {formatAlpha(e.emissionAlphaRaoPerDay)} a day
                  {e.emissionTaoRaoPerDay !== null &&
                    ` (${formatTao(e.emissionTaoRaoPerDay)} at today's price)`}{' '}
                  at one block every 12 s
                </span>
              </dd>
            </div>
          </>
        )}
      </dl>
      {holder === wallet.address && (
        <p className="target" data-testid="wallet-record">
          You hold the record: every validator gives you {formatPercent(data.winnerShare)} of its
          weight while it stands, so your incentive above comes from it.
        </p>
      )}
      {key.uid === null && data.registrationAllowed && !registering && (
        <button type="button" className="button" onClick={onRegister} data-testid="wallet-register">
          Register…
        </button>
      )}
    </div>
  );
}

/** The keys that can pay (hold a secret), the richest first: the likely coldkey. */
function payersByBalance(keys: readonly WalletView[], data: WalletOnChain): WalletView[] {
  const balance = (k: WalletView) =>
    BigInt(data.keys.find((c) => c.address === k.address)?.balanceRao ?? '0');
  return keys
    .filter((k) => k.source !== 'watch-only')
    .sort((a, b) => (balance(b) > balance(a) ? 1 : balance(b) < balance(a) ? -1 : 0));
}

export function WalletScreen() {
  const wallets = useStore((s) => s.wallets);
  const load = useStore((s) => s.loadWallets);
  const [chain, reloadChain] = useChainView(wallets.data?.length ?? 0);
  const holder = useHolder();
  const [registering, setRegistering] = useState<string | null>(null);

  useEffect(() => {
    void load();
  }, [load]);

  const actions = (
    <div className="toolbar">
      <button type="button" className="button" onClick={reloadChain} data-testid="wallet-refresh">
        Refresh
      </button>
      <button
        type="button"
        className="button button-primary"
        onClick={() => navigate('welcome')}
        data-testid="add-key"
      >
        Add a key
      </button>
    </div>
  );

  return (
    <section className="screen">
      <ScreenHeader title="Wallet" actions={actions}>
        Your keys, what they hold and what they earn on the subnet. Only public addresses are shown;
        the secrets stay encrypted on this computer.
      </ScreenHeader>
      {wallets.data === null ? (
        wallets.error ? (
          <ErrorNote
            title="Could not list your keys"
            message={wallets.error}
            onRetry={() => void load()}
          />
        ) : (
          <Loading />
        )
      ) : wallets.data.length === 0 ? (
        <EmptyNote title="No keys yet">
          You can mine solo without a key. To take part in the subnet, add your hotkey.
        </EmptyNote>
      ) : (
        <>
          {chain.kind === 'error' && (
            <p className="muted" data-testid="wallet-chain-note">
              Balance and registration: {chain.message}
            </p>
          )}
          {chain.kind === 'loading' && <p className="muted">Asking the chain…</p>}
          <ul className="key-list" data-testid="wallet-list">
            {wallets.data.map((w) => (
              <li key={`${w.name}-${w.address}`} className="panel key">
                <div className="key-head">
                  <div className="key-text">
                    <span className="key-name">{w.name}</span>
                    <code className="key-address" data-testid="wallet-address">
                      {w.address}
                    </code>
                    {w.source && <span className="muted key-source">{w.source}</span>}
                  </div>
                  <CopyButton text={w.address} label="Copy address" what={`of ${w.name}`} />
                </div>
                {chain.kind === 'ok' && (
                  <KeyOnChainFacts
                    wallet={w}
                    data={chain.data}
                    holder={holder}
                    registering={registering === w.name}
                    onRegister={() => setRegistering(w.name)}
                  />
                )}
                {chain.kind === 'ok' && registering === w.name && (
                  <RegisterPanel
                    hotkey={w}
                    netuid={chain.data.netuid}
                    payers={payersByBalance(wallets.data ?? [], chain.data)}
                    onCancel={() => setRegistering(null)}
                    onDone={() => {
                      setRegistering(null);
                      reloadChain();
                    }}
                  />
                )}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
