/**
 * Keys are stored encrypted. The desktop app asks the OS keychain; a headless node whose operator
 * set no passphrase asks the person here, before a key can be saved: a new passphrase (typed
 * twice, its strength shown) while no key is stored, or the one that opens the stored keys after
 * a restart. It goes to the node in wallet.unlock, which keeps it for this run only; the inputs
 * are uncontrolled (no value attribute in the page) and cleared once it is accepted.
 */
import { useEffect, useRef, useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import type { KeystoreState } from '../../../shared/ipc/contract';
import { errorMessage, passphraseStrength } from '../format';
import { useBridge } from '../store';
import { ErrorNote, Loading } from './StatusNotes';

type View =
  | { readonly kind: 'loading' }
  | { readonly kind: 'ok'; readonly state: KeystoreState }
  | { readonly kind: 'error'; readonly message: string };

export function KeystoreGate({ children }: { children: ReactNode }) {
  const bridge = useBridge();
  const [view, setView] = useState<View>({ kind: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let current = true;
    bridge.call('wallet.keystore').then(
      (state) => current && setView({ kind: 'ok', state }),
      (e: unknown) => current && setView({ kind: 'error', message: errorMessage(e) }),
    );
    return () => {
      current = false;
    };
  }, [bridge, attempt]);

  if (view.kind === 'loading') return <Loading />;
  if (view.kind === 'error')
    return (
      <ErrorNote
        title="Could not reach your keystore"
        message={view.message}
        onRetry={() => setAttempt((n) => n + 1)}
      />
    );
  if (view.state.state === 'ready') return <>{children}</>;
  return (
    <PassphraseForm
      choosing={view.state.state === 'choose-passphrase'}
      onReady={(state) => setView({ kind: 'ok', state })}
    />
  );
}

function PassphraseForm({
  choosing,
  onReady,
}: {
  choosing: boolean;
  onReady: (state: KeystoreState) => void;
}) {
  const bridge = useBridge();
  const first = useRef<HTMLInputElement>(null);
  const second = useRef<HTMLInputElement>(null);
  const [typed, setTyped] = useState('');
  const [again, setAgain] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const strength = passphraseStrength(typed);
  const mismatch = choosing && again !== '' && again !== typed;
  const canSubmit =
    !busy && (choosing ? strength.level !== 'too-short' && again === typed : typed !== '');

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!canSubmit) return;
    setBusy(true);
    setError(null);
    try {
      const state = await bridge.call('wallet.unlock', { passphrase: typed });
      for (const input of [first.current, second.current]) if (input) input.value = '';
      setTyped('');
      setAgain('');
      onReady(state);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      className="panel form"
      onSubmit={(e) => void submit(e)}
      noValidate
      data-testid="keystore-passphrase"
    >
      <div className="keystore-intro">
        <h3>
          {choosing ? 'Choose a passphrase for your keys' : 'Enter the passphrase of your keys'}
        </h3>
        <p className="muted">
          {choosing
            ? 'Keys are stored encrypted on this computer with a passphrase you choose. You will ' +
              'type it again each time this node starts. Nobody can recover it for you.'
            : 'Your keys on this computer are encrypted. Type the passphrase you chose for them.'}
        </p>
      </div>
      <div className="field">
        <label htmlFor="keystore-passphrase-input">Passphrase</label>
        <input
          id="keystore-passphrase-input"
          ref={first}
          type="password"
          defaultValue=""
          autoComplete={choosing ? 'new-password' : 'current-password'}
          onChange={(e) => {
            setTyped(e.target.value);
            setError(null);
          }}
          aria-describedby="keystore-passphrase-feedback"
          data-testid="passphrase-input"
        />
      </div>
      {choosing && (
        <div className="field">
          <label htmlFor="keystore-passphrase-again">The same passphrase again</label>
          <input
            id="keystore-passphrase-again"
            ref={second}
            type="password"
            defaultValue=""
            autoComplete="new-password"
            onChange={(e) => setAgain(e.target.value)}
            aria-invalid={mismatch || undefined}
            data-testid="passphrase-again"
          />
        </div>
      )}
      <div id="keystore-passphrase-feedback">
        {error !== null ? (
          <p className="inline-error" role="alert" data-testid="passphrase-error">
            {error}
          </p>
        ) : mismatch ? (
          <p className="inline-error" role="alert">
            The two passphrases differ.
          </p>
        ) : choosing && typed !== '' ? (
          <p
            className={`muted passphrase-strength strength-${strength.level}`}
            role="status"
            data-testid="passphrase-strength"
          >
            Strength: {strength.label}
          </p>
        ) : null}
      </div>
      <div className="form-actions">
        <button
          type="submit"
          className="button button-primary"
          disabled={!canSubmit}
          data-testid="passphrase-submit"
        >
          {busy ? 'Checking…' : choosing ? 'Use this passphrase' : 'Unlock my keys'}
        </button>
      </div>
    </form>
  );
}
