import { useEffect, useState } from 'react';
import { copyText } from '../clipboard';

/** Copies a value and says "Copied" for a moment. */
export function CopyButton({
  text,
  label = 'Copy',
  what,
  testId,
}: {
  /** The text, or a function that fetches it when clicked. */
  text: string | (() => Promise<string>);
  label?: string;
  /** For screen readers: what is copied, e.g. "address of default". */
  what?: string;
  testId?: string;
}) {
  const [state, setState] = useState<'idle' | 'busy' | 'copied' | 'failed'>('idle');

  useEffect(() => {
    if (state !== 'copied' && state !== 'failed') return;
    const timer = setTimeout(() => setState('idle'), 2500);
    return () => clearTimeout(timer);
  }, [state]);

  async function copy() {
    setState('busy');
    try {
      const value = typeof text === 'string' ? text : await text();
      setState((await copyText(value)) ? 'copied' : 'failed');
    } catch {
      setState('failed');
    }
  }

  const shown =
    state === 'copied'
      ? 'Copied'
      : state === 'failed'
        ? 'Could not copy'
        : state === 'busy'
          ? 'Copying…'
          : label;
  return (
    <button
      type="button"
      className="button button-small"
      onClick={() => void copy()}
      disabled={state === 'busy'}
      aria-label={what && state === 'idle' ? `${label} ${what}` : undefined}
      data-testid={testId}
    >
      <span aria-live="polite">{shown}</span>
    </button>
  );
}
