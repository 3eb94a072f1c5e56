/** How many CPU threads the search may use: 1 up to the number of cores. */
export function ThreadsField({
  value,
  max,
  cores = max,
  onChange,
  disabled,
}: {
  value: number;
  /** The most this field offers: the cores, or what a running search started with. */
  max: number;
  /** The computer's cores, for the help line. */
  cores?: number;
  onChange: (threads: number) => void;
  disabled: boolean;
}) {
  return (
    <div className="field threads-field">
      <label htmlFor="threads">Threads (CPU cores to use)</label>
      <div className="threads-inputs">
        <input
          type="range"
          min={1}
          max={max}
          value={value}
          disabled={disabled}
          aria-hidden="true"
          tabIndex={-1}
          onChange={(e) => onChange(Number(e.target.value))}
        />
        <input
          id="threads"
          type="number"
          inputMode="numeric"
          min={1}
          max={max}
          step={1}
          value={value}
          disabled={disabled}
          onChange={(e) => onChange(clampThreads(Number(e.target.value), max))}
          data-testid="threads"
          aria-describedby="threads-help"
        />
      </div>
      <p id="threads-help" className="field-help">
        This computer has {cores} {cores === 1 ? 'core' : 'cores'}. Fewer threads leave more room
        for other work.
      </p>
    </div>
  );
}

export function clampThreads(threads: number, max: number): number {
  if (!Number.isFinite(threads)) return 1;
  return Math.min(Math.max(1, Math.round(threads)), Math.max(1, max));
}
