/**
 * What the search evolves from, in the node's plain words: the current record and the miner's
 * best (direct), the pool's parents, or an empty program. A miner should know whether the
 * search stands on the record it has to beat.
 */
export function EvolvingFromNote({ text }: { text: string }) {
  return (
    <p className="evolving-from" data-testid="evolving-from">
      {text}.
    </p>
  );
}
