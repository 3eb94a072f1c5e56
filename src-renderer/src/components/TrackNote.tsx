import type { TrackView } from '../../../shared/ipc/contract';
import { formatScore } from '../format';
import { Digest } from './Names';

/**
 * In direct mode: the track claims go to, as the validators announce it, and how many run it.
 * When they disagree it says so, and that the others will refuse the claims.
 */
export function TrackNote({ track }: { track: TrackView }) {
  return (
    <p
      className={track.disagreement ? 'track-note warn' : 'track-note'}
      data-testid="track"
      role={track.disagreement ? 'status' : undefined}
    >
      Claims go to the track <strong>{track.id}</strong> (version <Digest digest={track.digest} />
      ),{' '}
      {track.asked === 0
        ? 'the built-in one: no validator was asked'
        : `run by ${track.agreeing} of the ${track.asked} validators asked`}
      ; a claim must beat the record by {formatScore(track.margin)} in accuracy on their hidden
      tasks.
      {track.disagreement && <> {track.disagreement}</>}
    </p>
  );
}
