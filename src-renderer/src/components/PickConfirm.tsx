/**
 * The end of every key picker (btcli hotkeys, extension accounts): the picked address shown in
 * full to compare, the error of the last try, and the button that saves the pick.
 */
import { useState } from 'react';
import { errorMessage } from '../format';

/** Runs `action` once at a time, keeping whether it runs and the message of its last failure. */
export function useSaving(action: () => Promise<void>) {
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async () => {
    setSaving(true);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setSaving(false);
    }
  };
  return { saving, error, run };
}

export function PickConfirm({
  address,
  note,
  error,
  saving,
  label,
  onConfirm,
  testId,
}: {
  /** The picked address, or null before a pick. */
  address: string | null;
  /** Said after the address, e.g. what the key can and cannot do here. */
  note?: string;
  error: string | null;
  saving: boolean;
  label: string;
  onConfirm: () => void;
  testId: string;
}) {
  return (
    <>
      {address && (
        <p className="address-preview" role="status" data-testid={`${testId}-address`}>
          This key’s address: <code>{address}</code>
          {note && <>. {note}</>}
        </p>
      )}
      {error && (
        <p className="inline-error" role="alert">
          {error}
        </p>
      )}
      <div className="form-actions">
        <button
          type="button"
          className="button button-primary"
          disabled={!address || saving}
          onClick={onConfirm}
          data-testid={`${testId}-confirm`}
        >
          {saving ? 'Saving…' : label}
        </button>
      </div>
    </>
  );
}
