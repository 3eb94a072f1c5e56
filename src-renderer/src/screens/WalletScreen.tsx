import { useEffect, useState } from 'react';
import type { KeyOnChain, WalletOnChain } from '../../../shared/ipc/contract';
import { CopyButton } from '../components/CopyButton';
import { ScreenHeader } from '../components/ScreenHeader';
import { EmptyNote, ErrorNote, Loading } from '../components/StatusNotes';
import { errorMessage, formatTao } from '../format';
import { navigate } from '../router';
import { useBridge, useStore } from '../store';

type ChainView =
  | { readonly kind: 'loading' }
  | { readonly kind: 'ok'; readonly data: WalletOnChain }
  | { readonly kind: 'error'; readonly message: string };

/** Balances and registrations, asked of the chain each time the key list changes. */
function useChainView(keyCount: number): ChainView {
  const bridge = useBridge();
  const [view, setView] = useState<ChainView>({ kind: 'loading' });
  useEffect(() => {
    let current = true;
    bridge.call('wallet.chain').then(
      (data) => current && setView({ kind: 'ok', data }),
      (e: unknown) => current && setView({ kind: 'error', message: errorMessage(e) }),
    );
    return () => {
      current = false;
    };
  }, [bridge, keyCount]);
  return view;
}

function ChainFacts({ view, address }: { view: ChainView; address: string }) {
  if (view.kind === 'loading') return <span className="muted">Asking the chain…</span>;
  if (view.kind === 'error') return null; // said once above the list
  const key: KeyOnChain | undefined = view.data.keys.find((k) => k.address === address);
  if (!key) return null;
  return (
    <span className="key-chain" data-testid="wallet-chain">
      {formatTao(key.balanceRao)} ·{' '}
      {key.uid === null
        ? `not registered on subnet ${view.data.netuid}`
        : `registered on subnet ${view.data.netuid} as uid ${key.uid}`}
    </span>
  );
}

export function WalletScreen() {
  const wallets = useStore((s) => s.wallets);
  const load = useStore((s) => s.loadWallets);
  const chain = useChainView(wallets.data?.length ?? 0);

  useEffect(() => {
    void load();
  }, [load]);

  const addKey = (
    <button
      type="button"
      className="button button-primary"
      onClick={() => navigate('welcome')}
      data-testid="add-key"
    >
      Add a key
    </button>
  );

  return (
    <section className="screen">
      <ScreenHeader title="Wallet" actions={addKey}>
        The keys this node signs with. Only their public addresses are shown; the secrets stay
        encrypted on this computer.
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
          <ul className="key-list" data-testid="wallet-list">
            {wallets.data.map((w) => (
              <li key={`${w.name}-${w.address}`} className="panel key">
                <div className="key-text">
                  <span className="key-name">{w.name}</span>
                  <code className="key-address" data-testid="wallet-address">
                    {w.address}
                  </code>
                  {w.source && <span className="muted key-source">{w.source}</span>}
                  <ChainFacts view={chain} address={w.address} />
                </div>
                <CopyButton text={w.address} label="Copy address" what={`of ${w.name}`} />
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
