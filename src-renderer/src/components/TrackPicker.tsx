import { BUILT_IN_TRACKS } from '../../../shared/protocol/track';
import { trackWords } from '../../../shared/protocol/track-words';

/** Which problem to search on: the subnet's built-in tracks, each in plain words. */
export function TrackPicker({
  value,
  onChange,
  disabled,
}: {
  value: string;
  onChange: (id: string) => void;
  disabled: boolean;
}) {
  const chosen = BUILT_IN_TRACKS.find((t) => t.id === value);
  return (
    <div className="field track-field">
      <label htmlFor="track-picker">Problem to work on</label>
      <select
        id="track-picker"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        disabled={disabled}
        data-testid="track-picker"
      >
        {BUILT_IN_TRACKS.map((t) => (
          <option key={t.id} value={t.id}>
            {trackWords(t.task).title}
          </option>
        ))}
      </select>
      {chosen && <p className="field-help">{trackWords(chosen.task).summary}</p>}
    </div>
  );
}
