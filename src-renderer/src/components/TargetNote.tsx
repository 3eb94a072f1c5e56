import type { MiningStatus } from '../../../shared/ipc/contract';
import type { TrackWords } from '../../../shared/protocol/track-words';
import { formatScore, formatSignedScore } from '../format';
import { Address, Digest } from './Names';

/**
 * In direct mode: the record and the score a claim needs, scored on this miner's own tasks
 * (the validators judge on hidden ones, so their figures differ a little). Says "you" when the
 * person holds the record.
 */
export function TargetNote({
  target,
  words,
}: {
  target: NonNullable<MiningStatus['target']>;
  words: TrackWords;
}) {
  const margin = target.needed - target.holderScore;
  return (
    <p className="target" data-testid="target">
      {target.byYou ? (
        <>
          <strong>You hold the record</strong> (program <Digest digest={target.digest} />,{' '}
          {formatScore(target.holderScore)} on your tasks). To replace it with a better one of
          yours, a new program needs <strong>{formatScore(target.needed)}</strong> or better.
        </>
      ) : (
        <>
          To win, beat the current record (program <Digest digest={target.digest} />,{' '}
          {target.miner ? (
            <>
              by <Address address={target.miner} />
            </>
          ) : (
            "the subnet's starting program"
          )}
          , {formatScore(target.holderScore)} on your tasks): a score of{' '}
          <strong>{formatScore(target.needed)}</strong> or better ({formatSignedScore(margin)}, the
          subnet&apos;s margin).
        </>
      )}{' '}
      <span className="muted">
        Scores are {words.scoreName} on your {words.tasks}: {words.half}. Validators score again on
        tasks nobody has seen, so their figures differ a little from yours.
      </span>
    </p>
  );
}
