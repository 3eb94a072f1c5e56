import type { MiningMode, TrackView } from '../../../shared/ipc/contract';
import { trackWords } from '../../../shared/protocol/track-words';
import { formatScore } from '../format';
import { Digest } from './Names';

/**
 * The track the search works on. Solo: which problem, and what its scores mean. Direct mode: the
 * track claims go to, as the validators announce it, and how many run it; when they disagree it
 * says so, and that the others will refuse the claims.
 */
export function TrackNote({ track, mode }: { track: TrackView; mode: MiningMode }) {
  const words = trackWords(track.task);
  if (mode === 'solo')
    return (
      <p className="track-note" data-testid="track">
        You are working on <strong>{words.title}</strong> ({track.id}): {words.summary} Scores:{' '}
        {words.half}, {words.whole}.
      </p>
    );
  return (
    <p
      className={track.disagreement ? 'track-note warn' : 'track-note'}
      data-testid="track"
      role={track.disagreement ? 'status' : undefined}
    >
      Claims go to the track <strong>{track.id}</strong> ({words.title}, version{' '}
      <Digest digest={track.digest} />
      ),{' '}
      {track.asked === 0
        ? 'the built-in one: no validator was asked'
        : `run by ${track.agreeing} of the ${track.asked} validators asked`}
      ; a claim must beat the record by {formatScore(track.margin)} in {words.scoreName} on their
      hidden tasks ({words.half}).
      {track.disagreement && <> {track.disagreement}</>}
    </p>
  );
}
