import type { SubmissionView } from '../../../shared/ipc/contract';
import type { TrackWords } from '../../../shared/protocol/track-words';
import { formatDateTime, formatScore, shortDigest } from '../format';

const STATUS_LABELS: Record<SubmissionView['status'], string> = {
  committed: 'Committed on chain',
  submitted: 'Sent to validators',
  accepted: 'Accepted',
  rejected: 'Not accepted',
};

/** What this node has sent to the validators, newest first. */
export function SubmissionsTable({
  submissions,
  words,
}: {
  submissions: readonly SubmissionView[];
  words: TrackWords;
}) {
  const rows = [...submissions].sort((a, b) => b.at.localeCompare(a.at));
  return (
    <div className="table-wrap">
      <p className="muted">
        Your score is the claim&apos;s {words.scoreName} on 20 check tasks of yours that the search
        never saw ({words.half}). Validators judge it again on hidden tasks, where both it and the
        record score a little differently; the leaderboard shows their figures.
      </p>
      <table className="table" data-testid="submissions">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Algorithm</th>
            <th scope="col">Your score</th>
            <th scope="col">Status</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((s) => (
            <tr key={`${s.digest}-${s.at}`}>
              <td>{formatDateTime(s.at)}</td>
              <td>
                <code title={s.digest}>{shortDigest(s.digest)}</code>
              </td>
              <td className="num">{formatScore(s.fitness)}</td>
              <td>
                <span className={`tag tag-${s.status}`}>{STATUS_LABELS[s.status]}</span>
              </td>
              <td className="detail">{s.detail}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
