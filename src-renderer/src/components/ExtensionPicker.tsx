/**
 * In a browser, an account of a Polkadot{.js}-compatible extension (Talisman, SubWallet, …) can be
 * added to view: its address only, for the balance and registration. The extension keeps the key;
 * nothing is signed with it here. The extension library loads only when this is opened.
 */
import { useEffect, useState } from 'react';
import type { ExtensionAccount } from '../extensions';
import { errorMessage, shortAddress } from '../format';
import { useBridge } from '../store';
import { PickConfirm, useSaving } from './PickConfirm';
import { ErrorNote, Loading } from './StatusNotes';

type Account = ExtensionAccount;

type Found =
  | { readonly kind: 'loading' }
  | { readonly kind: 'none' }
  | { readonly kind: 'error'; readonly message: string }
  | { readonly kind: 'ok'; readonly accounts: readonly Account[] };

export function ExtensionPicker({ onImported }: { onImported: () => Promise<void> }) {
  const bridge = useBridge();
  const [found, setFound] = useState<Found>({ kind: 'loading' });
  const [pick, setPick] = useState<Account | null>(null);
  const save = useSaving(async () => {
    if (!pick) return;
    const name = pick.name.replace(/[^A-Za-z0-9_.@+-]+/g, '-').slice(0, 48) || 'extension';
    await bridge.call('wallet.watch', { name, address: pick.address });
    await onImported();
  });

  useEffect(() => {
    let current = true;
    void import('../extensions')
      .then(({ extensionAccounts }) => extensionAccounts())
      .then((accounts): Found => (accounts ? { kind: 'ok', accounts } : { kind: 'none' }))
      .then(
        (result) => current && setFound(result),
        (e: unknown) => current && setFound({ kind: 'error', message: errorMessage(e) }),
      );
    return () => {
      current = false;
    };
  }, []);

  switch (found.kind) {
    case 'loading':
      return <Loading label="Asking your browser extensions…" />;
    case 'error':
      return <ErrorNote title="The extension did not answer" message={found.message} />;
    case 'none':
      return (
        <p className="muted" data-testid="extension-none">
          No Polkadot extension in this browser, or access was refused. Install one (Polkadot.js,
          Talisman, SubWallet) and allow this page, or paste a key instead.
        </p>
      );
    case 'ok':
      break;
  }
  if (found.accounts.length === 0) {
    return (
      <p className="muted" data-testid="extension-none">
        The extension shares no account with this page.
      </p>
    );
  }
  return (
    <div className="btcli-picker" data-testid="extension-picker">
      <fieldset>
        <legend>Accounts of your browser extensions (to view only)</legend>
        {found.accounts.map((a) => (
          <label key={a.address} className="btcli-option">
            <input
              type="radio"
              name="extension-account"
              checked={pick?.address === a.address}
              onChange={() => setPick(a)}
              data-testid={`extension-${a.address}`}
            />
            <span>
              {a.name} <code title={a.address}>{shortAddress(a.address)}</code>{' '}
              <span className="muted">({a.source})</span>
            </span>
          </label>
        ))}
      </fieldset>
      <PickConfirm
        address={pick?.address ?? null}
        note="Mining needs a key that can sign: this one is only shown in the wallet"
        error={save.error}
        saving={save.saving}
        label="Add to view"
        onConfirm={() => void save.run()}
        testId="extension"
      />
    </div>
  );
}
