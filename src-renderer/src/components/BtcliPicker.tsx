/**
 * Picking a hotkey from the btcli wallets on the node's machine (~/.bittensor/wallets). The node
 * reads the key file itself: no secret passes through the UI, only names and addresses. Below,
 * the wallets' coldkeys (BtcliColdkeyPicker), which need the wallet's password.
 */
import { useEffect, useState } from 'react';
import type { BtcliWalletView } from '../../../shared/ipc/contract';
import { errorMessage, shortAddress } from '../format';
import { useBridge } from '../store';
import { BtcliColdkeyPicker } from './BtcliColdkeyPicker';
import { PickConfirm, useSaving } from './PickConfirm';
import { ErrorNote, Loading } from './StatusNotes';

interface Pick {
  readonly wallet: string;
  readonly hotkey: string;
  readonly address: string;
}

export function BtcliPicker({ onImported }: { onImported: () => Promise<void> }) {
  const bridge = useBridge();
  const [wallets, setWallets] = useState<BtcliWalletView[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [pick, setPick] = useState<Pick | null>(null);
  const save = useSaving(async () => {
    if (!pick) return;
    await bridge.call('wallet.btcli.import', {
      wallet: pick.wallet,
      hotkey: pick.hotkey,
      name: `${pick.wallet}-${pick.hotkey}`,
    });
    await onImported();
  });

  useEffect(() => {
    let current = true;
    bridge.call('wallet.btcli.list').then(
      (list) => current && setWallets(list),
      (e: unknown) => current && setLoadError(errorMessage(e)),
    );
    return () => {
      current = false;
    };
  }, [bridge]);

  if (loadError) return <ErrorNote title="Could not read the btcli wallets" message={loadError} />;
  if (wallets === null) return <Loading label="Looking for btcli wallets…" />;
  const usable = wallets.filter((w) => w.hotkeys.length > 0);
  if (usable.length === 0) {
    return (
      <p className="muted" data-testid="btcli-none">
        No btcli wallet with a hotkey on this computer (looked in ~/.bittensor/wallets).
      </p>
    );
  }

  return (
    <div className="btcli-picker" data-testid="btcli-picker">
      <fieldset>
        <legend>Hotkeys of your btcli wallets</legend>
        {usable.map((w) =>
          w.hotkeys.map((h) => {
            const id = `btcli-${w.wallet}-${h.name}`;
            return (
              <label key={id} className="btcli-option" htmlFor={id}>
                <input
                  id={id}
                  type="radio"
                  name="btcli-hotkey"
                  disabled={h.address === null}
                  checked={pick?.wallet === w.wallet && pick.hotkey === h.name}
                  onChange={() =>
                    h.address && setPick({ wallet: w.wallet, hotkey: h.name, address: h.address })
                  }
                  data-testid={id}
                />
                <span>
                  {w.wallet} / {h.name}{' '}
                  {h.address ? (
                    <code title={h.address}>{shortAddress(h.address)}</code>
                  ) : (
                    <span className="muted">({h.problem})</span>
                  )}
                </span>
              </label>
            );
          }),
        )}
      </fieldset>
      <PickConfirm
        address={pick?.address ?? null}
        error={save.error}
        saving={save.saving}
        label="Use this hotkey"
        onConfirm={() => void save.run()}
        testId="btcli"
      />
      <BtcliColdkeyPicker wallets={wallets} onImported={onImported} />
    </div>
  );
}
