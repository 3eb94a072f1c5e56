/**
 * Registering a hotkey on the subnet: the person picks which of their keys pays, sees what it
 * costs now (the burn moves with demand), and confirms that amount. The node refuses to send if
 * the burn rose above it. Without a key that can pay, the btcli command that does the same.
 */
import { useEffect, useState } from 'react';
import type { RegistrationQuoteView, WalletView } from '../../../shared/ipc/contract';
import { errorMessage, formatTao, formatTaoExact } from '../format';
import { useBridge } from '../store';
import { CopyButton } from './CopyButton';

type Quote =
  | { readonly kind: 'loading' }
  | { readonly kind: 'ok'; readonly quote: RegistrationQuoteView }
  | { readonly kind: 'error'; readonly message: string };

export function RegisterPanel({
  hotkey,
  netuid,
  payers,
  onDone,
  onCancel,
}: {
  /** The key to register (its hotkey). */
  hotkey: WalletView;
  netuid: number;
  /** The node's keys that hold a secret: any of them can pay and become the owner. */
  payers: readonly WalletView[];
  onDone: (uid: number) => void;
  onCancel: () => void;
}) {
  const bridge = useBridge();
  const [payer, setPayer] = useState(payers[0]?.name ?? '');
  const [quote, setQuote] = useState<Quote>({ kind: 'loading' });
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!payer) return;
    let current = true;
    setQuote({ kind: 'loading' });
    bridge.call('wallet.registerQuote', { hotkey: hotkey.address, payer }).then(
      (q) => current && setQuote({ kind: 'ok', quote: q }),
      (e: unknown) => current && setQuote({ kind: 'error', message: errorMessage(e) }),
    );
    return () => {
      current = false;
    };
  }, [bridge, hotkey.address, payer]);

  if (payers.length === 0)
    return (
      <div className="register" data-testid="register-btcli">
        <p>
          This node holds no key that can pay for the registration. Register with btcli, on the
          computer that holds your coldkey:
        </p>
        <BtcliCommand netuid={netuid} />
        <div className="form-actions">
          <button type="button" className="button" onClick={onCancel}>
            Close
          </button>
        </div>
      </div>
    );

  const register = async (q: RegistrationQuoteView) => {
    setSending(true);
    setError(null);
    try {
      const { uid } = await bridge.call('wallet.register', {
        hotkey: hotkey.address,
        payer,
        maxBurnRao: q.burnRao,
      });
      onDone(uid);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setSending(false);
    }
  };

  return (
    <div className="register" data-testid="register-panel">
      <div className="field">
        <label htmlFor={`payer-${hotkey.name}`}>Paid by (becomes the owner, the coldkey)</label>
        <select
          id={`payer-${hotkey.name}`}
          value={payer}
          onChange={(e) => setPayer(e.target.value)}
          disabled={sending}
          data-testid="register-payer"
        >
          {payers.map((p) => (
            <option key={p.name} value={p.name}>
              {p.name === hotkey.name ? `${p.name} (this key pays for itself)` : p.name}
            </option>
          ))}
        </select>
      </div>
      {quote.kind === 'loading' && <p className="muted">Asking the chain what it costs now…</p>}
      {quote.kind === 'error' && (
        <p className="inline-error" role="alert">
          {quote.message}
        </p>
      )}
      {quote.kind === 'ok' && (
        <>
          <p data-testid="register-cost">
            Registering costs <strong>{formatTao(quote.quote.burnRao)}</strong>, burned (you do not
            get it back), plus a fee of {formatTaoExact(quote.quote.feeRao)}. {quote.quote.payer}{' '}
            has {formatTao(quote.quote.balanceRao)}.
          </p>
          {!quote.quote.affordable && (
            <p className="inline-error" role="alert" data-testid="register-unaffordable">
              Not enough: {quote.quote.payer} needs {formatTao(quote.quote.totalRao)}. Send TAO to{' '}
              <code>{quote.quote.payerAddress}</code> first.
            </p>
          )}
        </>
      )}
      {error && (
        <p className="inline-error" role="alert" data-testid="register-error">
          {error}
        </p>
      )}
      <div className="form-actions">
        <button
          type="button"
          className="button button-primary"
          disabled={sending || quote.kind !== 'ok' || !quote.quote.affordable}
          onClick={() => quote.kind === 'ok' && void register(quote.quote)}
          data-testid="register-confirm"
        >
          {sending
            ? 'Registering…'
            : quote.kind === 'ok'
              ? `Burn ${formatTao(quote.quote.burnRao)} and register`
              : 'Register'}
        </button>
        <button type="button" className="button" onClick={onCancel} disabled={sending}>
          Cancel
        </button>
      </div>
    </div>
  );
}

function BtcliCommand({ netuid }: { netuid: number }) {
  const command = `btcli subnets register --netuid ${netuid} --wallet-name YOUR_WALLET --wallet-hotkey YOUR_HOTKEY`;
  return (
    <div className="toolbar">
      <code data-testid="register-command">{command}</code>
      <CopyButton text={command} label="Copy command" what="the registration command" />
    </div>
  );
}
