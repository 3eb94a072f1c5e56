import { formatScore, shortDigest } from '../format';

/** The best algorithm found so far, in the readable DSL. */
export function BestProgram({
  program,
  digest,
  fitness,
}: {
  program: string | null;
  digest: string | null;
  fitness: number | null;
}) {
  return (
    <section className="panel" aria-labelledby="best-program-title">
      <div className="panel-header">
        <h3 id="best-program-title">Best algorithm so far</h3>
        {program && (
          <span className="muted">
            score {formatScore(fitness)} · <code>{shortDigest(digest)}</code>
          </span>
        )}
      </div>
      {program ? (
        <pre className="program" data-testid="best-program" tabIndex={0}>
          {program}
        </pre>
      ) : (
        <p className="muted" data-testid="best-program">
          Nothing yet: the first algorithms are being tried.
        </p>
      )}
    </section>
  );
}
