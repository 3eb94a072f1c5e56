/**
 * Finding a pool on the node's subnet: pools announce themselves on chain; the node asks each
 * for its terms and lists those that answer, lowest fee first. Picking one fills the address.
 */
import { useState } from 'react';
import type { PoolListingView } from '../../../shared/ipc/contract';
import { errorMessage, formatTaoExact, shortAddress } from '../format';
import { routeHref } from '../router';
import { useBridge } from '../store';

export function PoolFinder({
  networkSet,
  onPick,
  disabled,
}: {
  /** Whether the node has a network and subnet (else it cannot look). */
  networkSet: boolean;
  onPick: (url: string) => void;
  disabled: boolean;
}) {
  const bridge = useBridge();
  const [pools, setPools] = useState<PoolListingView[] | null>(null);
  const [looking, setLooking] = useState(false);
  const [error, setError] = useState<string | null>(null);

  if (!networkSet)
    return (
      <p className="field-help">
        To find pools on the subnet, <a href={routeHref('settings')}>choose a network</a> first.
      </p>
    );

  async function find() {
    setLooking(true);
    setError(null);
    try {
      setPools(await bridge.call('pool.discover'));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setLooking(false);
    }
  }

  return (
    <div className="pool-finder">
      <button
        type="button"
        className="button button-small"
        onClick={() => void find()}
        disabled={disabled || looking}
        data-testid="pool-find"
      >
        {looking ? 'Looking on the subnet…' : 'Find pools on the subnet'}
      </button>
      {error && (
        <p className="inline-error" role="alert">
          {error}
        </p>
      )}
      {pools !== null &&
        (pools.length === 0 ? (
          <p className="muted" data-testid="pool-none">
            No pool on this subnet answered.
          </p>
        ) : (
          <ul className="pool-list" data-testid="pool-list">
            {pools.map((p) => (
              <li key={p.hotkey}>
                <button
                  type="button"
                  className="button button-small"
                  onClick={() => onPick(p.url)}
                  disabled={disabled}
                  data-testid={`pool-pick-${p.uid}`}
                >
                  Use
                </button>{' '}
                <span>
                  uid {p.uid} · <code title={p.hotkey}>{shortAddress(p.hotkey)}</code> · fee{' '}
                  {(p.feeBps / 100).toFixed(2)}% ·{' '}
                  {p.windowBlocks === null
                    ? 'pays nothing'
                    : `pays from ${formatTaoExact(p.minimumPayoutRao)}`}
                </span>
              </li>
            ))}
          </ul>
        ))}
    </div>
  );
}
