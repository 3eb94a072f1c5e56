import type { MiningStatus } from '../../../shared/ipc/contract';
import { formatScore, shortDigest } from '../format';

/** In direct mode: the current record holder and the score a submission has to reach. */
export function TargetNote({ target }: { target: NonNullable<MiningStatus['target']> }) {
  return (
    <p className="target" data-testid="target">
      To win, beat the current record <code>{shortDigest(target.digest)}</code>: a score of{' '}
      <strong>{formatScore(target.needed)}</strong> or better.
    </p>
  );
}
