import { useId, useState } from 'react';
import type { Ref } from 'react';

/**
 * A field for a mnemonic or seed: hidden like a password unless "Show" is pressed, and never
 * offered to autofill, spell checking or autocorrection. Uncontrolled on purpose: React mirrors a
 * controlled input's value into its `value` attribute, which would put the secret in the DOM
 * markup. To clear it, set `inputRef.current.value = ''`.
 */
export function SecretField({
  inputRef,
  onChange,
  describedBy,
  invalid,
}: {
  inputRef: Ref<HTMLInputElement>;
  onChange: (value: string) => void;
  describedBy?: string;
  invalid: boolean;
}) {
  const [shown, setShown] = useState(false);
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>Recovery phrase (12 or 24 words) or 0x seed</label>
      <div className="secret-row">
        <input
          id={id}
          className="secret-input"
          type={shown ? 'text' : 'password'}
          ref={inputRef}
          defaultValue=""
          onChange={(e) => onChange(e.target.value)}
          autoComplete="off"
          autoCorrect="off"
          autoCapitalize="off"
          spellCheck={false}
          aria-invalid={invalid || undefined}
          aria-describedby={describedBy}
          placeholder="word1 word2 word3 …"
          data-testid="secret-input"
          data-lpignore="true"
          data-1p-ignore="true"
        />
        <button
          type="button"
          className="button"
          aria-pressed={shown}
          onClick={() => setShown((s) => !s)}
          data-testid="secret-toggle"
        >
          {shown ? 'Hide' : 'Show'}
        </button>
      </div>
    </div>
  );
}
