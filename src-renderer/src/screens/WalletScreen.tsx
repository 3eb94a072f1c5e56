import { useEffect } from 'react';
import { CopyButton } from '../components/CopyButton';
import { ScreenHeader } from '../components/ScreenHeader';
import { EmptyNote, ErrorNote, Loading } from '../components/StatusNotes';
import { navigate } from '../router';
import { useStore } from '../store';

export function WalletScreen() {
  const wallets = useStore((s) => s.wallets);
  const load = useStore((s) => s.loadWallets);

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
        <ul className="key-list" data-testid="wallet-list">
          {wallets.data.map((w) => (
            <li key={`${w.name}-${w.address}`} className="panel key">
              <div className="key-text">
                <span className="key-name">{w.name}</span>
                <code className="key-address" data-testid="wallet-address">
                  {w.address}
                </code>
                {w.source && <span className="muted key-source">{w.source}</span>}
              </div>
              <CopyButton text={w.address} label="Copy address" what={`of ${w.name}`} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
