/**
 * Importing a btcli wallet's coldkey, which pays for registrations and receives payouts. The
 * node reads the encrypted key file itself; the wallet's password is typed here (a password
 * field the browser does not keep) and crosses to the node once, like a pasted phrase.
 */
import { useId, useRef, useState } from 'react';
import type { BtcliWalletView } from '../../../shared/ipc/contract';
import { useBridge } from '../store';
import { PickConfirm, useSaving } from './PickConfirm';

export function BtcliColdkeyPicker({
  wallets,
  onImported,
}: {
  wallets: readonly BtcliWalletView[];
  onImported: () => Promise<void>;
}) {
  const bridge = useBridge();
  const passwordId = useId();
  const password = useRef<HTMLInputElement>(null);
  const [pick, setPick] = useState<BtcliWalletView | null>(null);
  const save = useSaving(async () => {
    if (!pick) return;
    await bridge.call('wallet.btcli.importColdkey', {
      wallet: pick.wallet,
      name: `${pick.wallet}-coldkey`,
      password: password.current?.value ?? '',
    });
    if (password.current) password.current.value = '';
    await onImported();
  });
  const withColdkey = wallets.filter((w) => w.coldkeyAddress !== null);
  if (withColdkey.length === 0) return null;
  return (
    <div className="btcli-picker" data-testid="btcli-coldkeys">
      <fieldset>
        <legend>Coldkeys (they pay for registration and receive payouts)</legend>
        {withColdkey.map((w) => {
          const id = `btcli-coldkey-${w.wallet}`;
          return (
            <label key={id} className="btcli-option" htmlFor={id}>
              <input
                id={id}
                type="radio"
                name="btcli-coldkey"
                checked={pick?.wallet === w.wallet}
                onChange={() => setPick(w)}
                data-testid={id}
              />
              <span>{w.wallet} (coldkey)</span>
            </label>
          );
        })}
      </fieldset>
      {pick && (
        <div className="field">
          <label htmlFor={passwordId}>Password of the wallet {pick.wallet}</label>
          <input
            id={passwordId}
            ref={password}
            type="password"
            defaultValue=""
            autoComplete="off"
            data-testid="btcli-coldkey-password"
          />
        </div>
      )}
      <PickConfirm
        address={pick?.coldkeyAddress ?? null}
        note="Opening the key file takes a few seconds (btcli's encryption is slow on purpose)."
        error={save.error}
        saving={save.saving}
        label="Use this coldkey"
        onConfirm={() => void save.run()}
        testId="btcli-coldkey"
      />
    </div>
  );
}
