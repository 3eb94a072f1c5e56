/**
 * Adding a key: paste a recovery phrase or seed, see the address it gives, name it, save it; or
 * pick a hotkey of a btcli wallet on the node's machine. A pasted secret lives only in this
 * component's state; it goes to the node in wallet.preview and wallet.import and is cleared as
 * soon as the key is saved. A btcli key is read by the node and never reaches the UI.
 */
import { useEffect, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { BtcliPicker } from '../components/BtcliPicker';
import { ExtensionPicker } from '../components/ExtensionPicker';
import { KeystoreGate } from '../components/KeystoreGate';
import { ScreenHeader } from '../components/ScreenHeader';
import { SecretField } from '../components/SecretField';
import { errorMessage } from '../format';
import { currentRoute, navigate, routeHref } from '../router';
import { useBridge, useStore } from '../store';

const PREVIEW_DELAY_MS = 350;

type Method = 'paste' | 'btcli' | 'extension';
const METHODS: ReadonlyArray<{ method: Method; label: string }> = [
  { method: 'paste', label: 'Paste a recovery phrase' },
  { method: 'btcli', label: 'Pick a btcli wallet' },
  { method: 'extension', label: 'View an extension account' },
];

type Preview =
  | { readonly kind: 'none' }
  | { readonly kind: 'checking' }
  | { readonly kind: 'ok'; readonly address: string }
  | { readonly kind: 'error'; readonly message: string };

type Answer = { readonly secret: string } & (
  | { readonly address: string; readonly message?: never }
  | { readonly message: string; readonly address?: never }
);

/** Asks the node (after a pause in typing) which address the secret gives. */
function useAddressPreview(secret: string): Preview {
  const bridge = useBridge();
  const [answer, setAnswer] = useState<Answer | null>(null);

  useEffect(() => {
    const trimmed = secret.trim();
    if (!trimmed) return;
    let current = true;
    const timer = setTimeout(() => {
      bridge.call('wallet.preview', { secret: trimmed }).then(
        ({ address }) => {
          if (current) setAnswer({ secret, address });
        },
        (error: unknown) => {
          if (current) setAnswer({ secret, message: errorMessage(error) });
        },
      );
    }, PREVIEW_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [bridge, secret]);

  // Only an answer for exactly what is in the field counts.
  if (!secret.trim()) return { kind: 'none' };
  if (!answer || answer.secret !== secret) return { kind: 'checking' };
  return answer.address !== undefined
    ? { kind: 'ok', address: answer.address }
    : { kind: 'error', message: answer.message };
}

export function OnboardingScreen() {
  const bridge = useBridge();
  const loadWallets = useStore((s) => s.loadWallets);
  const hasWallets = useStore((s) => (s.wallets.data?.length ?? 0) > 0);
  const secretInput = useRef<HTMLInputElement>(null);
  const [secret, setSecret] = useState('');
  const [name, setName] = useState('default');
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string | null>(null);
  const preview = useAddressPreview(secret);
  const [method, setMethod] = useState<Method>('paste');
  // Browser extensions exist only in a browser, not in the desktop app's window.
  const inBrowser = useStore((s) => s.nodeInfo.data?.shell === 'headless');

  async function imported() {
    await loadWallets();
    // On to mining, unless the person has already gone elsewhere meanwhile.
    if (currentRoute() === 'welcome') navigate('mining');
  }

  const previewError = preview.kind === 'error' ? preview.message : null;
  const shownError = saveError ?? previewError;
  const canSave = secret.trim() !== '' && name.trim() !== '' && !saving && previewError === null;

  async function save(event: FormEvent) {
    event.preventDefault();
    if (!canSave) return;
    setSaving(true);
    setSaveError(null);
    try {
      await bridge.call('wallet.import', { name: name.trim(), secret: secret.trim() });
      if (secretInput.current) secretInput.current.value = '';
      setSecret('');
      await imported();
    } catch (error) {
      setSaveError(errorMessage(error));
    } finally {
      setSaving(false);
    }
  }

  return (
    <section className="screen screen-narrow">
      <ScreenHeader title={hasWallets ? 'Add a key' : 'Welcome'}>
        To earn rewards, the miner signs its results with your Bittensor key (hotkey). Paste its
        recovery phrase below, or pick it from your btcli wallets. It is stored encrypted on this
        computer and never shown again.
      </ScreenHeader>

      <div className="segmented" role="group" aria-label="How to add the key">
        {METHODS.filter((m) => inBrowser || m.method !== 'extension').map((m) => (
          <button
            key={m.method}
            type="button"
            className="button"
            aria-pressed={method === m.method}
            onClick={() => setMethod(m.method)}
            data-testid={`method-${m.method}`}
          >
            {m.label}
          </button>
        ))}
      </div>

      <KeystoreGate>
        {method === 'extension' ? (
          <div className="panel form">
            <ExtensionPicker
              onImported={async () => {
                await loadWallets();
                navigate('wallet');
              }}
            />
          </div>
        ) : method === 'btcli' ? (
          <div className="panel form">
            <BtcliPicker onImported={imported} />
            <a href={routeHref('mining')} className="link">
              Skip: mine solo without a key
            </a>
          </div>
        ) : (
          <form className="panel form" onSubmit={(e) => void save(e)} noValidate>
            <SecretField
              inputRef={secretInput}
              onChange={(value) => {
                setSecret(value);
                setSaveError(null);
              }}
              invalid={shownError !== null}
              describedBy="secret-feedback"
            />

            <div id="secret-feedback" className="secret-feedback">
              {shownError !== null ? (
                <p className="inline-error" role="alert" data-testid="wallet-error">
                  {shownError}
                </p>
              ) : preview.kind === 'ok' ? (
                <p className="address-preview" role="status" data-testid="address-preview">
                  This key’s address: <code>{preview.address}</code>
                </p>
              ) : preview.kind === 'checking' ? (
                <p className="muted" role="status">
                  Checking…
                </p>
              ) : (
                <p className="muted">The address this key gives will appear here, to compare.</p>
              )}
            </div>

            <div className="field">
              <label htmlFor="key-name">Name for this key</label>
              <input
                id="key-name"
                type="text"
                value={name}
                onChange={(e) => setName(e.target.value)}
                autoComplete="off"
                spellCheck={false}
                maxLength={64}
                data-testid="key-name"
              />
            </div>

            <div className="form-actions">
              <button
                type="submit"
                className="button button-primary"
                disabled={!canSave}
                data-testid="save-key"
              >
                {saving ? 'Saving…' : 'Save key'}
              </button>
              <a href={routeHref('mining')} className="link" data-testid="skip-onboarding">
                Skip: mine solo without a key
              </a>
            </div>
          </form>
        )}
      </KeystoreGate>
    </section>
  );
}
